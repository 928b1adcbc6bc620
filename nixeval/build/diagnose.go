package build

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/nixplore/nixplore/nixeval/attr"
	"github.com/nixplore/nixplore/nixeval/build/buildlog"
	"github.com/nixplore/nixplore/nixeval/diag"
	"github.com/nixplore/nixplore/nixeval/nixproc"
)

// FailureKind says why a build failed, so it can be explained.
type FailureKind int

const (
	FailOther FailureKind = iota
	FailPlatform
	FailNoSpace
	FailKVM
	FailHashMismatch
	FailSubstituter
	FailCancelled
)

var failureKindNames = [...]string{"build failed", "platform mismatch", "no space left on device", "KVM unavailable",
	"hash mismatch", "substituters unreachable", "cancelled"}

func (k FailureKind) String() string { return failureKindNames[k] }

// MarshalText makes the kind print as its name in JSON.
func (k FailureKind) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// LogTailLines is how many log lines a failure shows.
const LogTailLines = 25

// DiskSpace is the free space of one directory's file system.
type DiskSpace struct {
	Dir  string `json:"dir"`
	Free uint64 `json:"free"` // bytes available to unprivileged users
	Size uint64 `json:"size"`
}

// Failure is a build that did not produce its outputs, explained.
type Failure struct {
	Kind    FailureKind `json:"kind"`
	Summary string      `json:"summary"` // one line: what happened
	Hint    string      `json:"hint"`    // what to do
	Drv     string      `json:"drv,omitempty"`
	LogTail []string    `json:"logTail,omitempty"` // the failing derivation's last lines
	// LogCommand prints the whole log of Drv.
	LogCommand string `json:"logCommand,omitempty"`
	// Notes are further observations, e.g. QEMU falling back to emulation
	// in a build that failed for another reason.
	Notes []string `json:"notes,omitempty"`
	// Platform: the check for the system Nix asked for.
	Platform *PlatformCheck `json:"platform,omitempty"`
	// Unreachable are the remote builders Nix could not reach; with
	// FailPlatform, the build then fell back to this machine.
	Unreachable []UnreachableBuilder `json:"unreachable,omitempty"`
	// FailNoSpace: the path being written and the free space where builds write.
	WritePath string      `json:"writePath,omitempty"`
	Space     []DiskSpace `json:"space,omitempty"`
	// FailHashMismatch: the hashes.
	Specified string `json:"specified,omitempty"`
	Got       string `json:"got,omitempty"`
	// Finished are the derivations built before the failure or cancel;
	// their outputs stay in the store.
	Finished []string `json:"finished,omitempty"`
	// NixMessage is Nix's own error text, without colours.
	NixMessage string `json:"nixMessage,omitempty"`
	Command    string `json:"command"`
	Exit       int    `json:"exit"`
	Err        error  `json:"-"` // *NixError or *CancelledError
}

func (f *Failure) Error() string {
	var b strings.Builder
	b.WriteString(f.Summary)
	if f.Drv != "" && f.Kind != FailPlatform {
		fmt.Fprintf(&b, "\n  derivation: %s", f.Drv)
	}
	for _, u := range f.Unreachable {
		fmt.Fprintf(&b, "\n  builder %s could not be reached: %s", u.URI, u.Reason)
	}
	if f.Kind == FailPlatform && f.Platform != nil && len(f.Unreachable) == 0 {
		fmt.Fprintf(&b, "\n%s", f.Platform.Explain())
	}
	if len(f.Space) > 0 {
		for _, s := range f.Space {
			fmt.Fprintf(&b, "\n  free on %s: %s of %s", s.Dir, HumanBytes(int64(s.Free)), HumanBytes(int64(s.Size)))
		}
	}
	if f.Specified != "" {
		fmt.Fprintf(&b, "\n  specified: %s\n  got:       %s", f.Specified, f.Got)
	}
	for _, n := range f.Notes {
		fmt.Fprintf(&b, "\nnote: %s", n)
	}
	if len(f.LogTail) > 0 {
		fmt.Fprintf(&b, "\nlast %d log lines of %s:", len(f.LogTail), buildlog.DrvName(f.Drv))
		for _, l := range f.LogTail {
			fmt.Fprintf(&b, "\n  > %s", attr.Printable(l))
		}
	}
	if len(f.Finished) > 0 {
		fmt.Fprintf(&b, "\nfinished before that (kept in the store): %s", strings.Join(names(f.Finished), ", "))
	} else if f.Kind == FailCancelled {
		b.WriteString("\nnothing had finished building")
	}
	if f.Hint != "" {
		fmt.Fprintf(&b, "\n%s", f.Hint)
	}
	if f.NixMessage != "" && f.Kind != FailCancelled {
		fmt.Fprintf(&b, "\n\nNix said:\n%s", nixproc.Indent(f.NixMessage, "  "))
	}
	// Last, below Nix's message, where the eye lands when the report ends.
	if f.LogCommand != "" {
		fmt.Fprintf(&b, "\nfull log: %s", f.LogCommand)
	}
	return b.String()
}

