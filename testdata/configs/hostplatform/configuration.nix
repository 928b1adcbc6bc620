# hardware-configuration.nix sets nixpkgs.hostPlatform = "aarch64-linux", so
# `--argstr system x86_64-linux` (nixpkgs.system = mkDefault ...) is SILENTLY ignored:
# config.nixpkgs.hostPlatform.system == "aarch64-linux" while config.nixpkgs.system == "x86_64-linux".
{ ... }:
{
  imports = [ ./hardware-configuration.nix ];
  networking.hostName = "hostplatform";
}
