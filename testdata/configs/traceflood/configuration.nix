# An evaluation that prints NIXPLORE_FLOOD_MB megabytes (default 1) of `trace:` lines before
# its error: evaluating config.system.build.flood traces 1,000-byte lines, then throws
# "nixplore flood: the error after the traces". nixplore must bound what it keeps of them
# and still show the error.
{ config, lib, pkgs, ... }:
let
  env = builtins.getEnv "NIXPLORE_FLOOD_MB";
  mb = if env == "" then 1 else builtins.fromJSON env;
  pad = builtins.concatStringsSep "" (builtins.genList (i: "0123456789") 98);
  flood = builtins.foldl' (acc: i: builtins.trace "flood line ${toString i} ${pad}" (acc + 1)) 0
    (builtins.genList (i: i) (mb * 1000));
in
{
  networking.hostName = "traceflood";
  system.build.fine = pkgs.writeText "traceflood-fine" "fine\n";
  system.build.flood = if flood >= 0 then throw "nixplore flood: the error after the traces" else null;
}
