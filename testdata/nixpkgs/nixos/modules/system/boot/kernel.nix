# Mirrors nixpkgs nixos/modules/system/boot/kernel.nix: system.build.kernel is the kernel
# package (boot.kernelPackages.kernel); bzImage on x86, Image on aarch64. Has meta.description.
{ config, lib, pkgs, ... }:
let
  file = if pkgs.stdenv.hostPlatform.system == "aarch64-linux" then "Image" else "bzImage";
in
{
  options.boot.kernelParams = lib.mkOption { type = lib.types.listOf lib.types.str; default = [ ]; description = "Parameters added to the kernel command line."; };
  config.system.build.kernel = pkgs.mkDrv {
    name = "linux-6.6.30";
    meta = { description = "The Linux kernel"; license = "gpl2Only"; };
    passthru = { version = "6.6.30"; modDirVersion = "6.6.30"; };
    script = ''
      echo "building linux 6.6.30"
      mkdir -p $out/lib/modules/6.6.30
      echo "fake kernel image" > $out/${file}
      echo "CONFIG_MODULES=y" > $out/config
    '';
  };
}
