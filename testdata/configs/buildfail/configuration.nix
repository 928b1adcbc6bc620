# Build failures and build-progress fixtures (x86_64). Set env NIXPLORE_SALT to any new value
# to get fresh, unbuilt derivations (it is mixed into every derivation here).
{ config, lib, pkgs, ... }:
let
  salt = builtins.getEnv "NIXPLORE_SALT";
  drv = args: pkgs.mkDrv (args // { env = (args.env or { }) // { inherit salt; }; });
  step = n: prev: drv {
    name = "chain-step-${toString n}";
    env = lib.optionalAttrs (prev != null) { inherit prev; };
    script = ''
      echo "chain step ${toString n}: starting"
      sleep 0.3
      echo "chain step ${toString n}: working"
      sleep 0.3
      echo "chain step ${toString n}: done"
      mkdir -p $out; echo ${toString n} > $out/step
    '';
  };
in
{
  nixpkgs.hostPlatform = "x86_64-linux";
  networking.hostName = "buildfail";
  system.build = {
    failing = drv { name = "failing"; script = ''
      i=1; while [ $i -le 30 ]; do echo "log line $i"; i=$((i+1)); done
      exit 1
    ''; };
    diskfull = drv { name = "diskfull"; script = ''
      echo "installing the boot loader..."
      echo "copying kernel and initrd to /boot"
      echo "cp: error writing '/boot/nixos/x-initrd.tmp': No space left on device" >&2
      exit 1
    ''; };
    # Prints about 20 MB and fails: what nixplore keeps of a build must stay bounded.
    loud = drv { name = "loud"; script = ''
      seq -f "loud builder line %.0f, as long as a compiler's command line tends to be" 1 200000
      exit 1
    ''; };
    # Three MiB of zeros: a binary cache compresses it, so its download is far smaller than
    # its unpacked size (the plan's two sizes, and the room check before a build).
    sized = drv { name = "sized"; script = "mkdir -p $out; head -c 3145728 /dev/zero > $out/zeros"; };
    chain = step 4 (step 3 (step 2 (step 1 null)));
    # Three in a row whose second fails: the third never starts.
    brokenChain = let
      first = drv { name = "broken-chain-1"; script = "echo first; mkdir -p $out"; };
      second = drv { name = "broken-chain-2"; env.prev = first; script = "echo second fails; exit 1"; };
    in drv { name = "broken-chain-3"; env.prev = second; script = "mkdir -p $out"; };
    slowmarker = drv { name = "nixplore-cancel-marker"; script = "echo nixplore-cancel-marker started; sleep 300; : nixplore-cancel-marker; exit 1"; };
    otherPlatform = drv { name = "other-platform"; system = "aarch64-linux"; script = "echo never > $out"; };
    hashMismatch = let d = derivation {
      name = "hash-mismatch"; system = "x86_64-linux"; builder = "/bin/sh";
      args = [ "-c" "echo something else > $out" ]; inherit salt;
      outputHashMode = "flat"; outputHashAlgo = "sha256";
      outputHash = "0000000000000000000000000000000000000000000000000000000000000000";
    }; in d;
  };
}
