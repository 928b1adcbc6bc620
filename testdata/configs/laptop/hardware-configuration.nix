# Like nixos-generate-config output for an x86_64 laptop.
{ lib, ... }:
{
  nixpkgs.hostPlatform = lib.mkDefault "x86_64-linux";
  fileSystems."/" = { device = "/dev/disk/by-uuid/0000-laptop"; fsType = "ext4"; };
  fileSystems."/boot" = { device = "/dev/disk/by-uuid/ABCD-EF01"; fsType = "vfat"; };
}
