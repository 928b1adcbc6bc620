{ config, lib, pkgs, ... }:
let
  env = builtins.getEnv "NIXPLORE_SLOW_N";
  n = if env == "" then 2700000 else builtins.fromJSON env; # number of additions
  # Pure CPU work with little memory (a 1000-element inner list reused); the result is a number,
  # computed once (let-bound in this module).
  inner = builtins.genList (j: j) 1000;
  work = builtins.foldl' (acc: i: builtins.foldl' (a: j: a + j * i - j / 3) acc inner) 0
    (builtins.genList (i: i) (n / 1000 + 1));
  group = name: { members = [ "root" name ]; gid = 1000; marker = pkgs.writeText "group-${name}" name; };
in
{
  config = lib.mkIf (work != -1) {
    networking.hostName = "slow${toString (if work == -1 then 1 else 0)}";
    system.build.groups = { wheel = group "wheel"; users = group "users"; audio = group "audio"; video = group "video"; };
    system.build.slowWork = work;
  };
}
