# Mirrors nixpkgs nixos/modules/services/networking/ssh/sshd.nix (a sliver).
{ config, lib, pkgs, ... }:
{
  options.services.openssh.enable = lib.mkEnableOption "the OpenSSH secure shell daemon";
  config = lib.mkIf config.services.openssh.enable {
    systemd.services.sshd = { description = "SSH Daemon"; script = "exec sshd -D"; };
    environment.etc."ssh/sshd_config".text = "PermitRootLogin no\n";
  };
}