func (f *Failure) Unwrap() error { return f.Err }

func names(drvs []string) []string {
	out := make([]string, len(drvs))
	for i, d := range drvs {
		out[i] = buildlog.DrvName(d)
	}
	return out
}

// Up to 2.26 Nix says "1 dependencies of derivation 'X.drv' failed to
// build"; 2.34 says "Cannot build 'X.drv'." with "Reason: 1 dependency
// failed." on the lines below (a builder's own failure: FailedBuilder).
var (
	depsFailedRE = regexp.MustCompile(`(?:dependencies of derivation|Cannot build) '([^']+\.drv)'(?: failed to build|\.\s+Reason: \d+ dependenc(?:y|ies) failed)`)
	hashDrvRE    = regexp.MustCompile(`hash mismatch in fixed-output derivation '([^']+)'`)
	specifiedRE  = regexp.MustCompile(`specified:\s*(\S+)`)
	gotRE        = regexp.MustCompile(`got:\s*(\S+)`)
	noSpaceRE    = regexp.MustCompile(`(?:writing|write to|creating|copying|to) '?([^':]+)'?[^\n]*No space left on device|No space left on device`)
	kvmRE        = regexp.MustCompile(`kvm version too old|failed to initialize kvm|Could not access KVM kernel module|KVM is not available`)
	// Nix's warning when its build hook cannot use a builder, e.g.
	// "cannot build on 'ssh://b': error: cannot connect to 'b': ssh: …"
	// (2.8) or "… failed to start SSH connection to 'b': …" (2.26, 2.34).
	unreachableRE = regexp.MustCompile(`cannot build on '([^']+)': (?:error: )?([^\n]*)`)
	substRE       = regexp.MustCompile(`unable to download '([^']+)'|Could(?:n't| not) resolve host(?: name)?|cannot connect to|Connection refused|Connection timed out|Timeout was reached|error: .*https?://[^ ]+.*(?:SSL|TLS)`)
)

// failureInput is what a finished build left to diagnose.
type failureInput struct {
	errors   []string // Nix's error messages, cleaned
	warnings []string // its other messages
	logs     func(drv string, n int) []string
	lastLog  string // the derivation that logged last
	stopped  []string
	allLog   string // every log line kept, for searching
}

// diagnose explains a failed build from Nix's error messages and the
// builders' logs.
func diagnose(in failureInput, check func(system string) *PlatformCheck) *Failure {
	msg := strings.TrimSpace(strings.Join(in.errors, "\n"))
	f := &Failure{Kind: FailOther, NixMessage: msg}
	// The failing derivation: the first builder Nix names, not the
	// dependents that failed because of it.
	builderFailed, failed := buildlog.FailedBuilder(msg)
	if failed {
		f.Drv = builderFailed
	} else if m := hashDrvRE.FindStringSubmatch(msg); m != nil {
		f.Drv = m[1]
	} else if m := depsFailedRE.FindStringSubmatch(msg); m != nil {
		f.Drv = m[1]
	}
	if f.Drv != "" {
		f.LogTail = in.logs(f.Drv, LogTailLines)
		// nix-store -l works on every Nix without experimental features,
		// and 2.34 no longer names a log command itself.
		if len(f.LogTail) > 0 || failed {
			f.LogCommand = "nix-store -l " + attr.ShellQuote(f.Drv)
		}
	}
	logText := strings.Join(f.LogTail, "\n")
	searchText := logText + "\n" + in.allLog + "\n" + msg
	kvm := kvmRE.FindString(in.allLog + "\n" + logText)
	system, platformDrv, machine, isPlatform := diag.PlatformMismatch(msg)
	switch {
	case isPlatform:
		f.Kind = FailPlatform
		f.Drv = platformDrv
		f.Summary = fmt.Sprintf("%s must be built on %s, but this machine is %s", buildlog.DrvName(platformDrv), system, machine)
		if check != nil {
			f.Platform = check(system)
		}
		f.Unreachable = unreachable(msg + "\n" + strings.Join(in.warnings, "\n"))
		if len(f.Unreachable) > 0 {
			var uris []string
			for _, u := range f.Unreachable {
				uris = append(uris, u.URI)
			}
			f.Summary = fmt.Sprintf("%s must be built on %s: Nix could not reach the builder %s, so it tried this machine, which is %s",
				buildlog.DrvName(platformDrv), system, strings.Join(uris, ", "), machine)
			f.Hint = "Check that `ssh HOST` works without a password for the user who builds (root when a nix-daemon builds; " +
				"NIX_SSHOPTS and ~/.ssh/config apply) and that Nix runs there: `ssh HOST nix-store --version`."
		}
	case strings.Contains(searchText, "No space left on device"):
		f.Kind = FailNoSpace
		f.Summary = "the build ran out of disk space (No space left on device)"
		f.WritePath = noSpacePath(searchText)
		f.Space = freeSpace()
		f.Hint = noSpaceHint(f.WritePath)
	case hashDrvRE.MatchString(msg) || strings.Contains(msg, "hash mismatch"):
		f.Kind = FailHashMismatch
		f.Summary = "a download did not have the hash the Nix code expects (hash mismatch)"
		if m := specifiedRE.FindStringSubmatch(msg); m != nil {
			f.Specified = m[1]
		}
		if m := gotRE.FindStringSubmatch(msg); m != nil {
			f.Got = m[1]
		}
		f.Hint = "If you changed the source (version, URL, rev), put the `got` hash into the Nix code; if not, the upstream file changed or the download was tampered with: do not just copy the hash."
	case substRE.MatchString(msg):
		f.Kind = FailSubstituter
		f.Summary = "a binary cache (substituter) could not be reached"
		if m := substRE.FindStringSubmatch(msg); m != nil && m[1] != "" {
			f.Notes = append(f.Notes, "failed download: "+m[1])
		}
		f.Hint = "Check the network or the substituters setting; to build everything locally instead pass --option substituters '' (slow), or add --fallback to build what cannot be downloaded."
	case kvm != "" && f.Drv != "":
		f.Kind = FailKVM
		f.Summary = fmt.Sprintf("%s failed; QEMU could not use KVM (%q) and fell back to slow emulation", buildlog.DrvName(f.Drv), kvm)
		f.Hint = kvmHint()
	default:
		if f.Drv != "" {
			f.Summary = fmt.Sprintf("building %s failed", buildlog.DrvName(f.Drv))
		} else {
			f.Summary = diag.FirstLine(strings.TrimPrefix(msg, "error:"))
			if f.Summary == "" {
				f.Summary = "the build failed"
			}
		}
	}
	if f.Kind != FailSubstituter {
		for _, w := range in.warnings {
			if substRE.MatchString(w) {
				f.Notes = append(f.Notes, "a binary cache could not be reached, so Nix built locally what it could not download: "+diag.FirstLine(w))
				break
			}
		}
	}
	if kvm != "" && f.Kind != FailKVM {
		f.Notes = append(f.Notes, fmt.Sprintf("QEMU could not use KVM (%q) and fell back to slow emulation. %s", kvm, kvmHint()))
	}
	return f
}

