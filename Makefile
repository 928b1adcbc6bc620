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

.PHONY: all build test test-one demo bench nix nix-modern tmux fuzz clean

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
# under CI=true that is a failure.
nix-modern:
	@if [ -x $(MODERN)/bin/nix ] && [ -x $(LATEST)/bin/nix ]; then :; \
	 elif [ -f $(SHARED)/tools/install-nix-modern ]; then \
	   sh $(SHARED)/tools/install-nix-modern $(MODERN) && sh $(SHARED)/tools/install-nix-modern $(LATEST) sid; \
	 elif [ "$$CI" = true ]; then echo "no $(SHARED)/tools/install-nix-modern: cannot test Nix 2.26 and 2.34" >&2; exit 1; \
	 else echo "no $(SHARED)/tools/install-nix-modern: testing with one Nix only"; fi

tmux:
	@command -v tmux >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq tmux; }

# The whole suite, once per Nix version found (Debian's 2.8, 2.26, 2.34).
test: nix nix-modern tmux
	@set -e; for dir in /usr/bin $(MODERN)/bin $(LATEST)/bin; do \
	  [ -x $$dir/nix-instantiate ] || continue; \
	  echo "=== tests with $$($$dir/nix --version)"; \
	  PATH=$$dir:$$PATH $(GO) test -count=1 -timeout 30m ./... ; \
	done

# The suite with whatever nix is first on PATH.
test-one: nix
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

clean:
	rm -rf bin
