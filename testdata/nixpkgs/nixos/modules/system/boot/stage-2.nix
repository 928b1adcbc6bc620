# Mirrors nixpkgs nixos/modules/system/boot/stage-2.nix: the stage-2 init script.
{ config, lib, pkgs, ... }:
{
  config.system.build.bootStage2 = pkgs.mkDrv {
    name = "stage-2-init";
    script = ''printf '#!/bin/sh\necho "<<< NixOS Stage 2 >>>"\n' > $out'';
  };
}
