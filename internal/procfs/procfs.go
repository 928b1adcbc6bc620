// Package procfs reads the process table from Linux's /proc: the one
// reader of /proc/PID/stat and /proc/PID/status that nixplore and its
// tests share. Elsewhere (no /proc) every process reads as gone and every
// field as unknown.
package procfs

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// Proc is one process as /proc/PID/stat describes it.
type Proc struct {
	PID, PPID, PGID int
	// State is the state letter: R running, S sleeping, Z zombie (dead,
	// not yet waited for), …
	State string
	// CPU is the user and system time it has used, in clock ticks: a
	// process evaluating gains some every tick, an idle one none.
	CPU int64
}

// Alive reports whether the process runs or could run (not a zombie).
func (p Proc) Alive() bool { return p.State != "Z" }

// ErrUnreadable is a /proc/PID/stat that does not read as proc(5) says.
var ErrUnreadable = errors.New("unreadable /proc stat line")

// ParseStat reads one /proc/PID/stat line. The command name, in
// parentheses, may hold spaces and parentheses itself, so the fields are
// read after the last ')'.
func ParseStat(pid int, stat []byte) (Proc, error) {
	s := string(stat)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return Proc{}, ErrUnreadable
	}
	// Fields from state on (proc(5) numbers them from 3): ppid 4,
	// pgrp 5, utime 14, stime 15.
	f := strings.Fields(s[i+1:])
	if len(f) < 13 {
		return Proc{}, ErrUnreadable
	}
	p := Proc{PID: pid, State: f[0]}
	var err [4]error
	p.PPID, err[0] = strconv.Atoi(f[1])
	p.PGID, err[1] = strconv.Atoi(f[2])
	utime, e2 := strconv.ParseInt(f[11], 10, 64)
	stime, e3 := strconv.ParseInt(f[12], 10, 64)
	err[2], err[3] = e2, e3
	if errors.Join(err[:]...) != nil {
		return Proc{}, ErrUnreadable
	}
	p.CPU = utime + stime
	return p, nil
}

// Stat is process pid now; an error when it is gone (or there is no /proc).
func Stat(pid int) (Proc, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return Proc{}, err
	}
	return ParseStat(pid, b)
}

// All is the process table, zombies included.
func All() []Proc {
	var out []Proc
	ents, _ := os.ReadDir("/proc")
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if p, err := Stat(pid); err == nil {
			out = append(out, p)
		}
	}
	return out
}

// Descendants are the live processes below pid (children, theirs, …).
func Descendants(pid int) []Proc {
	all := All()
	var out []Proc
	parents := map[int]bool{pid: true}
	for grew := true; grew; {
		grew = false
		for _, p := range all {
			if parents[p.PPID] && !parents[p.PID] {
				parents[p.PID], grew = true, true
				if p.Alive() {
					out = append(out, p)
				}
			}
		}
	}
	return out
}

// StatusBytes reads a "Name:   123 kB" line of a /proc file (status,
// meminfo) as bytes; 0 when the file, the line or its number is missing.
func StatusBytes(file, name string) int64 {
	f, err := os.Open(file)
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		rest, ok := strings.CutPrefix(sc.Text(), name)
		if !ok {
			continue
		}
		n, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
		if err != nil {
			return 0
		}
		return n * 1024
	}
	// Not found, or the file could not be read to its end (sc.Err): unknown.
	return 0
}

// SignalPending reports whether signal sig (1 to 64) is pending for
// process pid, sent but not yet taken by any of its threads (the
// process-wide ShdPnd line of /proc/PID/status, and the SigPnd of its
// main thread). ok is false when that cannot be read.
func SignalPending(pid, sig int) (pending, ok bool) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil || sig < 1 || sig > 64 {
		return false, false
	}
	seen := 0
	for _, l := range strings.Split(string(b), "\n") {
		name, v, found := strings.Cut(l, ":")
		if !found || name != "ShdPnd" && name != "SigPnd" {
			continue
		}
		mask, err := strconv.ParseUint(strings.TrimSpace(v), 16, 64)
		if err != nil {
			return false, false
		}
		seen++
		if mask&(1<<(sig-1)) != 0 {
			pending = true
		}
	}
	return pending, seen == 2
}
