# The same configuration claiming a NixOS release newer than the one nixplore's catalogue was
# last checked against: nixplore must say its general text may be out of date.
{ ... }:
{
  imports = [ ./configuration.nix ];
  system.nixos.release = "99.05";
}