// UnreachableBuilder is a remote builder Nix could not use, with why.
type UnreachableBuilder struct {
	URI    string `json:"uri"`
	Reason string `json:"reason"` // Nix's words, e.g. "… Connection refused"
}

// unreachable finds Nix's "cannot build on 'URI': …" messages, one per
// builder.
func unreachable(text string) []UnreachableBuilder {
	var out []UnreachableBuilder
	seen := map[string]bool{}
	for _, m := range unreachableRE.FindAllStringSubmatch(text, -1) {
		if !seen[m[1]] {
			seen[m[1]] = true
			out = append(out, UnreachableBuilder{URI: m[1], Reason: strings.TrimSpace(m[2])})
		}
	}
	return out
}

func kvmHint() string {
	h := "A VM or image build runs QEMU; without KVM it emulates every instruction (minutes become hours, and timeouts appear)."
	if _, err := os.Stat("/dev/kvm"); err != nil {
		h += " /dev/kvm does not exist here: enable virtualisation in the firmware and load kvm-intel/kvm-amd."
	} else {
		h += " /dev/kvm exists here; the build user may lack access to it, or the guest is another architecture (KVM cannot run aarch64 on x86_64)."
	}
	return h
}

// noSpacePath finds the file the builder was writing when the disk filled.
func noSpacePath(text string) string {
	for _, l := range strings.Split(text, "\n") {
		if !strings.Contains(l, "No space left on device") {
			continue
		}
		if i := strings.Index(l, "'"); i >= 0 {
			if j := strings.Index(l[i+1:], "'"); j > 0 {
				return l[i+1 : i+1+j]
			}
		}
	}
	return ""
}

// noSpaceHint says what to do about a full disk, in agreement with where
// it filled: this machine's disk (free space there), or the disk image a
// VM or image builder creates (freeing space here changes nothing).
func noSpaceHint(path string) string {
	if path != "" && !strings.HasPrefix(path, "/nix/store") && !strings.HasPrefix(path, os.TempDir()) {
		if _, err := os.Stat(filepath.Dir(path)); err != nil {
			return fmt.Sprintf("%s does not exist on this machine: it is inside the disk image the build creates (a VM or image builder), "+
				"so that image's partition is too small, not your disk, and freeing space here does not help. "+
				"Build the output you meant (e.g. sdImage, not the top level with its VMs), or make the image larger "+
				"(e.g. virtualisation.diskSize for a VM).", path)
		}
	}
	return "Free space with `nix-collect-garbage -d`, or build with TMPDIR on a larger disk."
}

// HumanBytes prints a size the way Nix does (MiB, GiB).
func HumanBytes(n int64) string {
	f := float64(n)
	for _, u := range []string{"B", "KiB", "MiB", "GiB", "TiB"} {
		if f < 1024 || u == "TiB" {
			if u == "B" {
				return fmt.Sprintf("%d B", n)
			}
			return fmt.Sprintf("%.1f %s", f, u)
		}
		f /= 1024
	}
	return ""
}
