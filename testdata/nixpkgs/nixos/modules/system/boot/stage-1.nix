# Mirrors nixpkgs nixos/modules/system/boot/stage-1.nix: extraUtils (busybox & co. closure),
# bootStage1 (stage-1 init script), initialRamdisk (makeInitrd: $out/initrd) and
# initialRamdiskSecretAppender. Like upstream, initialRamdisk only without systemd in
# stage 1 (boot.initrd.systemd.enable, declared in systemd/initrd.nix, which sets it then).
{ config, lib, pkgs, ... }:
let
  extraUtils = pkgs.mkDrv {
    name = "extra-utils";
    script = ''mkdir -p $out/bin; echo "#!/bin/sh" > $out/bin/busybox; echo extra-utils done'';
  };
  bootStage1 = pkgs.mkDrv {
    name = "stage-1-init.sh";
    env = { inherit extraUtils; };
    script = ''printf '#!%s/bin/busybox sh\necho "<<< NixOS Stage 1 >>>"\n' "$extraUtils" > $out'';
  };
  initialRamdisk = pkgs.mkDrv {
    name = "initrd-linux-6.6.30";
    env = { inherit bootStage1 extraUtils; };
    script = ''mkdir -p $out; echo "init=$bootStage1 utils=$extraUtils" > $out/initrd; echo initrd done'';
  };
in
{
  config = lib.mkMerge [
    {
      system.build = {
        inherit extraUtils bootStage1;
        initialRamdiskSecretAppender = pkgs.mkDrv {
          name = "append-initrd-secrets";
          script = ''mkdir -p $out/bin; echo "#!/bin/sh" > $out/bin/append-initrd-secrets'';
        };
      };
    }
    (lib.mkIf (!config.boot.initrd.systemd.enable) { system.build = { inherit initialRamdisk; }; })
  ];
}
