# Mirrors nixpkgs nixos/modules/installer/sd-card/sd-image-aarch64.nix: imports sd-image.nix,
# disables GRUB, enables generic-extlinux-compatible. Like upstream it does NOT set the platform.
{ config, lib, pkgs, ... }:
{
  imports = [ ./sd-image.nix ];
  boot.loader.grub.enable = false;
  boot.loader.generic-extlinux-compatible.enable = true;
  boot.kernelParams = [ "console=ttyS0,115200n8" "console=tty0" ];
}
