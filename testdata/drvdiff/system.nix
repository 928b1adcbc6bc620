# A system shaped like upstream's for drvdiff's tests: each /etc file is a
# derivation of its own (pkgs.writeText "etc-NAME"), `etc` holds them,
# `toplevel` holds etc and the kernel, the SD image holds toplevel
# (NIXOS-FACTS.md, "What an edit changes"). The arguments are the edits.
{ system ? builtins.currentSystem
, hosts ? "127.0.0.1 localhost\n::1 localhost\n"
, motd ? "Welcome\n"
, kernelVersion ? "6.6.1"
, withVim ? ""
, conf ? "services.openssh.enable = true;\n"
}:
let
  sh = name: script: attrs: derivation ({
    inherit name system;
    builder = "/bin/sh";
    args = [ "-c" script ];
  } // attrs);
  writeText = name: text: sh name "echo \"$text\" > $out" { inherit text; };
  etcHosts = writeText "etc-hosts" hosts;
  etcMotd = writeText "etc-motd" motd;
  vim = sh "vim-9.1" "echo vim > $out" { };
  kernel = sh "linux-${kernelVersion}" "echo kernel > $out" { version = kernelVersion; };
  initrd = sh "initrd-linux-${kernelVersion}" "echo initrd > $out" { inherit kernel; };
  etc = sh "etc" "echo $hosts $motd > $out" { hosts = etcHosts; motd = etcMotd; };
  path = sh "system-path" "echo $pkgs > $out" { pkgs = if withVim != "" then [ vim ] else [ ]; };
  toplevel = sh "nixos-system-pi-24.11" "echo $etc $kernel $initrd $path $conf > $out" {
    inherit etc kernel initrd path;
    conf = builtins.toFile "configuration.nix" conf;
  };
  sdImage = sh "nixos-sd-image-24.11-aarch64-linux.img" "echo $toplevel > $out" { inherit toplevel; };
in { inherit etcHosts etcMotd etc kernel initrd path toplevel sdImage; }
