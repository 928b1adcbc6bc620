# Big listings: system.build.many has 10,000 children (lazy derivations many-00000..many-09999);
# system.build.deep is a chain of 100 nested attrsets (deep.next.next....leaf) ending in a derivation.
{ lib, pkgs, ... }:
let
  pad = i: let s = toString i; in builtins.substring 0 (5 - builtins.stringLength s) "00000" + s;
  leaf = pkgs.writeText "deep-leaf" "bottom\n";
in
{
  nixpkgs.hostPlatform = "x86_64-linux";
  networking.hostName = "big";
  system.build.many = builtins.listToAttrs (builtins.genList (i: {
    name = "many-${pad i}";
    value = pkgs.writeText "many-${pad i}" "child ${toString i}\n";
  }) 10000);
  system.build.deep = builtins.foldl' (acc: i: { next = acc; level = 100 - i; }) { inherit leaf; level = 100; } (builtins.genList (i: i + 1) 99);
}
