# Mirrors nixpkgs nixos/lib/eval-config.nix: evaluate baseModules (module-list.nix) plus the
# user's modules. `system` only sets nixpkgs.system with mkDefault, so a configuration that sets
# nixpkgs.hostPlatform silently wins over `--argstr system`. Shared by nixos/default.nix (classic)
# and flake.nix (lib.nixosSystem).
{ system ? null
, modules
, specialArgs ? { }
, lib ? import ../../lib
, baseModules ? import ../modules/module-list.nix
, prefix ? [ ]
}:
let
  pkgsModule = {
    _file = toString ./eval-config.nix;
    key = toString ./eval-config.nix;
    config = lib.mkMerge (lib.optional (system != null) { nixpkgs.system = lib.mkDefault system; });
  };
  eval = lib.evalModules {
    modules = baseModules ++ [ pkgsModule ] ++ modules;
    specialArgs = { modulesPath = toString ../modules; } // specialArgs;
    inherit prefix;
  };
in
eval // {
  pkgs = eval.config._module.args.pkgs;
  inherit lib;
}
