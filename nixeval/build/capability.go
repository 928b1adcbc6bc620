package build

import (
	"context"
	"encoding/json"
	"os"
	"os/user"
	"slices"
	"strings"

	"github.com/nixplore/nixplore/nixeval"
	"github.com/nixplore/nixplore/nixeval/attr"
	"github.com/nixplore/nixplore/nixeval/nixproc"
)

// Capabilities say who will build a derivation for this user, as the
// store decides it: this machine (its system, the extra platforms it can
// really run, its system features, unless max-jobs is 0) and the remote
// builders the store uses. Under a nix-daemon and an untrusted user (the
// NixOS default) those are the daemon's own settings: a client's
// --builders, --option extra-platforms and the like are ignored there.
type Capabilities struct {
	Machine string `json:"machine"` // Nix's `system` here
	// Systems are the platforms this machine builds itself: Machine,
	// "builtin", and each extra platform it can run (Backed).
	Systems        []string `json:"systems"`
	ExtraPlatforms []string `json:"extraPlatforms"` // as Nix lists them
	// Unbacked are extra platforms Nix lists that nothing here runs: no
	// binfmt registration backs them, so a build for them would fail.
	Unbacked []string `json:"unbacked,omitempty"`
	Features []string `json:"features"` // system-features
	// LocalBuilds is false when max-jobs is 0: everything goes to builders.
	LocalBuilds bool      `json:"localBuilds"`
	Builders    string    `json:"builders"` // the builders setting that counts
	Machines    []Builder `json:"machines,omitempty"`
	Store       StoreInfo `json:"store"`
	// Ignored are settings this user gave that the daemon will not use.
	Ignored []IgnoredSetting `json:"ignored,omitempty"`
	// StoreSetting is this Nix's `store` setting (a chroot store's root
	// says where the .drv files are).
	StoreSetting string `json:"-"`
	// Err is set when Nix's settings could not be read; the capabilities
	// then hold what could be found out, and say so.
	Err error `json:"-"`
}

// StoreInfo is what the store says about this user's connection to it.
type StoreInfo struct {
	URL    string `json:"url"`    // "local", "daemon", "unix://…", a chroot store's path, …
	Daemon bool   `json:"daemon"` // builds go through a nix-daemon
	// Trusted: a trusted user of the daemon (always true without one).
	Trusted bool `json:"trusted"`
	// TrustKnown is false when neither the store nor trusted-users could
	// tell (the check then assumes untrusted: it counts only the
	// daemon's settings, the safe side).
	TrustKnown bool   `json:"trustKnown"`
	TrustFrom  string `json:"trustFrom,omitempty"` // "nix store info" or "trusted-users"
	// Remote is set for a store on another machine (ssh://, ssh-ng://,
	// http(s)://, s3://): what builds there is not this machine's to judge.
	Remote bool `json:"remote,omitempty"`
}

// IgnoredSetting is a setting the user gave that the daemon ignores.
type IgnoredSetting struct {
	Name  string `json:"name"`
	Value string `json:"value"`
	From  string `json:"from"` // "--builders", "--option", "NIX_CONFIG or your nix.conf"
}

// restrictedSettings are the settings of the daemon's that decide who
// builds what, and which the daemon takes from an untrusted client only
// as nix-daemon allows (it warns "ignoring the client-specified setting").
var restrictedSettings = []string{"builders", "extra-platforms", "system-features", "max-jobs", "substituters", "extra-substituters", "system"}

// ReadCapabilities reads who builds what for target t (its --option
// settings and --builders given to Nix as to every Nix nixplore runs).
func ReadCapabilities(ctx context.Context, tools nixeval.Tools, t *nixeval.Target) *Capabilities {
	var opts []string
	var clientBuilders string
	if t != nil {
		opts = nixeval.OptionArgs(t.Options)
		clientBuilders = t.Builders
	}
	return readCapabilities(ctx, tools, opts, optionsOf(t), clientBuilders)
}

func optionsOf(t *nixeval.Target) []nixeval.Option {
	if t == nil {
		return nil
	}
	return t.Options
}

