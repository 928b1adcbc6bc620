# A configuration that talks: a renamed option's warning in config.warnings (printed when
# toplevel is evaluated, by lib.showWarnings, as NixOS does) and a lib.warn inside one
# system.build child (printed when that child is forced, e.g. for its kind).
{ config, lib, pkgs, ... }:
{
  networking.hostName = "talker";
  boot.loader.grub.device = "/dev/sda";
  warnings = [
    "The option `services.openssh.permitRootLogin' defined in `${toString ./configuration.nix}' has been renamed to `services.openssh.settings.PermitRootLogin'."
  ];
  system.build.legacyTool = lib.warn "system.build.legacyTool is deprecated; use pkgs.legacy-tool instead."
    (pkgs.writeScript "legacy-tool" "#!/bin/sh\necho legacy\n");
}
