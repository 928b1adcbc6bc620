package completion

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/nixplore/nixplore/cmd/nixplore/cmdline"
	"github.com/nixplore/nixplore/nixeval"
	"github.com/nixplore/nixplore/nixeval/attr"
	"github.com/nixplore/nixplore/nixeval/resolve"
	"github.com/nixplore/nixplore/nixeval/warm"
)

// completePath completes an attribute path: the next name after the last
// dot, from the disk cache when it holds the parent's listing, else from
// Nix within the completion timeout.
func completePath(ctx context.Context, prev []string, cur string) answer {
	parentText, parent, partial, ok := splitPartialPath(cur)
	if !ok {
		return answer{}
	}
	// config., config.system., config.system.build.: the way to the
	// outputs is known without asking Nix.
	if len(parent) < len(attr.DefaultPath) && attr.DefaultPath.HasPrefix(parent) {
		if next := attr.DefaultPath[len(parent)]; strings.HasPrefix(next, partial) {
			return answer{Directive: directiveNoSpace, Cands: []candidate{{Text: parentText + next + ".", Desc: "attrs"}}}
		}
	}
	o, err := cmdline.Parse(prev)
	if err != nil {
		return answer{}
	}
	// Completion never writes a flake's lock file (the listing locks in
	// memory, as --no-write-lock-file does).
	o.Target.NoWriteLockFile = true
	t, err := resolve.Target(o.Target, resolve.SystemEnvironment())
	if err != nil {
		return answer{}
	}
	children, err := childrenOf(ctx, t, parent)
	if isTimeout(err) {
		startFill(prev, parent)
	}
	if err != nil {
		return answer{}
	}
	a := answer{Directive: directivePlain}
	for _, c := range children {
		if !strings.HasPrefix(c.Name, partial) {
			continue
		}
		text := parentText + attr.Quote(c.Name)
		if !typeable(text) {
			continue
		}
		if c.Kind == nixeval.KindAttrs {
			text += "." // a set: the path goes on
			a.Directive = directiveNoSpace
		}
		a.Cands = append(a.Cands, candidate{Text: text, Desc: c.Kind})
	}
	return a
}

// childrenOf lists parent's children: from the disk cache at once when it
// holds them, else by a one-shot Nix bounded by the completion timeout,
// whose answer is cached for the next TAB.
func childrenOf(ctx context.Context, t *nixeval.Target, parent attr.Path) ([]nixeval.Child, error) {
	tools := nixeval.Tools{}
	if err := tools.LookPath(); err != nil {
		return nil, err
	}
	ev := nixeval.New(t, tools)
	ev.Backend = warm.NewTrackedOneShot(t, tools)
	defer ev.Close()
	if c, err := nixeval.OpenCache(); err == nil {
		ev.Cache = c
	}
	if l, ok := ev.PeekList(parent); ok {
		return l.Children, nil
	}
	ctx, cancel := context.WithTimeout(ctx, completeTimeout())
	defer cancel()
	// A background listing of the same is running (an earlier TAB's):
	// wait for its answer in the cache rather than start Nix again.
	if ev.Cache != nil && fillRunning(ev.Cache.Dir(), t, parent) {
		for {
			select {
			case <-ctx.Done():
				return nil, errTimedOut
			case <-time.After(100 * time.Millisecond):
			}
			if l, ok := ev.PeekList(parent); ok {
				return l.Children, nil
			}
		}
	}
	ls, err := ev.List(ctx, parent)
	if err != nil {
		if ctx.Err() == context.DeadlineExceeded {
			return nil, errTimedOut
		}
		return nil, err
	}
	return ls[0].Children, nil
}

// splitPartialPath splits a partly typed attribute path at its last dot
// outside Nix quotes: the text up to and including that dot (kept as
// typed, so candidates extend what is on the command line), the parent
// path it names, and the start of the last name with its Nix quotes
// removed (`units."ssh` gives `ssh`).
func splitPartialPath(cur string) (parentText string, parent attr.Path, partial string, ok bool) {
	last, inQuote := -1, false
	for i := 0; i < len(cur); i++ {
		switch c := cur[i]; {
		case inQuote && c == '\\':
			i++
		case c == '"':
			inQuote = !inQuote
		case !inQuote && c == '.':
			last = i
		}
	}
	partialText := cur
	if last >= 0 {
		p, err := attr.Parse(cur[:last])
		if err != nil {
			return "", nil, "", false
		}
		parentText, parent, partialText = cur[:last+1], p, cur[last+1:]
	}
	if !strings.HasPrefix(partialText, `"`) {
		return parentText, parent, partialText, true
	}
	if inQuote {
		partialText += `"`
	}
	p, err := attr.Parse(partialText)
	if err != nil || len(p) != 1 {
		return "", nil, "", false
	}
	return parentText, parent, p[0], true
}

// typeable reports whether text can be put on a command line as it is:
// valid UTF-8 without control characters. Names holding others (Nix
// quoting keeps an ESC byte as it is) are left out rather than sent to
// the terminal.
func typeable(text string) bool {
	if !utf8.ValidString(text) {
		return false
	}
	for _, r := range text {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return false
		}
	}
	return true
}