func readCapabilities(ctx context.Context, tools nixeval.Tools, opts []string, options []nixeval.Option, clientBuilders string) *Capabilities {
	c := &Capabilities{}
	client, err := nixSettings(ctx, tools, opts)
	if err != nil {
		c.Err = err
		c.Machine = currentSystem(ctx, tools, opts)
		c.Systems = []string{c.Machine, "builtin"}
		c.LocalBuilds = true
		return c
	}
	c.Store = readStoreInfo(ctx, tools, opts, client)
	c.StoreSetting = client["store"]
	counted := client
	builders, source := client["builders"], "Nix's builders setting (nix.conf or NIX_CONFIG)"
	if clientBuilders != "" {
		builders, source = clientBuilders, "--builders"
	}
	if c.Store.Daemon && !c.Store.Trusted {
		// The daemon's own view: nix.conf without what this user adds.
		if own, err := nixSettings(ctx, tools, nil, daemonViewEnv()...); err == nil {
			counted = own
			c.Ignored = ignoredSettings(client, own, options, clientBuilders)
			builders, source = own["builders"], "the nix-daemon's builders setting (/etc/nix/nix.conf)"
		}
	}
	c.Machine = counted["system"]
	c.ExtraPlatforms = strings.Fields(counted["extra-platforms"])
	c.Features = strings.Fields(counted["system-features"])
	c.LocalBuilds = counted["max-jobs"] != "0"
	c.Systems = []string{c.Machine, "builtin"}
	for _, p := range c.ExtraPlatforms {
		if runsHere(c.Machine, p, BinfmtDir) {
			c.Systems = append(c.Systems, p)
		} else {
			c.Unbacked = append(c.Unbacked, p)
		}
	}
	c.Builders = builders
	c.Machines = ParseBuilders(builders, source, c.Machine)
	return c
}

// daemonViewEnv makes a Nix read only the system's nix.conf, as the
// daemon does: no NIX_CONFIG and no per-user configuration files.
func daemonViewEnv() []string {
	return []string{"NIX_CONFIG=", "NIX_USER_CONF_FILES=/nonexistent/nixplore-no-user-conf"}
}

// ignoredSettings are the restricted settings where what this user's Nix
// would send differs from the daemon's own.
func ignoredSettings(client, own map[string]string, options []nixeval.Option, clientBuilders string) []IgnoredSetting {
	var out []IgnoredSetting
	if clientBuilders != "" && clientBuilders != own["builders"] {
		out = append(out, IgnoredSetting{Name: "builders", Value: clientBuilders, From: "--builders"})
	}
	for _, name := range restrictedSettings {
		if name == "builders" && clientBuilders != "" {
			continue
		}
		if client[name] == own[name] {
			continue
		}
		from := "NIX_CONFIG or your nix.conf"
		for _, o := range options {
			if o.Name == name || o.Name == "extra-"+name {
				from = "--option"
			}
		}
		out = append(out, IgnoredSetting{Name: name, Value: client[name], From: from})
	}
	return out
}

// nativeCompanions are platforms a machine's CPU runs without emulation,
// which Nix lists in extra-platforms by itself (i686 and the x86_64
// levels on x86_64). 32-bit ARM on aarch64 needs a CPU with AArch32,
// which the Raspberry Pi's have; Nix does not add it by itself, so it is
// listed only where the user did.
var nativeCompanions = map[string][]string{
	"x86_64-linux":  {"i686-linux", "x86_64-v1-linux", "x86_64-v2-linux", "x86_64-v3-linux", "x86_64-v4-linux"},
	"aarch64-linux": {"armv7l-linux", "armv6l-linux", "armv5tel-linux"},
}

// runsHere: an extra platform counts when the CPU runs it natively or an
// enabled binfmt registration for its architecture backs it. Nix trusts
// extra-platforms as written; a build for a platform nothing runs fails
// at its first program (after fetching its inputs).
func runsHere(machine, platform, binfmtDir string) bool {
	if slices.Contains(nativeCompanions[machine], platform) || platform == machine {
		return true
	}
	b := checkBinfmt(binfmtDir, archOf(platform))
	return b.Registered && b.Enabled
}

// currentSystem asks Nix for its system when its settings cannot be read
// (builtins.currentSystem needs no experimental feature).
func currentSystem(ctx context.Context, tools nixeval.Tools, opts []string) string {
	cmd := &nixproc.Command{Path: tools.Program("nix-instantiate"), Args: append([]string{"--eval", "--json", "-E", "builtins.currentSystem"}, opts...)}
	if res, err := cmd.Run(ctx); err == nil {
		return strings.Trim(res.Trimmed(), `"`)
	}
	return ""
}

