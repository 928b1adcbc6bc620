# Mirrors nixpkgs nixos/modules/virtualisation/build-vm.nix: system.build.vm (nixos-vm with
# bin/run-<hostName>-vm) and system.build.vmWithBootLoader. Real ones come from the
# virtualisation.vmVariant configuration; here they wrap this configuration's toplevel.
{ config, lib, pkgs, ... }:
let
  host = config.networking.hostName;
  mkVm = name: bootLoader: pkgs.mkDrv {
    inherit name;
    meta.mainProgram = "run-${host}-vm";
    env = { toplevel = config.system.build.toplevel; inherit host bootLoader; };
    script = ''
      mkdir -p $out/bin
      printf '#!/bin/sh\necho "would start QEMU on %s (boot loader: %s)"\n' "$toplevel" "$bootLoader" > $out/bin/run-$host-vm
      chmod +x $out/bin/run-$host-vm
    '';
  };
in
{
  config.system.build.vm = mkVm "nixos-vm" "no";
  config.system.build.vmWithBootLoader = mkVm "nixos-vm" "yes";
}
