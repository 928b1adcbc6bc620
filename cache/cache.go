// Package cache keeps nixplore's answers on disk between runs, each with
// the files it was computed from, and never serves an answer whose files
// changed. It knows nothing of Nix or of the UI: keys are strings, values
// JSON, dependencies absolute paths.
//
// Entries are files under <dir>/v1/xx/<sha256 of key>.json, written to a
// temporary file and renamed, so several nixplore processes can share the
// directory; an entry that cannot be read back exactly (truncated,
// corrupt, another key) is a miss, and the next Put rewrites it.
package cache

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/user"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"syscall"
	"time"
)

// DefaultMaxBytes bounds the cache directory; older entries go first.
const DefaultMaxBytes = 256 << 20

// format is the entry layout version; a new layout uses a new subdirectory.
const format = "v1"

// StoreDir holds immutable paths: recorded, never hashed or re-checked.
const StoreDir = "/nix/store/"

// DefaultDir is the running user's own cache directory (os.UserCacheDir:
// $XDG_CACHE_HOME, else $HOME/.cache on Linux) with nixplore below it.
// Without either there is no cache (an error saying so), never a shared
// directory such as /tmp whose name anyone could take first; a relative
// directory is refused too (it would depend on where nixplore started).
// Root uses root's own home from the user database when the environment
// points at another user's directory (sudo keeping HOME), so no root-owned
// file is ever left in a user's home.
func DefaultDir() (string, error) {
	return defaultDir(os.UserCacheDir, os.Geteuid(), rootHome)
}

// defaultDir is DefaultDir with its inputs: where the environment puts
// the user's cache, the effective user and how to find root's home.
func defaultDir(userCacheDir func() (string, error), euid int, rootHome func() (string, error)) (string, error) {
	base, err := userCacheDir()
	if err == nil && !filepath.IsAbs(base) {
		err = fmt.Errorf("the cache directory %q is relative", base)
	}
	if err != nil {
		base = ""
	}
	if euid == 0 && base != "" && !ownedByOrAbsent(base, 0) {
		home, err := rootHome()
		if err != nil {
			return "", fmt.Errorf("no cache for root: %w", err)
		}
		base = filepath.Join(home, ".cache")
	}
	if base == "" {
		return "", fmt.Errorf("there is no private place for a cache: %w", err)
	}
	return filepath.Join(base, "nixplore"), nil
}

// rootHome is root's home directory from the user database.
func rootHome() (string, error) {
	u, err := user.LookupId("0")
	if err != nil {
		return "", err
	}
	if u.HomeDir == "" || !filepath.IsAbs(u.HomeDir) {
		return "", fmt.Errorf("root's home directory %q is not usable", u.HomeDir)
	}
	return u.HomeDir, nil
}

// ownedByOrAbsent reports whether the first existing directory on the
// way up to path (path itself when it exists) belongs to uid.
func ownedByOrAbsent(path string, uid int) bool {
	for p := path; ; p = filepath.Dir(p) {
		fi, err := os.Stat(p)
		if err == nil {
			owner, ok := ownerOf(fi)
			return ok && owner == uid
		}
		if p == filepath.Dir(p) {
			return false
		}
	}
}

// ownerOf is the uid owning fi.
func ownerOf(fi fs.FileInfo) (int, bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, false
	}
	return int(st.Uid), true
}

// NotOwnedError is a cache directory that belongs to another user: its
// entries could have been written by someone else, and ours would be read
// by them, so nixplore runs without it.
type NotOwnedError struct {
	Dir        string
	Owner, You int
}

func (e *NotOwnedError) Error() string {
	return fmt.Sprintf("cache directory %s belongs to uid %d, not to you (uid %d): not using it", e.Dir, e.Owner, e.You)
}

// Cache is one cache directory. Its methods are safe for concurrent use.
type Cache struct {
	dir      string
	MaxBytes int64

	mu      sync.Mutex
	hashes  map[string]hashMemo // path → content hash at a stamp, to hash each version once
	written int64
	trimmed bool
}

type hashMemo struct {
	stamp Stamp
	hash  string
}

