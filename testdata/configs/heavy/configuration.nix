# A configuration with upstream's cost shape, for `make bench` and the tests of names-first
# listing, parallel evaluators and the memory bound. Size it with the environment:
#   NIXPLORE_EVAL_CPU   CPU work per evaluation (1000 ≈ a millisecond; 0 = cheap)
#   NIXPLORE_EVAL_KEEP  strings (≈100 bytes) each evaluation keeps alive
# Every evaluation pays both: the base one (listing config.system.build) and each
# extendModules one (each of the 25 images.* variants, vm, vmWithBootLoader). On aarch64, as
# upstream 25.05, images.sd-card throws ("The module … sd-image-arm64.nix does not exist.").
#   -I nixpkgs=testdata/nixpkgs -I nixos-config=testdata/configs/heavy/configuration.nix
{ ... }:
{
  nixpkgs.hostPlatform = "aarch64-linux";
  nixpkgs.buildPlatform = "x86_64-linux";
  networking.hostName = "heavy";
  services.openssh.enable = true;
  system.stateVersion = "25.05";
}
