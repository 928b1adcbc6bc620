# Like a nixos-generate-config output for a Pi, but WITHOUT nixpkgs.hostPlatform: the host
# platform comes from --argstr system aarch64-linux.
# nixpkgs.buildPlatform = this machine's platform: in this stand-in only the build-platform
# outputs (system.build.manual.*, nixos-generate-config, nixos-rebuild, ...) use it, so those
# build here while sdImage/toplevel/kernel (host platform aarch64) fail with Nix's platform
# error on any other machine than an aarch64 one.
{ lib, ... }:
{
  nixpkgs.buildPlatform = builtins.currentSystem;
  boot.kernelParams = [ "cma=256M" ];
  fileSystems."/boot/firmware".options = [ "nofail" "noauto" ];
}
