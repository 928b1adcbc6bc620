#!/bin/bash
# Regenerates testdata/nixout/<version>/*.txt. Usage (from anywhere):
#   testdata/nixout/capture.sh 2.8 /usr/bin; testdata/nixout/capture.sh 2.26 /opt/nix-modern/bin
#   testdata/nixout/capture.sh 2.34 /opt/nix-latest/bin
# Store hashes in the samples change with NIXPLORE_SALT (a timestamp per run).
# It writes into the checkout it lies in, so a worktree captures into itself.
R=$(cd "$(dirname "$0")/../.." && pwd)
V=$1; B=$2; O=$R/testdata/nixout/$V; mkdir -p $O
cd "$R"
export NIX_CONFIG=$'substituters =\nsandbox = false'
T=testdata; I=(-I nixpkgs=$T/nixpkgs)
cfg() { echo "-I nixos-config=$T/configs/$1/configuration.nix"; }
SALT=$(date +%s%N)
cap() { local name=$1; shift; { echo "\$ ${*}"; "$@"; echo "[exit $?]"; } > $O/$name.txt 2>&1; }
cap platform-mismatch $B/nix-build '<nixpkgs/nixos>' -A config.system.build.sdImage "${I[@]}" $(cfg pi) --argstr system aarch64-linux --no-out-link
{ echo "\$ nix-build --dry-run sdImage (pi, unbuilt, aarch64)"; $B/nix-build --dry-run '<nixpkgs/nixos>' -A config.system.build.sdImage "${I[@]}" $(cfg pi) --argstr system aarch64-linux; echo "[exit $?]";
  echo "\$ NIXPLORE_SALT=$SALT nix-build --dry-run chain (buildfail)"; NIXPLORE_SALT=$SALT $B/nix-build --dry-run '<nixpkgs/nixos>' -A config.system.build.chain "${I[@]}" $(cfg buildfail); echo "[exit $?]";
  echo "\$ nix-build --dry-run manual.manualHTML (pi, already built)"; $B/nix-build --dry-run '<nixpkgs/nixos>' -A config.system.build.manual.manualHTML "${I[@]}" $(cfg pi) --argstr system aarch64-linux; echo "[exit $?]"; } > $O/dry-run.txt 2>&1
{ NIXPLORE_SALT=$SALT $B/nix-build --log-format internal-json -v '<nixpkgs/nixos>' -A config.system.build.chain "${I[@]}" $(cfg buildfail) --no-out-link >/dev/null; echo "[exit $?]"; } > $O/internal-json-build.txt 2>&1
{ NIXPLORE_SALT=$SALT $B/nix-build --log-format internal-json -v '<nixpkgs/nixos>' -A config.system.build.failing "${I[@]}" $(cfg buildfail) --no-out-link >/dev/null; echo "[exit $?]"; } > $O/internal-json-build-failure.txt 2>&1
{ NIXPLORE_SALT=$SALT $B/nix-build --log-format internal-json -v '<nixpkgs/nixos>' -A config.system.build.brokenChain "${I[@]}" $(cfg buildfail) --no-out-link >/dev/null; echo "[exit $?]"; } > $O/internal-json-build-broken-chain.txt 2>&1
cap build-failure env NIXPLORE_SALT=$SALT $B/nix-build '<nixpkgs/nixos>' -A config.system.build.failing "${I[@]}" $(cfg buildfail) --no-out-link
cap build-failure-diskfull env NIXPLORE_SALT=$SALT $B/nix-build '<nixpkgs/nixos>' -A config.system.build.diskfull "${I[@]}" $(cfg buildfail) --no-out-link
cap other-platform env NIXPLORE_SALT=$SALT $B/nix-build '<nixpkgs/nixos>' -A config.system.build.otherPlatform "${I[@]}" $(cfg buildfail) --no-out-link
cap hash-mismatch env NIXPLORE_SALT=$SALT $B/nix-build '<nixpkgs/nixos>' -A config.system.build.hashMismatch "${I[@]}" $(cfg buildfail) --no-out-link
cap syntax-error $B/nix-instantiate --eval -E '(import <nixpkgs/nixos> {}).config.networking.hostName' "${I[@]}" $(cfg syntax)
for c in missingAttr infinite typeError throws failedAssert abortChild; do
  cap eval-$c $B/nix-instantiate --eval --strict -E "(import <nixpkgs/nixos> {}).config.system.build.$c" "${I[@]}" $(cfg kinds)
