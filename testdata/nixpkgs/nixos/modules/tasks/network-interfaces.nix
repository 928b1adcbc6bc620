# Mirrors nixpkgs nixos/modules/tasks/network-interfaces.nix (networking.hostName only).
{ lib, ... }:
{
  options.networking.hostName = lib.mkOption {
    type = lib.types.str; default = "nixos";
    description = "The name of the machine.";
  };
}
