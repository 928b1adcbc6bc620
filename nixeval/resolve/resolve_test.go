package resolve

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nixplore/nixplore/nixeval"
)

func fakeEnv(t *testing.T, vars map[string]string, host string) Environment {
	return Environment{
		Getenv:   func(k string) string { return vars[k] },
		Hostname: func() (string, error) { return host, nil },
		EtcNixOS: t.TempDir(),
		Cwd:      t.TempDir(),
	}
}

func touch(t *testing.T, p string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte("{ }\n"), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestResolveOrderLikeNixosRebuild(t *testing.T) {
	t.Run("-I nixos-config wins", func(t *testing.T) {
		env := fakeEnv(t, map[string]string{"NIXOS_CONFIG": "/x/y.nix"}, "h")
		touch(t, filepath.Join(env.Cwd, "c.nix"))
		tg, err := Target(Flags{SearchPath: []string{"nixos-config=./c.nix"}}, env)
		if err != nil {
			t.Fatal(err)
		}
		if tg.ConfigFile != filepath.Join(env.Cwd, "c.nix") || tg.Kind != nixeval.Classic || tg.File != "<nixpkgs/nixos>" {
			t.Fatalf("%+v", tg)
		}
	})
	t.Run("NIXOS_CONFIG", func(t *testing.T) {
		env := fakeEnv(t, nil, "h")
		conf := filepath.Join(env.Cwd, "n.nix")
		touch(t, conf)
		env.Getenv = func(k string) string {
			return map[string]string{"NIXOS_CONFIG": conf, "NIX_PATH": "nixos-config=/elsewhere.nix"}[k]
		}
		touch(t, filepath.Join(env.EtcNixOS, "configuration.nix"))
		tg, err := Target(Flags{}, env)
		if err != nil || tg.ConfigFile != conf || !strings.HasPrefix(tg.ChosenBy, "NIXOS_CONFIG") {
			t.Fatalf("%+v %v", tg, err)
		}
	})
	t.Run("nixos-config in NIX_PATH", func(t *testing.T) {
		env := fakeEnv(t, nil, "h")
		conf := filepath.Join(env.Cwd, "p.nix")
		touch(t, conf)
		env.Getenv = func(k string) string { return map[string]string{"NIX_PATH": "nixpkgs=/n:nixos-config=" + conf}[k] }
		tg, err := Target(Flags{}, env)
		if err != nil || tg.ConfigFile != conf {
			t.Fatalf("%+v %v", tg, err)
		}
	})
	t.Run("/etc/nixos/flake.nix with the hostname", func(t *testing.T) {
		env := fakeEnv(t, nil, "mybox.example.org")
		touch(t, filepath.Join(env.EtcNixOS, "flake.nix"))
		touch(t, filepath.Join(env.EtcNixOS, "configuration.nix"))
		tg, err := Target(Flags{}, env)
		if err != nil || tg.Kind != nixeval.Flake || tg.Host != "mybox" || tg.FlakeRef != "path:"+env.EtcNixOS {
			t.Fatalf("%+v %v", tg, err)
		}
	})
	t.Run("/etc/nixos/configuration.nix", func(t *testing.T) {
		env := fakeEnv(t, nil, "h")
		conf := filepath.Join(env.EtcNixOS, "configuration.nix")
		touch(t, conf)
		tg, err := Target(Flags{}, env)
		if err != nil || tg.ConfigFile != conf || tg.SearchPath[len(tg.SearchPath)-1] != "nixos-config="+conf {
			t.Fatalf("%+v %v", tg, err)
		}
	})
	t.Run("nothing found", func(t *testing.T) {
		_, err := Target(Flags{}, fakeEnv(t, nil, "h"))
		var ue *nixeval.UsageError
		if !errors.As(err, &ue) || !strings.Contains(ue.Msg, "--flake") {
			t.Fatalf("%v", err)
		}
	})
}

func TestResolveFlags(t *testing.T) {
	env := fakeEnv(t, nil, "laptop")
	t.Run("flake without host uses the hostname", func(t *testing.T) {
		tg, err := Target(Flags{Flake: "."}, env)
		if err != nil || tg.Host != "laptop" || tg.FlakeRef != "path:"+env.Cwd {
			t.Fatalf("%+v %v", tg, err)
		}
	})
	t.Run("flake long form", func(t *testing.T) {
		tg, err := Target(Flags{Flake: "github:me/cfg#nixosConfigurations.pi"}, env)
		if err != nil || tg.Host != "pi" || tg.FlakeRef != "github:me/cfg" {
			t.Fatalf("%+v %v", tg, err)
		}
		if got := tg.RootPrefix().String(); got != "nixosConfigurations.pi" {
			t.Fatal(got)
		}
	})
	t.Run("--system is --argstr system", func(t *testing.T) {
		tg, err := Target(Flags{File: "./f.nix", System: "aarch64-linux"}, env)
		if err != nil || tg.RequestedSystem() != "aarch64-linux" || tg.File != filepath.Join(env.Cwd, "f.nix") {
			t.Fatalf("%+v %v", tg, err)
		}
	})
	for name, f := range map[string]Flags{
		"two targets":        {File: "a.nix", Flake: "."},
		"system with flake":  {Flake: ".#x", System: "aarch64-linux"},
		"reserved arg name":  {File: "a.nix", Args: []nixeval.Arg{{Name: "nixploreTarget", Value: "1"}}},
		"flake host is path": {Flake: ".#a.b"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := Target(f, env)
			var ue *nixeval.UsageError
			if !errors.As(err, &ue) {
				t.Fatalf("want usage error, got %v", err)
			}
		})
	}
}

func TestCheckSystem(t *testing.T) {
	for _, ok := range []string{"", "aarch64-linux", "x86_64-linux", "armv7l-linux", "riscv64-linux"} {
		if err := checkSystem(ok, true); err != nil {
			t.Errorf("%s: %v", ok, err)
		}
	}
	err := checkSystem("aarch64-linxu", true)
	if err == nil || !strings.Contains(err.Error(), "Did you mean aarch64-linux?") {
		t.Fatalf("%v", err)
	}
	if _, err := Target(Flags{File: "x.nix", System: "arm64"}, fakeEnv(t, nil, "h")); err == nil {
		t.Fatal("unknown --system accepted")
	}
}
