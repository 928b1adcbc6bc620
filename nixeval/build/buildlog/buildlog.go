// Package buildlog reads what a build prints: the `@nix` lines of Nix's
// --log-format internal-json as events and running totals (Progress), and
// the plan of a dry run or a build (Plan). It runs nothing.
package buildlog

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"

	"github.com/nixplore/nixplore/nixeval/nixproc"
)

// Activity and result types of Nix's --log-format internal-json
// (libutil/logging.hh; the same numbers from 2.4 to 2.34).
const (
	actCopyPath     = 100
	actFileTransfer = 101
	actRealise      = 102
	actCopyPaths    = 103
	actBuilds       = 104
	actBuild        = 105
	actSubstitute   = 108
	// actCopyPathsRemote is nixplore's own key for the CopyPaths
	// activities of the build hook (not a Nix number).
	actCopyPathsRemote = -103

	resBuildLogLine = 101
	resSetPhase     = 104
	resProgress     = 105
	resSetExpected  = 106
)

// logEntry is one `@nix {…}` line.
type logEntry struct {
	Action string            `json:"action"`
	ID     uint64            `json:"id"`
	Level  int               `json:"level"`
	Type   int               `json:"type"`
	Text   string            `json:"text"`
	Parent uint64            `json:"parent"`
	Fields []json.RawMessage `json:"fields"`
	Msg    string            `json:"msg"`
	RawMsg string            `json:"raw_msg"`
}

func (e *logEntry) str(i int) string {
	if i >= len(e.Fields) {
		return ""
	}
	var s string
	_ = json.Unmarshal(e.Fields[i], &s)
	return s
}

func (e *logEntry) num(i int) int64 {
	if i >= len(e.Fields) {
		return 0
	}
	var n int64
	_ = json.Unmarshal(e.Fields[i], &n)
	return n
}

var nixLogPrefix = []byte("@nix ")

// parseLogLine reads one stderr line of --log-format internal-json. ok is
// false for lines that are not `@nix` lines (Nix prints a few before its
// logger starts); err is set for `@nix` lines whose JSON is broken.
func parseLogLine(line []byte) (e logEntry, ok bool, err error) {
	rest, found := bytes.CutPrefix(bytes.TrimRight(line, "\r\n"), nixLogPrefix)
	if !found {
		return e, false, nil
	}
	if err := json.Unmarshal(rest, &e); err != nil {
		return e, true, fmt.Errorf("bad @nix line: %w", err)
	}
	return e, true, nil
}

// EventKind says what a Event reports.
type EventKind int

const (
	// EventPlan: Nix announced what it will build and fetch (Plan).
	EventPlan EventKind = iota
	// EventProgress: the counters in Stats changed.
	EventProgress
	// EventBuildStarted: Drv started building (on Machine when remote).
	EventBuildStarted
	// EventBuildStopped: Drv's build ended (successfully unless an
	// EventBuildFailed for it follows).
	EventBuildStopped
	// EventPhase: Drv entered Phase (e.g. buildPhase).
	EventPhase
	// EventLog: Drv printed Line.
	EventLog
	// EventFetch: Path is being fetched from a binary cache (or copied).
	EventFetch
	// EventMessage: Nix said Text at Level (0 error, 1 warning, 3 info…).
	EventMessage
	// EventBuildFailed: Nix reported that Drv's builder failed.
	EventBuildFailed
	// EventCopy: Path is being copied between this machine's store and a
	// remote builder's (From and To name the stores, "local" for this
	// machine): the inputs of a remote build going there, its outputs
	// coming back.
	EventCopy
)

var eventKindNames = [...]string{"plan", "progress", "build-started", "build-stopped", "phase", "log", "fetch", "message", "build-failed", "copy"}

func (k EventKind) String() string {
	if int(k) < len(eventKindNames) {
		return eventKindNames[k]
	}
	return fmt.Sprintf("event(%d)", int(k))
}

