# Flake version of configs/laptop (x86_64, everything builds here).
{ lib, pkgs, ... }:
{
  nixpkgs.hostPlatform = "x86_64-linux";
  networking.hostName = "laptop";
  services.openssh.enable = true;
  boot.loader.grub.device = "/dev/sda";
  fileSystems."/" = { device = "/dev/disk/by-uuid/0000-laptop"; fsType = "ext4"; };
  system.build.myScript = pkgs.writeScript "my-script" "#!/bin/sh\necho hi\n";
}
