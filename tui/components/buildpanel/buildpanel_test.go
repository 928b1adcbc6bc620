package buildpanel

import (
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/nixplore/nixplore/nixeval"
	"github.com/nixplore/nixplore/nixeval/attr"
	"github.com/nixplore/nixplore/nixeval/build"
	"github.com/nixplore/nixplore/nixeval/build/buildlog"
	"github.com/nixplore/nixplore/tui/shared"
)

// The plan of a build asked before (b pressed twice, or on another node)
// is dropped; the plan of the build asked for is shown, and enter pressed
// while it loaded starts the build as it arrives.
func TestPlanOfAnEarlierBuildIsDropped(t *testing.T) {
	c := shared.New(shared.Config{Target: &nixeval.Target{Kind: nixeval.Classic, File: "<nixpkgs/nixos>"}})
	b := New(c)
	path := attr.Path{"config", "system", "build", "toplevel"}
	b, _ = b.Open(path, "x86_64-linux", nil, nil) // the Cmds are not run: the plans come from the test
	old := b.id
	b, _ = b.Open(path, "x86_64-linux", nil, nil)
	plan := &buildlog.Plan{Build: []string{"/nix/store/" + "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-x.drv"}}
	var cmd tea.Cmd
	b, cmd = b.Update(buildPlanMsg{id: old, plan: plan})
	if b.State != Planning || b.Plan != nil || cmd != nil {
		t.Fatalf("an earlier build's plan was taken: state %s, plan %v, work started %v", b.State, b.Plan, cmd != nil)
	}
	b, cmd = b.Update(tea.KeyMsg{Type: tea.KeyEnter})
	if !b.Confirmed || cmd != nil {
		t.Fatalf("enter while the plan loads: kept %v, work started %v (the plan is not there yet)", b.Confirmed, cmd != nil)
	}
	var start tea.Cmd
	b, start = b.Update(buildPlanMsg{id: b.id, plan: plan, judged: &build.Judgement{}})
	if b.Plan != plan || start == nil {
		t.Errorf("the plan asked for: state %s, plan %v, build started %v", b.State, b.Plan, start != nil)
	}
	b.Cancel()
}
