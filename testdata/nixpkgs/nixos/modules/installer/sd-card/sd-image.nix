# Mirrors nixpkgs nixos/modules/installer/sd-card/sd-image.nix (NOT in module-list.nix):
# system.build.sdImage, $out/sd-image/<sdImage.imageName>[.zst]; also system.build.image.
# imageName = "${imageBaseName}-${label}-${hostPlatform.system}.img". Like upstream it sets
# image.extension (img.zst when compressImage) and image.filePath = sd-image/<image.fileName>.
{ config, lib, pkgs, ... }:
let
  cfg = config.sdImage;
  file = cfg.imageName + lib.optionalString cfg.compressImage ".zst";
in
{
  options.sdImage = {
    imageBaseName = lib.mkOption { type = lib.types.str; default = "nixos-sd-image"; description = "Prefix of the name of the generated image file."; };
    imageName = lib.mkOption { type = lib.types.str;
      default = "${cfg.imageBaseName}-${config.system.nixos.label}-${pkgs.stdenv.hostPlatform.system}.img";
      description = "Name of the generated image file."; };
    compressImage = lib.mkOption { type = lib.types.bool; default = true; description = "Whether the SD image should be compressed using zstd."; };
  };
  config = {
    fileSystems."/boot/firmware" = { device = "/dev/disk/by-label/FIRMWARE"; fsType = "vfat"; };
    fileSystems."/" = { device = "/dev/disk/by-label/NIXOS_SD"; fsType = "ext4"; };
    system.build.sdImage = pkgs.mkDrv {
      name = cfg.imageName;
      meta.description = "Bootable SD card image";
      env = { toplevel = config.system.build.toplevel; inherit file; };
      script = ''
        mkdir -p $out/sd-image $out/nix-support
        echo "image of $toplevel" > "$out/sd-image/$file"
        echo "file sd-image $out/sd-image/$file" > $out/nix-support/hydra-build-products
      '';
    };
    image.baseName = "${cfg.imageBaseName}-${config.system.nixos.label}-${pkgs.stdenv.hostPlatform.system}";
    image.extension = if cfg.compressImage then "img.zst" else "img";
    image.filePath = "sd-image/${config.image.fileName}";
    system.build.image = config.system.build.sdImage;
  };
}