// Open prepares dir for use and checks that it is writable. An error means
// the caller should run without a cache (and say so once).
//
// The cache is private: the directory is 0700 and must belong to the
// running user (a NotOwnedError otherwise), entries are 0600. A directory
// of ours that others can read (made 0755 by an older nixplore) is closed.
func Open(dir string) (*Cache, error) {
	root := filepath.Join(dir, format)
	if err := os.MkdirAll(root, 0o700); err != nil {
		return nil, fmt.Errorf("cache directory %s: %w", dir, err)
	}
	for _, d := range []string{dir, root} {
		if err := private(d); err != nil {
			return nil, err
		}
	}
	f, err := os.CreateTemp(root, ".probe-*")
	if err != nil {
		return nil, fmt.Errorf("cache directory %s is not writable: %w", dir, err)
	}
	name := f.Name()
	f.Close()
	os.Remove(name)
	return &Cache{dir: dir, MaxBytes: DefaultMaxBytes, hashes: map[string]hashMemo{}}, nil
}

// private checks that dir (not a symbolic link) belongs to the running
// user and takes away what group and others may do with it (a directory
// the user made read-only stays so).
func private(dir string) error {
	fi, err := os.Lstat(dir)
	if err != nil {
		return fmt.Errorf("cache directory %s: %w", dir, err)
	}
	if !fi.IsDir() {
		return fmt.Errorf("cache directory %s is not a directory", dir)
	}
	if owner, ok := ownerOf(fi); ok && owner != os.Geteuid() {
		return &NotOwnedError{Dir: dir, Owner: owner, You: os.Geteuid()}
	}
	if perm := fi.Mode().Perm(); perm&0o077 != 0 {
		if err := os.Chmod(dir, perm&0o700); err != nil {
			return fmt.Errorf("cache directory %s cannot be made private: %w", dir, err)
		}
	}
	return nil
}

// Dir is the cache directory.
func (c *Cache) Dir() string { return c.dir }

// Stamp identifies one version of a file without reading it. Any write
// changes the ctime, which no user tool can set back, so equal stamps mean
// unchanged content.
type Stamp struct {
	Size  int64  `json:"size"`
	MTime int64  `json:"mtime"`
	CTime int64  `json:"ctime"`
	Ino   uint64 `json:"ino"`
}

// StampOf stats path; ok is false when it cannot be read.
func StampOf(path string) (Stamp, bool) {
	fi, err := os.Stat(path)
	if err != nil {
		return Stamp{}, false
	}
	st := Stamp{Size: fi.Size(), MTime: fi.ModTime().UnixNano()}
	if sys, ok := fi.Sys().(*syscall.Stat_t); ok {
		st.Ino = sys.Ino
		st.CTime = time.Unix(sys.Ctim.Sec, sys.Ctim.Nsec).UnixNano()
	}
	return st, true
}

// Dep is one file an answer was computed from.
type Dep struct {
	Path   string `json:"path"`
	Stamp  Stamp  `json:"stamp"`
	SHA256 string `json:"sha256,omitempty"` // "" for store paths and directories
}

// entry is the file format.
type entry struct {
	Key    string          `json:"key"`
	Stored time.Time       `json:"stored"`
	Deps   []Dep           `json:"deps"`
	Sum    string          `json:"sum"` // sha256 of Value, to catch corruption inside a string
	Value  json.RawMessage `json:"value"`
}

// Hit is a valid entry: the value and when it was stored.
type Hit struct {
	Value  json.RawMessage
	Stored time.Time
}

func (c *Cache) path(key string) string {
	sum := sha256.Sum256([]byte(key))
	h := hex.EncodeToString(sum[:])
	return filepath.Join(c.dir, format, h[:2], h+".json")
}

// Get returns the entry for key if it exists, is intact, and every file it
// depends on still has the content it had when the entry was stored.
func (c *Cache) Get(key string) (Hit, bool) {
	p := c.path(key)
	b, err := os.ReadFile(p)
	if err != nil {
		return Hit{}, false
	}
	var e entry
	if json.Unmarshal(b, &e) != nil || e.Key != key || e.Sum != sum(e.Value) || len(e.Value) == 0 {
		return Hit{}, false // corrupt, truncated or a collision: a miss, rewritten by the next Put
	}
	for _, d := range e.Deps {
		if !c.unchanged(d) {
			return Hit{}, false
		}
	}
	now := time.Now()
	_ = os.Chtimes(p, now, now) // recently used entries are evicted last
	return Hit{Value: e.Value, Stored: e.Stored}, true
}

// unchanged reports whether d's file still has the recorded content.
func (c *Cache) unchanged(d Dep) bool {
	if strings.HasPrefix(d.Path, StoreDir) {
		return true // store paths are immutable
	}
	st, ok := StampOf(d.Path)
	if !ok {
		return false
	}
	if st == d.Stamp {
		return true
	}
	h, err := c.hash(d.Path, st)
	return err == nil && h == d.SHA256 && d.SHA256 != ""
}

