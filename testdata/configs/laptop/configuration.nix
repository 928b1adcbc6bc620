# x86_64 laptop: everything builds here. Also defines system.build children in THIS file in
# every definition style, to test "which file defines X" (options.system.build.definitionsWithLocations):
#   myScript (plain), conditional (mkIf true), defaulted (mkDefault), merged1/merged2 (mkMerge),
#   disabled (mkIf false: as in real nixpkgs' lazyAttrsOf the NAME is still listed, and forcing it
#   throws "The option `system.build.disabled' was accessed but has no value defined").
{ config, lib, pkgs, ... }:
let
  script = name: pkgs.writeScript name "#!/bin/sh\necho ${name} on ${config.networking.hostName}\n";
in
{
  imports = [ ./hardware-configuration.nix ];
  config = lib.mkMerge [
    {
      networking.hostName = "laptop";
      services.openssh.enable = true;
      boot.loader.grub.device = "/dev/sda";
      system.build.myScript = script "my-script";
      system.build.conditional = lib.mkIf true (script "conditional");
      system.build.defaulted = lib.mkDefault (script "defaulted");
      system.build.disabled = lib.mkIf false (script "disabled");
    }
    { system.build.merged1 = script "merged1"; }
    { system.build.merged2 = script "merged2"; }
  ];
}
