# Mirrors nixpkgs nixos/modules/image/file-options.nix (in module-list.nix): the name of an
# image's file (image.baseName, image.extension, image.fileName) and where it lies inside the
# result (image.filePath); images.nix hands filePath on as each variant's passthru.filePath.
{ config, lib, pkgs, ... }:
{
  options.image = {
    baseName = lib.mkOption { type = lib.types.str; default = "nixos-image-${config.system.nixos.label}-${pkgs.stdenv.hostPlatform.system}"; description = "Basename of the image filename without any extension."; };
    extension = lib.mkOption { type = lib.types.str; default = "img"; description = "Extension of the image file."; };
    fileName = lib.mkOption { type = lib.types.str; default = "${config.image.baseName}.${config.image.extension}"; description = "Filename of the image including all extensions."; };
    filePath = lib.mkOption { type = lib.types.str; default = config.image.fileName; description = "Path of the image file relative to the derivation output."; };
  };
}
