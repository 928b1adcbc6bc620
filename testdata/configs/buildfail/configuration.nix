# Build failures and build-progress fixtures (x86_64). Set env NIXPLORE_SALT to any new value
# to get fresh, unbuilt derivations (it is mixed into every derivation here).
{ config, lib, pkgs, ... }:
let
  salt = builtins.getEnv "NIXPLORE_SALT";
  otherSystem = let s = builtins.getEnv "NIXPLORE_OTHER_SYSTEM"; in if s == "" then "aarch64-linux" else s;
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
    # An output of another platform (NIXPLORE_OTHER_SYSTEM, default aarch64-linux: tests set a
    # platform that is not the host's) whose one input is a fixed-output derivation, as a source
    # tarball is: its path is the same whatever its system, so a binary cache filled on another
    # machine holds it. A dry run then says "will be fetched" for the 8 MiB input and "will be
    # built" for the output, which this machine cannot build: the seed's download-then-fail.
    source8m = derivation {
      name = "nixplore-source-8m"; system = otherSystem; builder = "/bin/sh";
      args = [ "-c" "head -c 8388608 /dev/zero > $out" ]; PATH = "/bin:/usr/bin";
      outputHashMode = "flat"; outputHashAlgo = "sha256";
      outputHash = "2daeb1f36095b44b318410b3f4e8b5d989dcc7bb023d1426c492dab0a3053e74";
    };
    otherPlatformWithSource = drv { name = "other-platform-with-source"; system = otherSystem;
      env.src = config.system.build.source8m; script = "mkdir -p $out; wc -c < $src > $out/size"; };
    # The same output needing a system feature (the kernel's big-parallel is the usual one).
    needsFeature = drv { name = "needs-feature"; system = builtins.currentSystem; env.requiredSystemFeatures = [ "nixplore-test-feature" ];
      script = "echo built > $out"; };
    hashMismatch = let d = derivation {
      name = "hash-mismatch"; system = "x86_64-linux"; builder = "/bin/sh";
      args = [ "-c" "echo something else > $out" ]; inherit salt;
      outputHashMode = "flat"; outputHashAlgo = "sha256";
      outputHash = "0000000000000000000000000000000000000000000000000000000000000000";
    }; in d;
  };
}