// MarshalText makes the kind print as its name in JSON.
func (k EventKind) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// Event is one thing that happened during a build.
type Event struct {
	Kind    EventKind `json:"kind"`
	Drv     string    `json:"drv,omitempty"`
	Machine string    `json:"machine,omitempty"`
	Phase   string    `json:"phase,omitempty"`
	Line    string    `json:"line,omitempty"`
	Path    string    `json:"path,omitempty"`
	From    string    `json:"from,omitempty"`
	To      string    `json:"to,omitempty"`
	Text    string    `json:"text,omitempty"`
	Level   int       `json:"level,omitempty"`
	Plan    *Plan     `json:"plan,omitempty"`
	Stats   Stats     `json:"stats"` // the totals after this event
}

// ActiveBuild is one derivation being built right now.
type ActiveBuild struct {
	Drv      string `json:"drv"`
	Name     string `json:"name"`
	Machine  string `json:"machine,omitempty"`
	Phase    string `json:"phase,omitempty"`
	LastLine string `json:"lastLine,omitempty"`
}

// Stats are the totals Nix's own progress bar shows.
type Stats struct {
	Done     int `json:"done"` // derivations built
	Expected int `json:"expected"`
	Running  int `json:"running"`
	Failed   int `json:"failed"`
	// Paths fetched (substituted or copied) and expected.
	Fetched       int `json:"fetched"`
	FetchExpected int `json:"fetchExpected"`
	// Bytes downloaded and expected.
	Downloaded       int64         `json:"downloaded"`
	DownloadExpected int64         `json:"downloadExpected"`
	Active           []ActiveBuild `json:"active,omitempty"`
}

// logTailKeep is how many log lines per derivation are kept in memory.
const logTailKeep = 200

type activity struct {
	typ      int
	drv      string // Build: the derivation; Substitute: the path
	machine  string
	phase    string
	lastLine string
	progress [4]int64 // done, expected, running, failed
	expected map[int]int64
}

type typeTotals struct {
	done, failed, expected int64
	running                map[uint64]*activity
}

// Progress turns Nix's internal-json lines into events and running
// totals. It is a pure state machine: feed it lines, read its state.
type Progress struct {
	acts     map[uint64]*activity
	byType   map[int]*typeTotals
	order    []uint64 // running Build activities in start order
	plan     PlanReader
	inPlan   bool
	logs     map[string][]string
	logOrder []string // derivations in the order they first logged
	stopped  []string // builds that stopped, in order
	built    []string // … of which Nix counted as done
	// Errors are Nix's error messages (level 0), without colours.
	Errors []string
	// Messages are all other messages Nix printed, without colours.
	Messages []string
	// Fetched are the paths Nix substituted from a binary cache.
	Fetched []string
	// Copies are the paths copied to and from remote builders.
	Copies []Copy
	// machines are the remote builders builds ran on; builtOn the
	// machine of each derivation built remotely.
	machines map[string]bool
	builtOn  map[string]string
	// BadLines counts `@nix` lines whose JSON could not be read.
	BadLines int
	// planned is set by the first line of Nix's plan; builtBefore and
	// fetchedBefore count what was built and fetched before it (import
	// from derivation), which the plan does not list.
	planned                    bool
	builtBefore, fetchedBefore int
	// peak are the totals last reported, which the next never go below.
	peak Stats
}

// NewProgress returns an empty state.
func NewProgress() *Progress {
	return &Progress{acts: map[uint64]*activity{}, byType: map[int]*typeTotals{}, logs: map[string][]string{},
		machines: map[string]bool{}, builtOn: map[string]string{}}
}

func (p *Progress) totals(t int) *typeTotals {
	tt := p.byType[t]
	if tt == nil {
		tt = &typeTotals{running: map[uint64]*activity{}}
		p.byType[t] = tt
	}
	return tt
}

