package tui

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/nixplore/nixplore/nixeval"
	"github.com/nixplore/nixplore/tui/components/askpanel"
	"github.com/nixplore/nixplore/tui/components/tree"
)

// errorRow waits until the node named name is an error (its kind comes in
// the background) and selects it.
func (d *driver) errorRow(name string) *tree.Node {
	d.t.Helper()
	var n *tree.Node
	d.until(func() bool {
		for _, v := range d.m.tree.Visible {
			if v.Name == name && v.Kind == nixeval.KindError {
				n = v
				return true
			}
		}
		return false
	})
	if n == nil {
		d.t.Fatalf("%s never became an error:\n%s", name, d.m.View())
	}
	d.selectName(name)
	return n
}

// TestTracePanel: t on an error evaluates it again with --show-trace and
// shows the option and the user's file before the chain; the panel fits
// every size, scrolls, and esc closes it. t is off on a value that
// evaluates.
func TestTracePanel(t *testing.T) {
	onEachBackend(t, func(t *testing.T, b backend) {
		d := nixDriverOn(t, b, "trace", "", 100, 30)
		d.errorRow("name")
		if !d.m.c.Keys.Trace.Enabled() {
			t.Fatal("t is not offered on an error")
		}
		d.key("t")
		if !d.m.trace.Active() {
			t.Fatal("t did not open the trace panel")
		}
		d.until(func() bool { return d.m.trace.State != askpanel.Loading })
		if d.m.trace.State != askpanel.Ready {
			t.Fatalf("trace %s: %v", d.m.trace.State, d.m.trace.Err)
		}
		body := strings.Join(d.m.trace.Body(200), "\n")
		for _, want := range []string{"option system.name, in " + d.m.trace.Trace.File + ":5:", "naming.nix", "← your file", "Chain, the outermost first"} {
			if !strings.Contains(body, want) {
				t.Errorf("trace lacks %q:\n%s", want, body)
			}
		}
		if n := strings.Count(body, "cannot coerce an integer to a string"); n < 2 {
			// Once as the error, once as the chain's last frame.
			t.Errorf("the error appears %d times:\n%s", n, body)
		}
		for _, w := range []int{60, 80, 133, 300} {
			for _, h := range []int{15, 24, 100} {
				d.send(tea.WindowSizeMsg{Width: w, Height: h})
				checkFits(t, d.m.View(), w, h, "trace panel")
			}
		}
		// The marker stays on one line however the frame before it wraps
		// (a checkout's longer path once split it as "← your" / "file").
		for w := 20; w <= 200; w++ {
			if body := d.m.trace.Body(w); !strings.Contains(strings.Join(body, "\n"), "← your file") {
				t.Errorf("at width %d the marker is split:\n%s", w, strings.Join(body, "\n"))
			}
		}
		// q closes the panel, so the footer offers ctrl+c, not q, to quit.
		if v := d.m.View(); !strings.Contains(v, "ctrl+c quit") || strings.Contains(v, "q quit") {
			t.Errorf("the trace panel's footer does not say ctrl+c quits:\n%s", v)
		}
		d.send(tea.WindowSizeMsg{Width: 80, Height: 20})
		before := d.m.trace.Pg.Offset()
		d.key("pgdown")
		if d.m.trace.Pg.Offset() <= before {
			t.Errorf("pgdown did not scroll the trace (offset %d)", d.m.trace.Pg.Offset())
		}
		d.key("esc")
		if d.m.trace.Active() {
			t.Error("esc did not close the trace panel")
		}
		d.key("t")
		d.until(func() bool { return d.m.trace.State != askpanel.Loading })
		d.key("q")
		if d.m.trace.Active() || d.m.quitting {
			t.Errorf("q in the trace panel: panel open %v, explorer quitting %v; want the panel closed", d.m.trace.Active(), d.m.quitting)
		}
		d.selectName("fine")
		d.settle()
		if d.m.c.Keys.Trace.Enabled() {
			t.Error("t is offered on a value that evaluates")
		}
	})
}

// TestTracePanelCancel: esc while Nix works on the trace closes the panel
// and stops Nix (the driver's cleanup waits for every request to end).
func TestTracePanelCancel(t *testing.T) {
	d := nixDriver(t, "trace", "", 100, 30)
	d.errorRow("recursive")
	d.key("t")
	if d.m.trace.State != askpanel.Loading {
		t.Fatalf("trace %s", d.m.trace.State)
	}
	d.key("esc")
	if d.m.trace.Active() {
		t.Fatal("esc did not close the loading trace")
	}
	d.settle()
	if d.m.trace.Active() {
		t.Error("the cancelled trace's answer reopened the panel")
	}
}

// TestTraceOfFailedConfiguration: when the whole configuration fails, the
// failure screen offers t, which shows the trace of the start path: the
// user's own file behind the error; esc goes back to the failure screen.
func TestTraceOfFailedConfiguration(t *testing.T) {
	d := nixDriver(t, "syntax", "", 100, 40)
	d.settle()
	if d.m.State() != "failed" {
		t.Fatalf("state %s, want failed", d.m.State())
	}
	if v := d.m.View(); !strings.Contains(v, "Press t to see why") || !strings.Contains(v, "t why: trace") {
		t.Errorf("the failure screen does not offer t:\n%s", v)
	}
	d.key("t")
	if !d.m.trace.Active() {
		t.Fatal("t did not open the trace panel")
	}
	d.until(func() bool { return d.m.trace.State != askpanel.Loading })
	body := strings.Join(d.m.trace.Body(200), "\n")
	if d.m.trace.State != askpanel.Ready || !strings.Contains(body, "syntax/configuration.nix") || !strings.Contains(body, "syntax error") {
		t.Errorf("trace %s:\n%s", d.m.trace.State, body)
	}
	checkFits(t, d.m.View(), 100, 40, "trace of a failed configuration")
	d.key("esc")
	if d.m.trace.Active() || !strings.Contains(d.m.View(), "The evaluation failed") {
		t.Errorf("esc did not go back to the failure screen:\n%s", d.m.View())
	}
}
