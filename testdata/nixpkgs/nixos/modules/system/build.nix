# Mirrors nixpkgs nixos/modules/system/build.nix: system.build is a submodule whose
# freeformType lazyAttrsOf (uniq unspecified) lets any module add any attribute. Sub-options
# (toplevel, installBootLoader, images) are declared by the modules that own them.
{ lib, ... }:
{
  options.system.build = lib.mkOption {
    default = { };
    description = "Attribute set of derivations used to set up the system.";
    type = lib.types.submoduleWith {
      modules = [{ _file = toString ./build.nix; freeformType = with lib.types; lazyAttrsOf (uniq unspecified); }];
    };
  };
}
