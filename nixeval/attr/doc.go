// Package attr holds attribute paths as data: Path and its parser (Parse,
// Nix quoting), the ways a name is written out (Quote for Nix, NixString
// for a Nix string literal, ShellQuote for a shell, Printable for a
// terminal), the wire form of a name that is not printable ASCII (Wire),
// and close matches for a missing name (Suggest).
package attr
