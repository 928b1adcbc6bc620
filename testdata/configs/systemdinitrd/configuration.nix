# x86_64, like laptop, with systemd in stage 1 (boot.initrd.systemd.enable): its
# initialRamdisk comes from systemd/initrd.nix, not stage-1.nix, whatever its release.
{ ... }:
{
  imports = [ ../laptop/hardware-configuration.nix ];
  networking.hostName = "systemdinitrd";
  boot.loader.grub.device = "/dev/sda";
  boot.initrd.systemd.enable = true;
}
