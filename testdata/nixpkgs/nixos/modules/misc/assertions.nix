# Mirrors nixpkgs nixos/modules/misc/assertions.nix.
{ lib, ... }:
{
  options.assertions = lib.mkOption {
    type = lib.types.listOf lib.types.attrs; internal = true; default = [ ];
    description = "Assertions: { assertion = bool; message = str; }; toplevel fails if one is false.";
  };
  options.warnings = lib.mkOption {
    type = lib.types.listOf lib.types.str; internal = true; default = [ ];
    description = "Warnings printed when the system is built.";
  };
}
