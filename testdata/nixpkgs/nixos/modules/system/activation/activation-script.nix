# Mirrors nixpkgs nixos/modules/system/activation/activation-script.nix: declares the
# system.build.installBootLoader sub-option (default: a no-bootloader warning script).
{ config, lib, pkgs, ... }:
{
  options.system.build.installBootLoader = lib.mkOption {
    internal = true;
    default = pkgs.mkDrv { name = "no-bootloader";
      script = ''printf '#!/bin/sh\necho "Warning: do not know how to make this configuration bootable; please enable a boot loader." 1>&2\n' > $out''; };
    description = "A program that writes a bootloader installation script to the path passed in the first command line argument.";
    type = lib.types.unspecified;
  };
}
