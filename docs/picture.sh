#!/bin/sh
# Makes docs/explorer.svg, the README's picture: the real explorer on the
# Raspberry Pi example (testdata/configs/pi, the stand-in nixpkgs), run in
# tmux, its screen captured with colours and rendered by charmbracelet's
# freeze. `make picture` runs it; run it again when the explorer's look
# changes.
set -eu
cd "$(dirname "$0")/.."
GO=${GO:-go}
mkdir -p bin
$GO build -o bin/nixplore ./cmd/nixplore
FREEZE=${FREEZE:-}
if [ -z "$FREEZE" ]; then
  if command -v freeze >/dev/null 2>&1; then FREEZE=freeze
  else GOBIN="$PWD/bin" $GO install github.com/charmbracelet/freeze@v0.2.2; FREEZE="$PWD/bin/freeze"; fi
fi
command -v tmux >/dev/null 2>&1 || { echo "picture.sh: tmux is needed (apt-get install tmux)" >&2; exit 1; }

tmp=$(mktemp -d /tmp/nixplore-picture.XXXXXX)
sock="$tmp/tmux"
trap 'tmux -S "$sock" kill-server 2>/dev/null || true; rm -rf "$tmp"' EXIT INT TERM
# A cache of its own, so the picture shows the first run, as a new user sees it.
tmux -S "$sock" -f /dev/null new-session -d -x 112 -y 30 \
  "env TERM=xterm-256color COLORTERM=truecolor XDG_CACHE_HOME='$tmp/cache' NIX_CONFIG='substituters =
sandbox = false' bin/nixplore -I nixpkgs=testdata/nixpkgs -I nixos-config=testdata/configs/pi/configuration.nix --system aarch64-linux"

# wait_for TEXT: poll the screen until TEXT shows (60 s at most).
wait_for() {
  i=0
  until tmux -S "$sock" capture-pane -p | grep -qF -- "$1"; do
    i=$((i + 1))
    if [ $i -gt 600 ]; then
      echo "picture.sh: '$1' never showed; the screen was:" >&2
      tmux -S "$sock" capture-pane -p >&2
      exit 1
    fi
    sleep 0.1
  done
}
wait_for "sdImage"
tmux -S "$sock" send-keys "/" "sdImage" Enter
wait_for "nix-build"
sleep 0.5
tmux -S "$sock" capture-pane -e -p > "$tmp/screen.ansi"
"$FREEZE" --language ansi --window --padding 20 --margin 0 --font.size 14 --font.family monospace -o docs/explorer.svg "$tmp/screen.ansi"
echo "wrote docs/explorer.svg"
