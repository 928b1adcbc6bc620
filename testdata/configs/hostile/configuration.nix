# system.build children with HOSTILE NAMES (each value a small buildable derivation named
# hostile-<n>, so store names stay valid). nixplore must treat names as data: quote them as
# JSON/Nix string literals, never splice them into Nix code or a shell line.
# invalidUtf8: a name with raw byte 0xFF, read from ./invalid-utf8-name.txt (Nix strings are
# bytes; a Nix string literal with \xff in the .nix file would work too).
{ lib, pkgs, ... }:
let
  names = [
    "a\"b"
    "\${x}"
    "dot.ted"
    "with space"
    "back\\slash"
    "new\nline"
    (builtins.fromJSON "\"\\u001b[31mred\"") # ESC [31m red
    "\"; builtins.trace \"PWNED\" null; \""
    "\${builtins.trace \"PWNED\" 1}"
    "$(touch /tmp/nixplore-pwned)"
    "'; touch /tmp/nixplore-pwned; '"
    "`id`"
    "-A"
    "--help"
    ""
    (builtins.readFile ./invalid-utf8-name.txt)
  ];
  drv = i: pkgs.writeText "hostile-${toString i}" "hostile child ${toString i}\n";
in
{
  nixpkgs.hostPlatform = "x86_64-linux";
  networking.hostName = "hostile";
  system.build = builtins.listToAttrs (lib.imap (i: n: { name = n; value = drv i; }) names) // {
    plain = drv 99;
  };
}
