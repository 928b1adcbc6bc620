# Like nixos-generate-config output for a laptop of this machine's platform (x86_64 on most
# test machines), so everything it has builds here.
{ lib, ... }:
{
  nixpkgs.hostPlatform = lib.mkDefault builtins.currentSystem;
  fileSystems."/" = { device = "/dev/disk/by-uuid/0000-laptop"; fsType = "ext4"; };
  fileSystems."/boot" = { device = "/dev/disk/by-uuid/ABCD-EF01"; fsType = "vfat"; };
}
