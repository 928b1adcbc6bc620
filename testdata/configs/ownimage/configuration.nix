# A configuration that adds an image variant of its own (image.modules.<name>, as upstream
# allows) whose SD image is not compressed: its facts (the variant among the images, the .img
# file, sdImage.compressImage = false) must win over the catalogue's general text. Use with:
#   -I nixpkgs=testdata/nixpkgs -I nixos-config=testdata/configs/ownimage/configuration.nix
{ ... }:
{
  networking.hostName = "ownimage";
  image.modules.myboard = {
    imports = [ <nixpkgs/nixos/modules/installer/sd-card/sd-image-x86_64.nix> ];
    sdImage.compressImage = false;
  };
  system.stateVersion = "25.05";
}
