# Mirrors nixpkgs nixos/modules/misc/nixpkgs.nix: nixpkgs.system (set with mkDefault by
# eval-config's `system` argument), nixpkgs.hostPlatform (string or { system; }, default from
# nixpkgs.system; elaborated by `apply`), nixpkgs.buildPlatform (default = hostPlatform), and
# _module.args.pkgs (the package set built for them).
{ config, lib, ... }:
let
  cfg = config.nixpkgs;
  elaborate = p: if builtins.isString p then { system = p; } else p;
in
{
  options.nixpkgs = {
    system = lib.mkOption {
      type = lib.types.str;
      default = builtins.currentSystem or "x86_64-linux";
      description = "Legacy: the platform to build for. Prefer nixpkgs.hostPlatform.";
    };
    hostPlatform = lib.mkOption {
      type = lib.types.either lib.types.str lib.types.attrs;
      default = { system = cfg.system; };
      apply = elaborate;
      description = "Specifies the platform where the NixOS configuration will run.";
    };
    buildPlatform = lib.mkOption {
      type = lib.types.either lib.types.str lib.types.attrs;
      default = cfg.hostPlatform;
      apply = elaborate;
      description = "Specifies the platform on which NixOS should be built.";
    };
  };
  config._module.args.pkgs = import ../../../pkgs {
    hostSystem = cfg.hostPlatform.system;
    buildSystem = cfg.buildPlatform.system;
  };
}
