# Mirrors nixpkgs nixos/modules/system/etc/etc.nix: system.build.etc (symlink tree of
# environment.etc) and system.build.etcActivationCommands (a STRING of shell code).
{ config, lib, pkgs, ... }:
let
  entries = config.environment.etc;
  names = builtins.attrNames entries;
  etc = pkgs.mkDrv {
    name = "etc";
    env = { files = builtins.concatStringsSep "\n" (map (n: "${n}\t${entries.${n}.text or ""}") names); };
    script = ''
      mkdir -p $out/etc
      printf '%s\n' "$files" > $out/etc/.manifest
      echo "etc: ${toString (builtins.length names)} entries"
    '';
  };
in
{
  options.environment.etc = lib.mkOption { type = lib.types.attrsOf lib.types.attrs; default = { }; description = "Set of files that have to be linked in /etc."; };
  config = {
    environment.etc.hostname.text = config.networking.hostName + "\n";
    environment.etc."nixos/version".text = config.system.nixos.version;
    system.build.etc = etc;
    system.build.etcActivationCommands = ''
      # Set up the statically computed bits of /etc.
      echo "setting up /etc..."
      ${"/bin/sh"} -c 'echo would link ${etc}/etc into /etc'
    '';
  };
}
