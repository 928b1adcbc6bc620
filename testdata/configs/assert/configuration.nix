# A configuration with a failed assertion: system.build.toplevel (and vm, sdImage-style
# children that depend on it) throws "\nFailed assertions:\n- <message>".
{ ... }:
{
  nixpkgs.hostPlatform = "x86_64-linux";
  networking.hostName = "assert";
  assertions = [
    { assertion = true; message = "this one holds"; }
    { assertion = false; message = "nixplore test: boot.loader.grub.device must be set"; }
  ];
  warnings = [ "nixplore test warning" ];
}
