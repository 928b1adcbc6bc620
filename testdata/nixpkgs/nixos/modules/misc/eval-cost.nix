# Not in nixpkgs: models what a real NixOS evaluation costs (seconds, hundreds of MB), so that
# tests and `make bench` meet upstream's cost shape (NIXOS-FACTS.md, "What real evaluations
# cost"). evalCost.cpu units of pure CPU work, and evalCost.keep strings held alive in an option
# value, are forced ONCE PER EVALUATION: listing config.system.build pays them (a definition of
# system.build is guarded by a condition that needs them), and so does every extendModules
# evaluation (each images.* variant, vm, vmWithBootLoader). Both default to 0 (cheap), or to
# NIXPLORE_EVAL_CPU / NIXPLORE_EVAL_KEEP from the environment.
{ config, lib, ... }:
let
  cfg = config.evalCost;
  envInt = name: let v = builtins.getEnv name; in if v == "" then 0 else builtins.fromJSON v;
  inner = builtins.genList (j: j) 1000;
  spin = n: builtins.foldl' (acc: i: builtins.foldl' (a: j: a + j * i - j / 3) acc inner) 0
    (builtins.genList (i: i) (n / 1000 + 1));
  kept = builtins.foldl' (acc: s: acc + builtins.stringLength s) 0 cfg.data;
  cost = if cfg.cpu == 0 && cfg.keep == 0 then 0 else spin cfg.cpu + kept;
in
{
  options.evalCost = {
    cpu = lib.mkOption { type = lib.types.int; default = envInt "NIXPLORE_EVAL_CPU";
      description = "Units of CPU work each evaluation of this configuration costs (1000 ≈ a millisecond)."; };
    keep = lib.mkOption { type = lib.types.int; default = envInt "NIXPLORE_EVAL_KEEP";
      description = "Number of strings (about 100 bytes each) each evaluation keeps alive."; };
    data = lib.mkOption { type = lib.types.raw; readOnly = true;
      default = builtins.genList (i: "nixplore evaluation-cost fixture: a value this evaluation keeps alive, number ${toString i}") cfg.keep;
      description = "The values each evaluation keeps alive."; };
  };
  config.system.build = lib.mkIf (cost >= 0) { };
}
