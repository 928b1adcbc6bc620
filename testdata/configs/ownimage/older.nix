# The same configuration claiming an older NixOS release (23.11: the kexecTarball of netboot.nix, a .tar.zst, holds before 24.05), for the catalogue's entries
# that say which releases they hold for.
{ ... }:
{
  imports = [ ./configuration.nix ];
  system.nixos.release = "23.11";
}