// Feed reads one stderr line and returns the events it caused.
func (p *Progress) Feed(line []byte) []Event {
	e, ok, err := parseLogLine(line)
	if err != nil {
		p.BadLines++
		return nil
	}
	if !ok {
		text := strings.TrimRight(nixproc.StripANSI(string(line)), "\r\n")
		if strings.TrimSpace(text) == "" {
			return nil
		}
		// Before its logger starts Nix prints plain text; warnings
		// stay visible. Errors are read as a block when the build fails.
		level := 3
		if strings.HasPrefix(text, "warning:") {
			level = 1
		}
		return p.message(level, text)
	}
	return p.apply(&e)
}

func (p *Progress) apply(e *logEntry) []Event {
	if e.Action != "msg" {
		evs := p.Flush()
		return append(evs, p.applyActivity(e)...)
	}
	return p.message(e.Level, nixproc.StripANSI(e.Msg))
}

func (p *Progress) applyActivity(e *logEntry) []Event {
	switch e.Action {
	case "start":
		return p.start(e)
	case "stop":
		return p.stop(e.ID)
	case "result":
		return p.result(e)
	}
	return nil
}

func (p *Progress) start(e *logEntry) []Event {
	a := &activity{typ: e.Type}
	// The build hook's own "copying N paths" to or from a builder are
	// counted apart from the fetches of the plan.
	if e.Type == actCopyPaths && e.Text != "" && len(p.machines) > 0 {
		a.typ = actCopyPathsRemote
	}
	p.acts[e.ID] = a
	p.totals(a.typ).running[e.ID] = a
	switch e.Type {
	case actBuild:
		a.drv, a.machine = e.str(0), e.str(1)
		p.order = append(p.order, e.ID)
		if a.machine != "" {
			p.machines[a.machine] = true
			p.builtOn[a.drv] = a.machine
		}
		return []Event{p.event(Event{Kind: EventBuildStarted, Drv: a.drv, Machine: a.machine})}
	case actSubstitute, actCopyPath:
		a.drv = e.str(0)
		if a.drv == "" {
			return nil
		}
		if from, to := e.str(1), e.str(2); e.Type == actCopyPath && (p.machines[from] || p.machines[to]) {
			p.Copies = append(p.Copies, Copy{Path: a.drv, From: from, To: to})
			return []Event{p.event(Event{Kind: EventCopy, Path: a.drv, From: from, To: to})}
		}
		if e.Type == actSubstitute || e.Parent == 0 || p.acts[e.Parent] == nil || p.acts[e.Parent].typ != actSubstitute {
			p.Fetched = append(p.Fetched, a.drv)
			return []Event{p.event(Event{Kind: EventFetch, Path: a.drv})}
		}
	}
	return nil
}

func (p *Progress) stop(id uint64) []Event {
	a := p.acts[id]
	if a == nil {
		return nil
	}
	delete(p.acts, id)
	tt := p.totals(a.typ)
	delete(tt.running, id)
	tt.done += a.progress[0]
	tt.failed += a.progress[3]
	for t, n := range a.expected {
		p.totals(t).expected -= n
	}
	if a.typ != actBuild {
		return []Event{p.event(Event{Kind: EventProgress})}
	}
	for i, o := range p.order {
		if o == id {
			p.order = append(p.order[:i], p.order[i+1:]...)
			break
		}
	}
	p.stopped = append(p.stopped, a.drv)
	// Nix counts a build as done (Builds progress) just before it stops
	// the Build activity; a cancelled or failed build stops uncounted.
	if done := p.Stats().Done; done > len(p.built) {
		p.built = append(p.built, a.drv)
	}
	return []Event{p.event(Event{Kind: EventBuildStopped, Drv: a.drv})}
}

