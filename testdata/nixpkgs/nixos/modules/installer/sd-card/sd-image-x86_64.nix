# Mirrors nixpkgs nixos/modules/installer/sd-card/sd-image-x86_64.nix: imports sd-image.nix
# with GRUB off and generic-extlinux-compatible on (images.sd-card picks it on x86_64).
{ ... }:
{
  imports = [ ./sd-image.nix ];
  boot.loader.grub.enable = false;
  boot.loader.generic-extlinux-compatible.enable = true;
}
