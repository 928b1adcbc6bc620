# Mirrors nixpkgs nixos/modules/system/boot/loader/generic-extlinux-compatible/default.nix:
# installBootLoader is a STRING here (a command line), not a derivation.
{ config, lib, pkgs, ... }:
let
  cfg = config.boot.loader.generic-extlinux-compatible;
  builder = pkgs.mkDrv { name = "extlinux-conf-builder.sh"; script = ''printf '#!/bin/sh\necho extlinux\n' > $out''; };
in
{
  options.boot.loader.generic-extlinux-compatible.enable = lib.mkEnableOption "the generic extlinux-compatible boot loader";
  config = lib.mkIf cfg.enable {
    system.build.installBootLoader = "${builder} -g 20 -t 5 -c";
  };
}
