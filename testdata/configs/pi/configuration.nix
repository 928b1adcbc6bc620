# The motivating Raspberry Pi configuration. Use with:
#   -I nixpkgs=testdata/nixpkgs -I nixos-config=testdata/configs/pi/configuration.nix --argstr system aarch64-linux
{ config, lib, pkgs, ... }:
{
  imports = [
    <nixpkgs/nixos/modules/installer/sd-card/sd-image-aarch64.nix>
    ./hardware-configuration.nix
  ];
  networking.hostName = "nixosraspberrypi42";
  services.openssh.enable = true;
  sdImage.compressImage = false; # result: sd-image/nixos-sd-image-<version>-aarch64-linux.img
  system.stateVersion = "25.05";
}
