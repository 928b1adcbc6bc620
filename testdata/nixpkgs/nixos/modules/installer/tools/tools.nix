# Mirrors nixpkgs nixos/modules/installer/tools/tools.nix: nixos-generate-config, nixos-rebuild,
# nixos-install, nixos-enter, and the deprecated nixos-option accessor (traces a warning when
# forced, like lib.warn). Built with buildPackages (the build platform) in this stand-in.
{ config, lib, pkgs, ... }:
let
  tool = name: pkgs.buildPackages.mkDrv { inherit name;
    meta.description = "NixOS tool ${name}";
    script = ''mkdir -p $out/bin; printf '#!/bin/sh\necho ${name}\n' > $out/bin/${name}; chmod +x $out/bin/${name}''; };
in
{
  config.system.build = {
    nixos-generate-config = tool "nixos-generate-config";
    nixos-rebuild = tool "nixos-rebuild";
    nixos-install = tool "nixos-install";
    nixos-enter = builtins.trace "warning: Accessing nixos-enter through config.system.build is deprecated, use pkgs.nixos-enter instead." (tool "nixos-enter");
    nixos-option = builtins.trace "warning: Accessing nixos-option through config.system.build is deprecated, use pkgs.nixos-option instead." (tool "nixos-option");
  };
}
