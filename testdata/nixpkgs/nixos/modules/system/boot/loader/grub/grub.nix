# Mirrors nixpkgs nixos/modules/system/boot/loader/grub/grub.nix: system.build.grub is the
# GRUB package (null here when GRUB is disabled), installBootLoader the install-grub wrapper.
{ config, lib, pkgs, ... }:
let
  cfg = config.boot.loader.grub;
  grub = pkgs.mkDrv { name = "grub-2.12"; meta.description = "GNU GRUB, the Grand Unified Boot Loader";
    script = "mkdir -p $out/bin; echo grub > $out/bin/grub-install"; };
in
{
  options.boot.loader.grub = {
    enable = lib.mkOption { type = lib.types.bool; default = true; description = "Whether to enable the GNU GRUB boot loader."; };
    device = lib.mkOption { type = lib.types.str; default = ""; description = "The device on which GRUB is installed."; };
  };
  config = lib.mkMerge [
    { system.build.grub = if cfg.enable then grub else null; }
    (lib.mkIf cfg.enable {
      system.build.installBootLoader = pkgs.mkDrv { name = "install-grub.sh"; env = { inherit grub; };
        script = ''printf '#!/bin/sh\n%s/bin/grub-install "$@"\n' "$grub" > $out''; };
    })
  ];
}