func (p *Progress) result(e *logEntry) []Event {
	a := p.acts[e.ID]
	switch e.Type {
	case resBuildLogLine:
		line := nixproc.StripANSI(e.str(0))
		drv := ""
		if a != nil {
			drv = a.drv
			a.lastLine = line
		}
		p.addLog(drv, line)
		return []Event{p.event(Event{Kind: EventLog, Drv: drv, Line: line})}
	case resSetPhase:
		if a == nil {
			return nil
		}
		a.phase = e.str(0)
		return []Event{p.event(Event{Kind: EventPhase, Drv: a.drv, Phase: a.phase})}
	case resProgress:
		if a == nil {
			return nil
		}
		old := a.progress
		for i := range a.progress {
			a.progress[i] = e.num(i)
		}
		if old == a.progress {
			return nil
		}
		return []Event{p.event(Event{Kind: EventProgress})}
	case resSetExpected:
		if a == nil {
			return nil
		}
		t, n := int(e.num(0)), e.num(1)
		if a.expected == nil {
			a.expected = map[int]int64{}
		}
		if a.expected[t] == n {
			return nil
		}
		p.totals(t).expected += n - a.expected[t]
		a.expected[t] = n
		return []Event{p.event(Event{Kind: EventProgress})}
	}
	return nil
}

func (p *Progress) message(level int, text string) []Event {
	if level == 0 {
		p.Errors = append(p.Errors, text)
	} else {
		p.Messages = append(p.Messages, text)
	}
	// printMissing's lines arrive as info messages, one per line.
	if level > 0 && p.plan.Add(text) {
		if !p.planned {
			s := p.Stats()
			p.planned, p.builtBefore, p.fetchedBefore = true, s.Done, s.Fetched
		}
		p.inPlan = true
		return nil
	}
	evs := p.Flush()
	evs = append(evs, p.event(Event{Kind: EventMessage, Level: level, Text: text}))
	if drv, ok := FailedBuilder(text); ok && level == 0 {
		evs = append(evs, p.event(Event{Kind: EventBuildFailed, Drv: drv}))
	}
	return evs
}

func (p *Progress) planEvent() Event {
	pl := p.plan.plan
	return p.event(Event{Kind: EventPlan, Plan: &pl})
}

// Flush ends a plan that was the last thing Nix printed (a dry run).
func (p *Progress) Flush() []Event {
	if p.inPlan {
		p.inPlan = false
		return []Event{p.planEvent()}
	}
	return nil
}

// Plan is what Nix announced it would build and fetch.
func (p *Progress) Plan() Plan { return p.plan.plan }

func (p *Progress) addLog(drv, line string) {
	l, seen := p.logs[drv]
	if !seen {
		p.logOrder = append(p.logOrder, drv)
	}
	l = append(l, line)
	if len(l) > logTailKeep {
		l = append(l[:0], l[len(l)-logTailKeep:]...)
	}
	p.logs[drv] = l
}

// LogTail returns the last n log lines of drv ("" = lines Nix gave no
// derivation for).
func (p *Progress) LogTail(drv string, n int) []string {
	l := p.logs[drv]
	if len(l) > n {
		l = l[len(l)-n:]
	}
	return append([]string(nil), l...)
}

// KeptLog is every log line kept (the last logTailKeep of each
// derivation), the derivations in the order they first logged.
func (p *Progress) KeptLog() []string {
	var all []string
	for _, d := range p.logOrder {
		all = append(all, p.logs[d]...)
	}
	return all
}

// LastLogged is the derivation that printed the last log line.
func (p *Progress) LastLogged() string {
	if len(p.logOrder) == 0 {
		return ""
	}
	return p.logOrder[len(p.logOrder)-1]
}

// Stopped are the derivations whose build ended, in order.
func (p *Progress) Stopped() []string { return append([]string(nil), p.stopped...) }

// Unfinished are the derivations that started building and did not finish:
// still running, failed or interrupted.
func (p *Progress) Unfinished() []string {
	built := map[string]bool{}
	for _, d := range p.built {
		built[d] = true
	}
	var out []string
	for _, d := range p.stopped {
		if !built[d] {
			out = append(out, d)
		}
	}
	for _, id := range p.order {
		out = append(out, p.acts[id].drv)
	}
	return out
}

// Copy is one path copied between stores for a remote build.
type Copy struct {
	Path string `json:"path"`
	From string `json:"from"` // "local" is this machine
	To   string `json:"to"`
}

// CopyText says which way a path goes between this machine and a builder:
// "copying /nix/store/… to ssh://b" or "… from ssh://b".
func CopyText(path, from, to string) string {
	if from == "local" {
		return "copying " + path + " to " + to
	}
	return "copying " + path + " from " + from
}

