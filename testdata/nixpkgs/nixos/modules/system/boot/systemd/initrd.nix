# Mirrors nixpkgs nixos/modules/system/boot/systemd/initrd.nix (a tiny part): the option
# boot.initrd.systemd.enable and, when it is set, system.build.initialRamdisk (upstream:
# makeInitrdNG with systemd as stage 1). stage-1.nix sets initialRamdisk only without it.
{ config, lib, pkgs, ... }:
{
  options.boot.initrd.systemd.enable = lib.mkOption {
    type = lib.types.bool;
    default = false;
    description = "Whether to enable systemd in initrd.";
  };
  config = lib.mkIf config.boot.initrd.systemd.enable {
    system.build.initialRamdisk = pkgs.mkDrv {
      name = "initrd-linux-6.6.30";
      script = ''mkdir -p $out; echo "systemd stage 1" > $out/initrd'';
    };
  };
}
