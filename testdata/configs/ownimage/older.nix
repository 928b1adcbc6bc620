# The same configuration claiming an older NixOS release (24.11), for the catalogue's entries
# that say which releases they hold for.
{ ... }:
{
  imports = [ ./configuration.nix ];
  system.nixos.release = "24.11";
}
