# Import from derivation: system.build.generated is a Nix file a derivation writes, so
# evaluating it makes Nix build gen-foo first (`building '…-gen-foo.drv'...` on stderr).
# The builder sleeps NIXPLORE_IFD_SLEEP seconds (default 3) with the marker
# nixplore-ifd-marker on its command line; NIXPLORE_SALT gives a new, unbuilt derivation
# (and reaches the builder's environment as `salt`).
{ config, lib, pkgs, ... }:
let
  salt = builtins.getEnv "NIXPLORE_SALT";
  delay = let d = builtins.getEnv "NIXPLORE_IFD_SLEEP"; in if d == "" then "3" else d;
  gen = pkgs.mkDrv {
    name = "gen-foo";
    env = { inherit salt; };
    script = ''
      echo "generating a Nix file"
      for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30; do
        echo "gen-foo: step $i of 30"
      done
      sleep ${delay}; : nixplore-ifd-marker
      echo '{ hello = "from a derivation"; answer = 42; }' > $out
    '';
  };
in
{
  nixpkgs.hostPlatform = "x86_64-linux";
  networking.hostName = "ifd";
  system.build.plain = pkgs.writeText "ifd-plain" "no build needed\n";
  system.build.generated = import gen;
}
