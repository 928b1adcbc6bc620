# Like a nixos-generate-config output for a Pi, but WITHOUT nixpkgs.hostPlatform: the host
# platform comes from --argstr system aarch64-linux.
# nixpkgs.buildPlatform = x86_64-linux: in this stand-in only the build-platform outputs
# (system.build.manual.*, nixos-generate-config, nixos-rebuild, ...) use it, so those build on
# this x86_64 machine while sdImage/toplevel/kernel (host platform aarch64) fail with Nix's
# platform error.
{ lib, ... }:
{
  nixpkgs.buildPlatform = "x86_64-linux";
  boot.kernelParams = [ "cma=256M" ];
  fileSystems."/boot/firmware".options = [ "nofail" "noauto" ];
}
