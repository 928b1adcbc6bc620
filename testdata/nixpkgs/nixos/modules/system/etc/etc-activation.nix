# Mirrors nixpkgs nixos/modules/system/etc/etc-activation.nix (imports etc.nix).
{ ... }:
{ imports = [ ./etc.nix ]; }