// hash returns the sha256 of the file's content, remembered per stamp.
func (c *Cache) hash(path string, st Stamp) (string, error) {
	c.mu.Lock()
	m, ok := c.hashes[path]
	c.mu.Unlock()
	if ok && m.stamp == st {
		return m.hash, nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	s := sha256.Sum256(b)
	h := hex.EncodeToString(s[:])
	c.mu.Lock()
	c.hashes[path] = hashMemo{stamp: st, hash: h}
	c.mu.Unlock()
	return h, nil
}

func sum(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// RacySlack is how much earlier than a computation's start a file's time
// may be and still count as written during it: file times come from a
// coarse clock (a kernel tick; whole seconds on some file systems).
var RacySlack = time.Second

// Racy reports whether a file with stamp st may have been written after a
// computation that began at since.
func Racy(st Stamp, since time.Time) bool {
	return WrittenSince(st, since.Add(-RacySlack))
}

// WrittenSince reports whether the file with stamp st was written (its
// content or its inode changed) at or after limit: the one check of "file
// written during an evaluation", with the caller's own slack already
// taken off limit.
func WrittenSince(st Stamp, limit time.Time) bool {
	l := limit.UnixNano()
	return st.CTime >= l || st.MTime >= l
}

// ErrRacy means a dependency changed while the answer was computed, so the
// answer may match neither version: it is not stored.
var ErrRacy = errors.New("a file changed while it was evaluated")

// Put stores value under key with the files it was computed from. since is
// when the computation began: a file written after it may have been read
// in either version, and then nothing is stored (ErrRacy).
func (c *Cache) Put(key string, deps []string, since time.Time, value json.RawMessage) error {
	e := entry{Key: key, Stored: time.Now(), Value: value, Sum: sum(value)}
	sorted := append([]string(nil), deps...)
	sort.Strings(sorted)
	for _, p := range sorted {
		d := Dep{Path: p}
		if !strings.HasPrefix(p, StoreDir) {
			st, ok := StampOf(p)
			if !ok {
				return fmt.Errorf("%s: %w", p, fs.ErrNotExist)
			}
			if Racy(st, since) {
				return ErrRacy
			}
			h, err := c.hash(p, st)
			if err != nil {
				return err
			}
			d.Stamp, d.SHA256 = st, h
		}
		e.Deps = append(e.Deps, d)
	}
	b, err := json.Marshal(e)
	if err != nil {
		return err
	}
	if err := c.write(c.path(key), b); err != nil {
		return err
	}
	c.mu.Lock()
	c.written += int64(len(b))
	due := !c.trimmed || c.written > c.MaxBytes/10
	if due {
		c.trimmed, c.written = true, 0
	}
	c.mu.Unlock()
	if due {
		c.Trim()
	}
	return nil
}

// write replaces p atomically: readers see the old entry or the new one.
func (c *Cache) write(p string, b []byte) error {
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		return err
	}
	// CreateTemp makes the file 0600: an entry is the user's alone.
	f, err := os.CreateTemp(filepath.Dir(p), ".tmp-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	_, err = f.Write(b)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, p)
	}
	if err != nil {
		os.Remove(tmp)
	}
	return err
}

// Trim deletes the least recently used entries until the directory is
// under 80% of MaxBytes, and temporary files left by crashed writers.
func (c *Cache) Trim() {
	type file struct {
		path string
		size int64
		used time.Time
	}
	var files []file
	var total int64
	root := filepath.Join(c.dir, format)
	_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		fi, err := d.Info()
		if err != nil {
			return nil
		}
		if strings.HasPrefix(d.Name(), ".tmp-") || strings.HasPrefix(d.Name(), ".probe-") {
			if time.Since(fi.ModTime()) > time.Hour {
				os.Remove(p)
			}
			return nil
		}
		files = append(files, file{p, fi.Size(), fi.ModTime()})
		total += fi.Size()
		return nil
	})
	if total <= c.MaxBytes {
		return
	}
	sort.Slice(files, func(i, j int) bool { return files[i].used.Before(files[j].used) })
	for _, f := range files {
		if total <= c.MaxBytes*8/10 {
			break
		}
		if os.Remove(f.path) == nil {
			total -= f.size
		}
	}
}
