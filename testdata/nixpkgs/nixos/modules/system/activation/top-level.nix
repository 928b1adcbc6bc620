# Mirrors nixpkgs nixos/modules/system/activation/top-level.nix: system.build.toplevel,
# nixos-system-<system.name>-<label> (system.name defaults to the hostName, as upstream), linking
# etc, kernel, initrd and init (bootStage2), so building it builds >= 7 derivations. Failed
# assertions make it throw "\nFailed assertions:\n- msg" and config.warnings are printed with
# lib.showWarnings (lib.warn each), like upstream.
{ config, lib, pkgs, ... }:
let
  build = config.system.build;
  failed = map (x: x.message) (builtins.filter (x: !x.assertion) config.assertions);
  # Upstream's nixos-version (installer/tools/tools.nix) prints this JSON and reaches toplevel
  # through system-path; the stand-in links it from toplevel directly.
  nixosVersion = pkgs.writeText "nixos-version" (builtins.toJSON ({ nixosVersion = config.system.nixos.version; }
    // (if config.system.configurationRevision == null then { } else { inherit (config.system) configurationRevision; })));
  baseSystem = pkgs.mkDrv {
    name = "nixos-system-${config.system.name}-${config.system.nixos.label}";
    env = {
      etc = build.etc; kernel = build.kernel; initrd = build.initialRamdisk; init = build.bootStage2;
      installBootLoader = build.installBootLoader; systemVersion = config.system.nixos.version;
      nixosVersionJSON = nixosVersion;
      kernelFile = if pkgs.stdenv.hostPlatform.system == "aarch64-linux" then "Image" else "bzImage";
      kernelParams = toString config.boot.kernelParams;
    };
    script = ''
      echo "building the system configuration..."
      mkdir -p $out/bin
      ln -s $etc/etc $out/etc
      ln -s $kernel/$kernelFile $out/kernel
      ln -s $initrd/initrd $out/initrd
      ln -s $init $out/init
      echo "$systemVersion" > $out/nixos-version
      printf '%s' "$system" > $out/system
      echo "$kernelParams" > $out/kernel-params
      printf '#!/bin/sh\necho switching to %s\n' "$out" > $out/bin/switch-to-configuration
    '';
  };
in
{
  options.system.name = lib.mkOption {
    type = lib.types.str;
    default = if config.networking.hostName == "" then "unnamed" else config.networking.hostName;
    description = "The name of the system used in the system.build.toplevel derivation.";
  };
  options.system.build.toplevel = lib.mkOption {
    type = lib.types.package;
    readOnly = true;
    description = "This option contains the store path that typically represents a NixOS system.";
  };
  config.system.build.toplevel =
    if failed == [ ] then lib.showWarnings config.warnings baseSystem
    else throw "\nFailed assertions:\n${builtins.concatStringsSep "\n" (map (x: "- ${x}") failed)}";
}
