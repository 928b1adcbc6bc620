# Mirrors nixpkgs nixos/modules/virtualisation/build-vm.nix: system.build.vm (nixos-vm with
# bin/run-<hostName>-vm) and system.build.vmWithBootLoader come from virtualisation.vmVariant
# and vmVariantWithBootLoader, each an `extendModules` of this configuration: forcing one
# evaluates the whole configuration again.
{ config, lib, pkgs, extendModules, ... }:
let
  host = config.networking.hostName;
  cfg = config.virtualisation;
  mkVm = name: pkgs.mkDrv {
    inherit name;
    meta.mainProgram = "run-${host}-vm";
    env = { toplevel = config.system.build.toplevel; inherit host; bootLoader = if cfg.useBootLoader then "yes" else "no"; };
    script = ''
      mkdir -p $out/bin
      printf '#!/bin/sh\necho "would start QEMU on %s (boot loader: %s)"\n' "$toplevel" "$bootLoader" > $out/bin/run-$host-vm
      chmod +x $out/bin/run-$host-vm
    '';
  };
in
{
  options.virtualisation = {
    isVmVariant = lib.mkOption { type = lib.types.bool; default = false; description = "Whether this is the configuration of a VM variant."; };
    useBootLoader = lib.mkOption { type = lib.types.bool; default = false; description = "Whether the VM boots with the boot loader."; };
    vmVariant = lib.mkOption { type = lib.types.raw; readOnly = true;
      default = (extendModules { modules = [{ virtualisation.isVmVariant = true; }]; }).config;
      description = "The configuration of the VM that `system.build.vm` runs."; };
    vmVariantWithBootLoader = lib.mkOption { type = lib.types.raw; readOnly = true;
      default = (extendModules { modules = [{ virtualisation.isVmVariant = true; virtualisation.useBootLoader = true; }]; }).config;
      description = "The configuration of the VM that `system.build.vmWithBootLoader` runs."; };
  };
  config = lib.mkMerge [
    {
      system.build.vm = lib.mkDefault cfg.vmVariant.system.build.vm;
      system.build.vmWithBootLoader = lib.mkDefault cfg.vmVariantWithBootLoader.system.build.vm;
    }
    (lib.mkIf cfg.isVmVariant { system.build.vm = mkVm "nixos-vm"; })
  ];
}
