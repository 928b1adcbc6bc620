# Modern nixos-generate-config output sets the platform here.
{ lib, ... }:
{
  nixpkgs.hostPlatform = lib.mkDefault "aarch64-linux";
  fileSystems."/" = { device = "/dev/disk/by-label/NIXOS"; fsType = "ext4"; };
}
