# Flake version of configs/pi: platform fixed by nixpkgs.hostPlatform (no --argstr in flakes).
{ modulesPath, ... }:
{
  imports = [ "${modulesPath}/installer/sd-card/sd-image-aarch64.nix" ];
  nixpkgs.hostPlatform = "aarch64-linux";
  nixpkgs.buildPlatform = "x86_64-linux"; # only manual/tools use it in the stand-in (see configs/pi)
  networking.hostName = "nixosraspberrypi42";
  services.openssh.enable = true;
  sdImage.compressImage = false;
}
