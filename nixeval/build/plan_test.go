package build

import (
	"reflect"
	"strings"
	"testing"

	"github.com/nixplore/nixplore/nixeval/build/buildlog"
)

func TestParsePlanCaptured(t *testing.T) {
	for _, v := range nixVersions {
		t.Run(v, func(t *testing.T) {
			// The capture holds three dry runs one after the other.
			text := strings.Join(capture(t, v, "dry-run"), "\n")
			p := buildlog.ParsePlan([]byte(text))
			if len(p.Build) != 13 {
				t.Fatalf("%d derivations: %v", len(p.Build), p.BuildNames())
			}
			names := p.BuildNames()
			if names[8] != "nixos-sd-image-25.05.20250101.0000000-aarch64-linux.img" || names[9] != "chain-step-1" || names[12] != "chain-step-4" {
				t.Errorf("names %v", names)
			}
			if len(p.Fetch) != 0 || p.DownloadSize != 0 {
				t.Errorf("fetch %v %d", p.Fetch, p.DownloadSize)
			}
		})
	}
}

func TestParsePlan(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want buildlog.Plan
	}{
		{"nothing", "", buildlog.Plan{}},
		{"2.8 fetch", "these paths will be fetched (0.05 MiB download, 0.20 MiB unpacked):\n  /nix/store/a-x\n  /nix/store/b-y\n",
			buildlog.Plan{Fetch: []string{"/nix/store/a-x", "/nix/store/b-y"}, DownloadSize: 52428, UnpackedSize: 209715}},
		{"2.26 one path", "this path will be fetched (1.50 MiB download, 4.00 MiB unpacked):\n  /nix/store/a-x\n",
			buildlog.Plan{Fetch: []string{"/nix/store/a-x"}, DownloadSize: 1572864, UnpackedSize: 4194304}},
		{"build and fetch with warning between", "warning: something\nthis derivation will be built:\n  /nix/store/h-foo.drv\nthese 2 paths will be fetched (10.00 MiB download, 30.00 MiB unpacked):\n  /nix/store/a\n  /nix/store/b\n",
			buildlog.Plan{Build: []string{"/nix/store/h-foo.drv"}, Fetch: []string{"/nix/store/a", "/nix/store/b"}, DownloadSize: 10 << 20, UnpackedSize: 30 << 20}},
		{"unknown", "don't know how to build these paths:\n  /nix/store/q\n", buildlog.Plan{Unknown: []string{"/nix/store/q"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := buildlog.ParsePlan([]byte(tc.in))
			if !reflect.DeepEqual(*got, tc.want) {
				t.Errorf("got %+v\nwant %+v", *got, tc.want)
			}
		})
	}
}

func TestDrvName(t *testing.T) {
	for in, want := range map[string]string{
		"/nix/store/2kliy2xdjijd60yz3279jvdg82qxpvw8-chain-step-1.drv": "chain-step-1",
		"/nix/store/2kliy2xdjijd60yz3279jvdg82qxpvw8-my-script":        "my-script",
		"plain": "plain",
	} {
		if got := buildlog.DrvName(in); got != want {
			t.Errorf("DrvName(%q) = %q", in, got)
		}
	}
}
