# A long evaluation that Nix can interrupt: listing config.system.build forces a condition that
# takes minutes (NIXPLORE_LONG_N elements of pure Nix work, default 100000; 20000 ≈ 40 s on the
# test machine), and SIGINT or SIGTERM stop it within a second: builtins.toJSON checks for an
# interrupt before each element. Most CPU-bound Nix code does not stop that soon (measured on
# 2.8 and 2.34: builtins.sort with a Nix comparator 5-11 s after SIGTERM, builtins.foldl' with a
# Nix function about 20 s, plain recursion not before it ends), so the tests of nixplore's
# children dying with it use this one. `a` and `b` are cheap derivations behind the condition.
{ config, lib, pkgs, ... }:
let
  env = builtins.getEnv "NIXPLORE_LONG_N";
  n = if env == "" then 100000 else builtins.fromJSON env;
  fib = k: if k < 2 then k else fib (k - 1) + fib (k - 2);
  work = builtins.stringLength (builtins.toJSON (builtins.genList (i: fib (18 + i - i)) n));
in
{
  networking.hostName = "longeval";
  system.build = lib.mkIf (work > 0) {
    a = pkgs.writeText "longeval-a" "a\n";
    b = pkgs.writeText "longeval-b" "b\n";
  };
}
