# Test flake with two hosts built by the stand-in nixpkgs' lib.nixosSystem.
# It has NO inputs (relative `path:../nixpkgs` inputs fail on both 2.8 and 2.26). It reaches the
# stand-in as ./nixpkgs if that exists (a test copy: cp -r testdata/flake $T; cp -r
# testdata/nixpkgs $T/nixpkgs; ref path:$T), else as ../nixpkgs, which is inside the store copy
# only when the flake is fetched from an enclosing tree with ?dir=:
#   path:/abs/testdata?dir=flake                    Nix 2.26 only (2.8: "unsupported parameter 'dir'")
#   git+file:///abs/repo?dir=testdata/flake         both, committed/tracked files only
# `path:/abs/testdata/flake` does NOT work (../nixpkgs is outside the copied tree).
{
  description = "nixplore test flake: nixosConfigurations.pi (aarch64) and .laptop (x86_64)";
  outputs = { self }:
    let
      src = if builtins.pathExists ./nixpkgs then ./nixpkgs else ../nixpkgs;
      nixpkgs = (import (src + "/flake.nix")).outputs { self = nixpkgs; };
    in
    {
      nixosConfigurations = {
        pi = nixpkgs.lib.nixosSystem { modules = [ ./hosts/pi.nix ]; };
        laptop = nixpkgs.lib.nixosSystem { modules = [ ./hosts/laptop.nix ]; };
      };
    };
}
