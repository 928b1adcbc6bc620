# Mirrors nixpkgs nixos/modules/misc/version.nix (system.nixos.{release,version,label},
# system.configurationRevision: a flake sets it to self.rev, nixos-version prints it).
{ lib, config, ... }:
{
  options.system.nixos = {
    release = lib.mkOption { type = lib.types.str; default = "25.05"; description = "The NixOS release."; };
    version = lib.mkOption { type = lib.types.str; default = "25.05.20250101.0000000"; description = "The full NixOS version."; };
    label = lib.mkOption { type = lib.types.str; default = config.system.nixos.version; description = "Label of this generation."; };
  };
  options.system.configurationRevision = lib.mkOption { type = lib.types.nullOr lib.types.str; default = null; description = "The Git revision of the top-level flake from which this configuration was built."; };
  options.system.stateVersion = lib.mkOption { type = lib.types.str; default = "25.05"; description = "NixOS state version."; };
}
