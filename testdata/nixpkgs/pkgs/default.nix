# Stand-in for nixpkgs' pkgs/top-level: a tiny package set for one host platform.
# mkDrv mirrors stdenv.mkDerivation / runCommand: a real `derivation` whose builder is
# /bin/sh (Debian's, usable because the tests run with `sandbox = false`), plus meta/passthru
# added with `//` like stdenv does. Only POSIX sh builtins and /bin coreutils are available.
{ hostSystem, buildSystem ? hostSystem }:
let
  # Test knob: NIXPLORE_REMOTE_SALT, when set, is mixed into every derivation, so a
  # remote-builder test really builds everything there (and leaves nothing another
  # test would find built). Unset (and in pure flake evaluation) nothing changes.
  remoteSalt = builtins.getEnv "NIXPLORE_REMOTE_SALT";
  self = {
    stdenv.hostPlatform.system = hostSystem;
    stdenv.buildPlatform.system = buildSystem;
    # Packages that run on the build machine (nixpkgs `buildPackages` / `pkgsBuildBuild`).
    buildPackages = import ./default.nix { hostSystem = buildSystem; inherit buildSystem; };

    # mkDrv { name; script; system ? hostSystem; env ? {}; meta ? {}; passthru ? {} }
    mkDrv = { name, script, system ? hostSystem, env ? { }, meta ? { }, passthru ? { } }:
      let drv = derivation ({
        inherit name system;
        builder = "/bin/sh";
        args = [ "-c" script ];
        PATH = "/bin:/usr/bin";
      } // (if remoteSalt == "" then { } else { nixploreRemoteSalt = remoteSalt; }) // env);
      in drv // { inherit meta; } // passthru;

    # runCommand name env script (pkgs/build-support/trivial-builders)
    runCommand = name: env: script: self.mkDrv { inherit name script env; };
    # writeText name text
    writeText = name: text: self.mkDrv { inherit name; env = { inherit text; passAsFile = [ ]; };
      script = "printf '%s' \"$text\" > $out"; };
    # writeScript name text: executable file (no chmod on minimal systems? /bin/chmod exists)
    writeScript = name: text: self.mkDrv { inherit name; env = { inherit text; };
      script = "printf '%s' \"$text\" > $out && chmod +x $out"; };
  };
in self
