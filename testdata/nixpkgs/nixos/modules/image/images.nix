# Mirrors nixpkgs nixos/modules/image/images.nix: system.build.images, an ATTRSET variant ->
# image derivation (real ones evaluate each variant with extendModules; here a few variants).
{ config, lib, pkgs, ... }:
let
  label = config.system.nixos.label;
  sys = pkgs.stdenv.hostPlatform.system;
  img = variant: ext: pkgs.mkDrv {
    name = "nixos-image-${variant}-${label}-${sys}";
    passthru.filePath = "nixos-image-${variant}-${label}-${sys}.${ext}";
    script = "mkdir -p $out; echo ${variant} > $out/nixos-image-${variant}-${label}-${sys}.${ext}";
  };
in
{
  options.system.build.images = lib.mkOption {
    type = lib.types.lazyAttrsOf lib.types.raw;
    readOnly = true;
    description = "Different target images generated for this NixOS configuration.";
  };
  config.system.build.images = {
    qemu = img "qemu" "qcow2";
    raw-efi = img "raw-efi" "img";
    iso = img "iso" "iso";
    sd-card = img "sd-card" "img";
  };
}