// readStoreInfo asks the store who this user is to it: `nix store info
// --json` (2.19 on; `nix store ping --json` from 2.14) says whether the
// daemon trusts the user. Nix 2.8 prints only "Store URL: …"; trust is
// then read from trusted-users, as the daemon reads it.
func readStoreInfo(ctx context.Context, tools nixeval.Tools, opts []string, settings map[string]string) StoreInfo {
	for _, sub := range [][]string{{"store", "info", "--json"}, {"store", "ping", "--json"}, {"store", "ping"}} {
		args := append(append([]string{"--extra-experimental-features", "nix-command"}, sub...), opts...)
		res, err := (&nixproc.Command{Path: tools.Program("nix"), Args: args}).Run(ctx)
		if err != nil {
			if ctx.Err() != nil {
				break
			}
			continue
		}
		if si, ok := parseStoreInfo(res.Stdout, res.Stderr); ok {
			if !si.TrustKnown {
				si.Trusted, si.TrustKnown = trustedByName(settings["trusted-users"]), true
				si.TrustFrom = "trusted-users"
			}
			if !si.Daemon {
				si.Trusted = true
			}
			return si
		}
	}
	// No answer: judge by the setting alone, on the side of caution.
	si := StoreInfo{URL: settings["store"]}
	si.Daemon = storeIsDaemon(si.URL) || (si.URL == "auto" && os.Geteuid() != 0)
	si.Trusted = !si.Daemon || trustedByName(settings["trusted-users"])
	return si
}

// parseStoreInfo reads `nix store info --json` ({"url","trusted",…},
// trusted as 0/1 or a boolean) or the text of `nix store ping`
// ("Store URL: daemon").
func parseStoreInfo(stdout, stderr []byte) (StoreInfo, bool) {
	var j struct {
		URL     string          `json:"url"`
		Trusted json.RawMessage `json:"trusted"`
	}
	si := StoreInfo{}
	if json.Unmarshal(stdout, &j) == nil && j.URL != "" {
		si.URL = j.URL
		switch string(j.Trusted) {
		case "1", "true":
			si.Trusted, si.TrustKnown, si.TrustFrom = true, true, "nix store info"
		case "0", "false":
			si.TrustKnown, si.TrustFrom = true, "nix store info"
		}
	} else {
		for _, l := range strings.Split(string(stdout)+"\n"+string(stderr), "\n") {
			if v, ok := strings.CutPrefix(strings.TrimSpace(l), "Store URL: "); ok {
				si.URL = strings.TrimSpace(v)
			}
		}
		if si.URL == "" {
			return si, false
		}
	}
	si.Daemon = storeIsDaemon(si.URL)
	si.Remote = storeIsRemote(si.URL)
	return si, true
}

func storeIsDaemon(url string) bool {
	return url == "daemon" || strings.HasPrefix(url, "unix://")
}

func storeIsRemote(url string) bool {
	for _, p := range []string{"ssh://", "ssh-ng://", "http://", "https://", "s3://"} {
		if strings.HasPrefix(url, p) {
			return true
		}
	}
	return false
}

// trustedByName matches this user against trusted-users: a name, an
// @group, or *.
func trustedByName(list string) bool {
	u, err := user.Current()
	if err != nil {
		return false
	}
	groups := map[string]bool{}
	if ids, err := u.GroupIds(); err == nil {
		for _, id := range ids {
			if g, err := user.LookupGroupId(id); err == nil {
				groups[g.Name] = true
			}
		}
	}
	for _, e := range strings.Fields(list) {
		switch {
		case e == "*" || e == u.Username:
			return true
		case strings.HasPrefix(e, "@") && groups[e[1:]]:
			return true
		}
	}
	return false
}

// Who says who builds a derivation for system that requires features:
// "this machine", a builder's URI, or "" when no one here does.
func (c *Capabilities) Who(system string, features []string) string {
	if system == "builtin" {
		return "this machine"
	}
	if c.LocalBuilds && slices.Contains(c.Systems, system) && subset(features, c.Features) {
		return "this machine"
	}
	for _, m := range c.Machines {
		if m.Takes(system, features) {
			return m.URI
		}
	}
	return ""
}

func subset(a, b []string) bool {
	for _, x := range a {
		if !slices.Contains(b, x) {
			return false
		}
	}
	return true
}

// Explain says that the daemon ignores the setting, and what works
// instead.
func (ig IgnoredSetting) Explain() string {
	shown := ig.Value
	if shown == "" {
		shown = "(empty)"
	}
	if ig.From == "--builders" {
		return "--builders " + attr.ShellQuote(ig.Value) + " is ignored: the nix-daemon takes builders only from a trusted user. List the builder in /etc/nix/machines (nix.buildMachines on NixOS), or add yourself to trusted-users."
	}
	return ig.Name + " = " + shown + " (from " + ig.From + ") is ignored: the nix-daemon does not trust this user with it; set it in /etc/nix/nix.conf (nix.settings on NixOS) or add yourself to trusted-users."
}