// BuiltOn is a derivation built on a remote builder.
type BuiltOn struct {
	Drv     string `json:"drv"`
	Machine string `json:"machine"`
}

// Remote are the derivations built successfully on remote builders, in
// the order they finished.
func (p *Progress) Remote() []BuiltOn {
	var out []BuiltOn
	for _, d := range p.built {
		if m := p.builtOn[d]; m != "" {
			out = append(out, BuiltOn{Drv: d, Machine: m})
		}
	}
	return out
}

// Finished are the derivations built successfully, in order.
func (p *Progress) Finished() []string { return append([]string(nil), p.built...) }

// Stats are the totals so far. None of them goes down from one event to
// the next, and nothing shows more done than expected. Nix's own expected
// counts do both: when a build fails they drop (a chain of three whose
// second fails goes 3, 2, 1 from 2.8 to 2.34), and 2.34 expects 4 for a
// moment in the same chain. So once Nix has announced its plan, what it
// listed there is the expected total; more only if more really starts.
func (p *Progress) Stats() Stats {
	s := p.nixStats()
	if p.planned {
		s.Expected = p.builtBefore + len(p.plan.plan.Build)
		s.FetchExpected = p.fetchedBefore + len(p.plan.plan.Fetch)
	}
	s.Done = max(s.Done, p.peak.Done)
	s.Failed = max(s.Failed, p.peak.Failed)
	s.Fetched = max(s.Fetched, p.peak.Fetched)
	s.Downloaded = max(s.Downloaded, p.peak.Downloaded)
	s.Expected = max(s.Expected, s.Done+s.Running+s.Failed, p.peak.Expected)
	s.FetchExpected = max(s.FetchExpected, s.Fetched, p.peak.FetchExpected)
	s.DownloadExpected = max(s.DownloadExpected, s.Downloaded, p.peak.DownloadExpected)
	return s
}

// nixStats sums the activities like Nix's progress bar: for each type the
// finished activities plus the running ones, the expected total being the
// larger of that sum and what Nix announced with SetExpected.
func (p *Progress) nixStats() Stats {
	sum := func(t int) (done, expected, running, failed int64) {
		tt := p.byType[t]
		if tt == nil {
			return
		}
		done, expected, failed = tt.done, tt.done, tt.failed
		for _, a := range tt.running {
			done += a.progress[0]
			expected += a.progress[1]
			running += a.progress[2]
			failed += a.progress[3]
		}
		expected = max(expected, tt.expected)
		return
	}
	var s Stats
	d, e, r, f := sum(actBuilds)
	s.Done, s.Expected, s.Running, s.Failed = int(d), int(e), int(r), int(f)
	d, e, _, _ = sum(actCopyPaths)
	s.Fetched, s.FetchExpected = int(d), int(e)
	s.Downloaded, s.DownloadExpected, _, _ = sum(actFileTransfer)
	for _, id := range p.order {
		a := p.acts[id]
		s.Active = append(s.Active, ActiveBuild{Drv: a.drv, Name: DrvName(a.drv), Machine: a.machine, Phase: a.phase, LastLine: a.lastLine})
	}
	return s
}

func (p *Progress) event(ev Event) Event {
	ev.Stats = p.Stats()
	p.peak = ev.Stats
	return ev
}

// builderFailedRE is a builder's failure: up to 2.26 Nix says "builder for
// 'X.drv' failed with exit code 1", 2.34 "Cannot build 'X.drv'." with
// "Reason: builder failed with exit code 1." on the lines below.
var builderFailedRE = regexp.MustCompile(`(?:builder for|Cannot build) '([^']+\.drv)'(?: failed|\.\s+Reason: builder )`)

// FailedBuilder is the derivation whose builder Nix says failed.
func FailedBuilder(msg string) (drv string, ok bool) {
	if m := builderFailedRE.FindStringSubmatch(msg); m != nil {
		return m[1], true
	}
	return "", false
}