done
cp $O/eval-missingAttr.txt $O/missing-attr.txt; cp $O/eval-infinite.txt $O/infinite-recursion.txt
cap missing-attr-A $B/nix-instantiate '<nixpkgs/nixos>' -A config.system.build.doesNotExist "${I[@]}" $(cfg laptop)
cap assertion $B/nix-build '<nixpkgs/nixos>' -A config.system.build.toplevel "${I[@]}" $(cfg assert) --no-out-link
cap lazyattrs-mkif-false $B/nix-instantiate --eval -E '(import <nixpkgs/nixos> {}).config.system.build.disabled' "${I[@]}" $(cfg laptop)
cap invalid-utf8-json $B/nix-instantiate --eval --json --strict -E 'builtins.attrNames (import <nixpkgs/nixos> {}).config.system.build' "${I[@]}" $(cfg hostile)
cap tryeval $B/nix-instantiate --eval --strict --json -E 'let b = (import <nixpkgs/nixos> {}).config.system.build; in map (n: { name = n; r = (builtins.tryEval (builtins.deepSeq b.${n} true)).success; }) [ "throws" "failedAssert" "string" ]' "${I[@]}" $(cfg kinds)
for c in missingAttr infinite typeError abortChild; do cap tryeval-$c $B/nix-instantiate --eval --strict -E "builtins.tryEval (import <nixpkgs/nixos> {}).config.system.build.$c" "${I[@]}" $(cfg kinds); done
{ printf '%s\n' 'x = import <nixpkgs/nixos> {}' 'x.config.networking.hostName' 'builtins.attrNames x.config.system.build.manual' 'x.config.system.build.throws' 'x.config.system.build.missingAttr' ':a { foo = 1; }' 'foo' ":l $T/configs/kinds/inc.nix" 'fromInc' | NIX_PATH="nixpkgs=$T/nixpkgs:nixos-config=$T/configs/kinds/configuration.nix" $B/nix --extra-experimental-features nix-command repl; echo "[exit $?]"; } > $O/repl-session.txt 2>&1
# Traces (--show-trace) of errors raised inside the module system by the user's values, and
# builds during evaluation (import from derivation), allowed and refused. The checkout's path
# is written as @ROOT@, so the samples read the same wherever the tests run.
capr() { local name=$1; shift; cap "$name" "$@"; sed -i "s|$R|@ROOT@|g" $O/$name.txt; }
for c in name recursive toplevel; do
  capr trace-$c $B/nix-instantiate --eval --strict --read-write-mode -E "(import <nixpkgs/nixos> {}).config.system.build.$c" "${I[@]}" $(cfg trace) --show-trace
done
capr trace-assertion $B/nix-instantiate --eval --strict --read-write-mode -E "(import <nixpkgs/nixos> {}).config.system.build.toplevel.drvPath" "${I[@]}" $(cfg assert) --show-trace
capr ifd-build env NIXPLORE_SALT=$SALT NIXPLORE_IFD_SLEEP=0 $B/nix-instantiate --eval --strict --json --read-write-mode -E "(import <nixpkgs/nixos> {}).config.system.build.generated" "${I[@]}" $(cfg ifd)
capr ifd-refused env NIXPLORE_SALT=$SALT-refused $B/nix-instantiate --eval --strict --json --read-write-mode -E "(import <nixpkgs/nixos> {}).config.system.build.generated" "${I[@]}" $(cfg ifd) --option allow-import-from-derivation false
# A dry run that fetches: the salted 3 MiB `sized` output copied to a file:// binary cache, asked
# for by an empty chroot store (so the local store keeps its copy).
{ C=$(mktemp -d); S=$(mktemp -d)
  out=$(NIXPLORE_SALT=$SALT $B/nix-build '<nixpkgs/nixos>' -A config.system.build.sized "${I[@]}" $(cfg buildfail) --no-out-link 2>/dev/null)
  $B/nix --extra-experimental-features nix-command copy --to file://$C "$out"
  echo "\$ nix-build --dry-run sized (buildfail, from a file:// cache into an empty store)"
  NIX_CONFIG=$'sandbox = false\nrequire-sigs = false\n'"substituters = file://$C"$'\n'"store = $S" NIXPLORE_SALT=$SALT $B/nix-build --dry-run '<nixpkgs/nixos>' -A config.system.build.sized "${I[@]}" $(cfg buildfail); echo "[exit $?]"
  rm -rf "$C" "$S"; } > $O/dry-run-fetch.txt 2>&1
