# Mirrors nixpkgs nixos/modules/installer/cd-dvd/iso-image.nix (NOT in module-list.nix):
# system.build.isoImage, $out/iso/<isoName>; also system.build.image.
{ config, lib, pkgs, ... }:
let name = "nixos-${config.system.nixos.label}-${pkgs.stdenv.hostPlatform.system}.iso"; in
{
  options.isoImage.isoName = lib.mkOption { type = lib.types.str; default = name; description = "Name of the generated ISO image file."; };
  config.system.build.isoImage = pkgs.mkDrv {
    name = config.isoImage.isoName;
    env.toplevel = config.system.build.toplevel;
    script = ''mkdir -p $out/iso; echo "iso of $toplevel" > "$out/iso/${config.isoImage.isoName}"'';
  };
  # As upstream, the file inside the result is image.filePath.
  config.image.extension = "iso";
  config.image.filePath = "iso/${config.isoImage.isoName}";
  config.system.build.image = config.system.build.isoImage;
}
