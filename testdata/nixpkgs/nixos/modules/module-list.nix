# Mirrors nixpkgs nixos/modules/module-list.nix (a small subset). NOT listed, like upstream:
# installer/sd-card/*, installer/cd-dvd/iso-image.nix (imported explicitly by configurations).
[
  ./image/file-options.nix
  ./image/images.nix
  ./installer/tools/tools.nix
  ./misc/assertions.nix
  ./misc/documentation.nix
  ./misc/eval-cost.nix
  ./misc/nixpkgs.nix
  ./misc/version.nix
  ./services/networking/ssh/sshd.nix
  ./system/activation/activation-script.nix
  ./system/activation/top-level.nix
  ./system/boot/kernel.nix
  ./system/boot/loader/generic-extlinux-compatible/default.nix
  ./system/boot/loader/grub/grub.nix
  ./system/boot/stage-1.nix
  ./system/boot/stage-2.nix
  ./system/boot/systemd.nix
  ./system/boot/systemd/initrd.nix
  ./system/build.nix
  ./system/etc/etc-activation.nix
  ./tasks/filesystems.nix
  ./tasks/network-interfaces.nix
  ./virtualisation/build-vm.nix
]
