# Mirrors nixpkgs nixos/modules/system/boot/systemd.nix: systemd.services become
# systemd.units."<name>.service", each unit an attrset with a `unit` derivation
# (unit-<path-safe name>, like nixpkgs' mkPathSafeName: "getty@.service" -> "unit-getty-.service").
# system.build.units = config.systemd.units.
{ config, lib, pkgs, ... }:
let
  safe = builtins.replaceStrings [ "@" ":" "\\" "[" "]" ] [ "-" "-" "-" "" "" ];
  mkUnit = name: text: {
    inherit text;
    unit = pkgs.mkDrv {
      name = "unit-${safe name}";
      env = { inherit text; unitName = name; };
      script = ''mkdir -p $out; printf '%s\n' "$text" > "$out/$unitName"'';
    };
  };
in
{
  options.systemd.services = lib.mkOption { type = lib.types.attrsOf lib.types.attrs; default = { }; description = "Definition of systemd service units."; };
  options.systemd.units = lib.mkOption { type = lib.types.attrsOf lib.types.attrs; default = { }; description = "Definition of systemd units."; };
  config = {
    systemd.units = {
      "getty@.service" = mkUnit "getty@.service" "[Service]\nExecStart=agetty %I";
      "multi-user.target" = mkUnit "multi-user.target" "[Unit]\nDescription=Multi-User System";
      "dbus.service" = mkUnit "dbus.service" "[Service]\nExecStart=dbus-daemon --system";
    } // builtins.listToAttrs (lib.mapAttrsToList
      (n: s: { name = "${n}.service"; value = mkUnit "${n}.service" "[Unit]\nDescription=${s.description or n}\n[Service]\nExecStart=${s.script or "true"}"; })
      config.systemd.services);
    system.build.units = config.systemd.units;
  };
}
