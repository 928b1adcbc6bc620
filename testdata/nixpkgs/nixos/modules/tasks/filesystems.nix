# Mirrors nixpkgs nixos/modules/tasks/filesystems.nix: fileSystems option; system.build.fileSystems
# is the (sorted) LIST of entries; system.build.earlyMountScript a derivation.
{ config, lib, pkgs, ... }:
{
  options.fileSystems = lib.mkOption { type = lib.types.attrsOf lib.types.attrs; default = { }; description = "The file systems to be mounted."; };
  config.system.build.fileSystems = lib.mapAttrsToList (n: v: { mountPoint = n; device = v.device or null; fsType = v.fsType or "auto"; options = v.options or [ "defaults" ]; }) config.fileSystems;
  config.system.build.earlyMountScript = pkgs.mkDrv { name = "mounts.sh"; script = ''printf 'mount -t proc proc /proc\n' > $out''; };
}
