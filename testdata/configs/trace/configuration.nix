# Errors raised deep inside lib/modules.nix by values the user wrote, for `show --trace` and `t`:
# Nix's message alone points into the module system; the trace names the option and this
# configuration's files.
{ config, lib, pkgs, ... }:
{
  imports = [ ./naming.nix ];
  nixpkgs.hostPlatform = "x86_64-linux";
  networking.hostName = "trace";
  system.build.fine = pkgs.writeText "trace-fine" "fine\n";
  # Reads an option whose definition (in naming.nix) is a type error.
  system.build.name = config.system.name;
  # Reads an option whose definition reads itself.
  system.build.recursive = config.system.stateVersion;
  system.stateVersion = lib.mkForce config.system.stateVersion;
}
