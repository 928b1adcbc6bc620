# nixplore: see README.md. Every target installs what it needs on a fresh
# Debian machine with Go (Nix from Debian's nix-bin when nix is missing).
GO        ?= go
BIN       := bin/nixplore
SHARED    ?= $(abspath ../shared)
MODERN    ?= /opt/nix-modern
LATEST    ?= /opt/nix-latest
# No network and no sandbox here: tests and the demo must not wait for
# cache.nixos.org; Debian's Nix has no working build sandbox in containers.
export NIX_CONFIG ?= substituters =$(newline)sandbox = false
define newline


endef

.PHONY: all build test test-one demo bench nix nix-modern tmux shells sshd fuzz man vendor-hash dist clean picture

all: build

build:
	$(GO) build -o $(BIN) ./cmd/nixplore

# Nix from Debian when it is missing (Nix 2.8 on bookworm).
nix:
	@command -v nix-instantiate >/dev/null 2>&1 || { \
	  echo "installing Nix from Debian's nix-bin"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nix-bin; }

# Nix 2.26 (Debian trixie) and 2.34 (Debian sid) beside it, from the
# shared installer; without it the suite cannot cover every version, and
# under CI (true, 1 or yes) that is a failure.
nix-modern:
	@if [ -x $(MODERN)/bin/nix ] && [ -x $(LATEST)/bin/nix ]; then :; \
	 elif [ -f $(SHARED)/tools/install-nix-modern ]; then \
	   sh $(SHARED)/tools/install-nix-modern $(MODERN) && sh $(SHARED)/tools/install-nix-modern $(LATEST) sid; \
	 elif case "$$CI" in [Tt][Rr][Uu][Ee]|1|[Yy][Ee][Ss]) true;; *) false;; esac; then echo "no $(SHARED)/tools/install-nix-modern: cannot test Nix 2.26 and 2.34" >&2; exit 1; \
	 else echo "no $(SHARED)/tools/install-nix-modern: testing with one Nix only"; fi

tmux:
	@command -v tmux >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq tmux; }

# zsh and fish, whose completion scripts the tests parse and run.
shells:
	@command -v zsh >/dev/null 2>&1 && command -v fish >/dev/null 2>&1 || { \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq zsh fish; }

# Debian's sshd, the remote builder of the distributed-build tests
# (internal/testbuilder runs it on 127.0.0.1 with a store of its own).
sshd:
	@[ -x /usr/sbin/sshd ] || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openssh-server; }

# The whole suite, once per Nix version found (Debian's 2.8, 2.26, 2.34),
# with the race detector on the last version found (RACE_NIX, 2.34 when
# installed): every package, those that need no Nix included, runs under
# -race once per `make test`, at the cost of one slower pass instead of a
# fourth one.
RACE_NIX ?= $(firstword $(foreach d,$(LATEST)/bin $(MODERN)/bin /usr/bin,$(if $(wildcard $(d)/nix-instantiate),$(d))))
test: nix nix-modern tmux shells sshd
	@set -e; for dir in /usr/bin $(MODERN)/bin $(LATEST)/bin; do \
	  [ -x $$dir/nix-instantiate ] || continue; \
	  race=; [ "$$dir" = "$(RACE_NIX)" ] && race=-race; \
	  echo "=== tests with $$($$dir/nix --version) $$race"; \
	  PATH=$$dir:$$PATH $(GO) test -count=1 $$race -timeout 45m ./... ; \
	done

# The suite with whatever nix is first on PATH.
test-one: nix shells
	$(GO) test -count=1 ./...

demo: nix build
	./$(BIN) -I nixpkgs=testdata/nixpkgs -I nixos-config=testdata/configs/pi/configuration.nix --system aarch64-linux

# Speed and memory against plain `nix eval` on testdata/configs/slow, once
# per Nix version found; BENCHMARKS.md holds the results and the machine.
BENCH_RUNS ?= 5
bench: nix nix-modern build
	@set -e; for dir in /usr/bin $(MODERN)/bin $(LATEST)/bin; do \
	  [ -x $$dir/nix-instantiate ] || continue; \
	  PATH=$$dir:$$PATH $(GO) run ./bench -nixplore $(BIN) -runs $(BENCH_RUNS); echo; \
	done

# Each fuzz target for a while (go test fuzzes one target per run).
FUZZTIME ?= 30s
FUZZ_TARGETS := attr:FuzzParsePath attr:FuzzPrintParse nixproc:FuzzLastErrorBlock build:FuzzBuildLog build:FuzzNixOutputParsers
fuzz:
	@set -e; for t in $(FUZZ_TARGETS); do pkg=$${t%%:*}; f=$${t#*:}; \
	  $(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) ./nixeval/$$pkg; done

# The man page, from the same text as --help (the flag table, cmd/nixplore/cmdline/manual.go);
# TestManPageIsCurrent fails when the checked-in one is stale.
man:
	$(GO) run ./cmd/nixplore __man > nixplore.1

# vendorHash in package.nix for the current go.mod/go.sum: the NAR hash of
# `go mod vendor`, as buildGoModule computes it. TestVendorHash checks it.
vendor-hash: nix
	@set -e; tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	$(GO) mod vendor -o "$$tmp/vendor"; \
	hash=$$(nix --extra-experimental-features nix-command hash path "$$tmp/vendor"); \
	sed -i "s|vendorHash = \".*\";|vendorHash = \"$$hash\";|" package.nix; \
	echo "vendorHash = \"$$hash\"; (package.nix)"

# Release binaries: static (no cgo) for Linux on amd64 and arm64 (the
# Raspberry Pi), with SHA-256 checksums, into $(DIST).
DIST    ?= dist
VERSION := $(shell sed -n 's/^var version = "\(.*\)"/\1/p' cmd/nixplore/version.go)
dist:
	@set -e; rm -rf $(DIST); mkdir -p $(DIST); \
	for arch in amd64 arm64; do \
	  echo "building $(DIST)/nixplore-$(VERSION)-linux-$$arch"; \
	  CGO_ENABLED=0 GOOS=linux GOARCH=$$arch $(GO) build -trimpath -buildvcs=auto \
	    -ldflags "-s -w -X main.version=$(VERSION)" -o $(DIST)/nixplore-$(VERSION)-linux-$$arch ./cmd/nixplore; \
	done; \
	cd $(DIST) && sha256sum nixplore-$(VERSION)-linux-* > SHA256SUMS && cat SHA256SUMS

clean:
	rm -rf bin dist

# The README's picture (docs/explorer.svg): the real explorer on the Pi
# example in tmux, rendered by charmbracelet's freeze (installed into bin/
# when missing).
picture: tmux
	GO=$(GO) sh docs/picture.sh
