// Package watch tells when the files a configuration's evaluation read
// change on disk, the way editors save them: by writing a new file and
// renaming it over the old one, so directories are watched, not files
// (a watch on the old file ends with it). Saves come in bursts (a write,
// a rename, a probe file, a backup): a quiet period gathers a burst into
// one Change. The store is never watched: nothing in it changes.
package watch

import (
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/fsnotify/fsnotify"
)

// Change is one burst of changes to watched files.
type Change struct {
	Files []string // the changed files, sorted, each once
}

// Watcher watches files and directories and reports Changes.
type Watcher struct {
	fs      *fsnotify.Watcher
	quiet   time.Duration
	changes chan Change
	errs    chan error

	mu        sync.Mutex
	files     map[string]bool // files that count, by absolute path
	dirs      map[string]bool // directories whose every file counts
	ignore    map[string]bool // files that never count (nixplore's own log)
	watched   map[string]bool // directories with an fsnotify watch
	done      chan struct{}
	closeOnce sync.Once
}

// New starts a watcher whose Changes come quiet after the last event of a
// burst (a newer event restarts the wait).
func New(quiet time.Duration) (*Watcher, error) {
	fs, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, err
	}
	w := &Watcher{fs: fs, quiet: quiet, changes: make(chan Change, 1), errs: make(chan error, 1),
		files: map[string]bool{}, dirs: map[string]bool{}, watched: map[string]bool{}, done: make(chan struct{})}
	go w.loop()
	return w, nil
}

// Changes delivers each burst of changes; it is closed by Close.
func (w *Watcher) Changes() <-chan Change { return w.changes }

// Errors delivers the watcher's own failures (a watch limit reached).
func (w *Watcher) Errors() <-chan error { return w.errs }

// Close ends the watcher; closing it again does nothing (the explorer
// closes on q and again as the program ends).
func (w *Watcher) Close() error {
	var err error
	w.closeOnce.Do(func() {
		close(w.done)
		err = w.fs.Close()
	})
	return err
}

// Set replaces what is watched: files (each file counts) and dirs (every
// file in them counts, not below them). Paths in the Nix store are left
// out. It returns the directories it could not watch with the first error.
func (w *Watcher) Set(files, dirs []string) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.files, w.dirs = map[string]bool{}, map[string]bool{}
	want := map[string]bool{}
	for _, f := range files {
		if f = filepath.Clean(f); !inStore(f) {
			w.files[f] = true
			want[filepath.Dir(f)] = true
		}
	}
	for _, d := range dirs {
		if d = filepath.Clean(d); !inStore(d) {
			w.dirs[d] = true
			want[d] = true
		}
	}
	var first error
	for d := range w.watched {
		if !want[d] {
			_ = w.fs.Remove(d)
			delete(w.watched, d)
		}
	}
	for d := range want {
		if w.watched[d] {
			continue
		}
		if err := w.fs.Add(d); err != nil {
			if first == nil {
				first = err
			}
			continue
		}
		w.watched[d] = true
	}
	return first
}

// Ignore makes changes to files never count: nixplore's own --log file,
// which may lie in the configuration's directory.
func (w *Watcher) Ignore(files ...string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.ignore == nil {
		w.ignore = map[string]bool{}
	}
	for _, f := range files {
		if abs, err := filepath.Abs(f); err == nil {
			w.ignore[abs] = true
		}
	}
}

func inStore(p string) bool { return p == "/nix/store" || strings.HasPrefix(p, "/nix/store/") }

// counts says whether an event on p is a change to what is watched.
func (w *Watcher) counts(ev fsnotify.Event) bool {
	if ev.Op == fsnotify.Chmod || Scratch(filepath.Base(ev.Name)) {
		return false
	}
	p := filepath.Clean(ev.Name)
	w.mu.Lock()
	defer w.mu.Unlock()
	return !w.ignore[p] && (w.files[p] || w.dirs[filepath.Dir(p)])
}

func (w *Watcher) loop() {
	defer close(w.changes)
	pending := map[string]bool{}
	var timer <-chan time.Time
	for {
		select {
		case <-w.done:
			return
		case ev, ok := <-w.fs.Events:
			if !ok {
				return
			}
			if w.counts(ev) {
				pending[filepath.Clean(ev.Name)] = true
				timer = time.After(w.quiet)
			}
		case err, ok := <-w.fs.Errors:
			if !ok {
				return
			}
			select {
			case w.errs <- err:
			default:
			}
		case <-timer:
			timer = nil
			c := Change{}
			for f := range pending {
				c.Files = append(c.Files, f)
			}
			sort.Strings(c.Files)
			pending = map[string]bool{}
			select {
			case w.changes <- c:
			case <-w.done:
				return
			}
		}
	}
}

// scratchRE matches the files editors write beside the one they save:
// vim's swap files and its write probe (4913, then 5036, …: a number),
// backups (name~), emacs' lock (.#name) and autosave (#name#), kate's
// swap, and temporary files named *.tmp / .*.swp.
var scratchRE = regexp.MustCompile(`^(\d+|.*~|\.#.*|#.*#|\..*\.sw[a-p]|.*\.sw[a-p]|\..*\.kate-swp|.*\.tmp)$`)

// Scratch says whether a file name is an editor's scratch file, never a
// change to the configuration.
func Scratch(name string) bool { return scratchRE.MatchString(name) }
