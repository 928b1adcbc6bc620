# Mirrors nixpkgs nixos/modules/system/etc/etc.nix: each environment.etc entry's `source`
# defaults to its own derivation, pkgs.writeText "etc-NAME" text (NAME with "/" as "-"),
# system.build.etc (the tree of /etc) is built from those sources, and
# system.build.etcActivationCommands is a STRING of shell code. So an edit to one /etc file
# changes that file's derivation, etc, toplevel and every image that holds toplevel.
{ config, lib, pkgs, ... }:
let
  entries = config.environment.etc;
  names = builtins.attrNames entries;
  sourceOf = n:
    entries.${n}.source or (pkgs.writeText "etc-${builtins.replaceStrings [ "/" ] [ "-" ] n}" (entries.${n}.text or ""));
  etc = pkgs.mkDrv {
    name = "etc";
    env = { entries = builtins.concatStringsSep "\n" (map (n: "${sourceOf n} ${n}") names); };
    script = ''
      mkdir -p $out/etc
      printf '%s\n' "$entries" > $out/etc/.manifest
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
