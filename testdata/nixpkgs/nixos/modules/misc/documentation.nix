# Mirrors nixpkgs nixos/modules/misc/documentation.nix: system.build.manual, an ATTRSET
# (manualHTML, optionsJSON, manpages). Built with buildPackages, i.e. for nixpkgs.buildPlatform,
# so in this stand-in they build on x86_64 even for an aarch64 configuration whose
# buildPlatform was set to x86_64-linux. (For a plain aarch64 config buildPlatform = hostPlatform.)
{ config, lib, pkgs, options, ... }:
let
  cfg = config.documentation;
  bp = pkgs.buildPackages;
  optionsJSON = bp.mkDrv {
    name = "options.json";
    env.json = builtins.toJSON { "networking.hostName" = { description = options.networking.hostName.description; type = "string"; }; };
    script = ''mkdir -p $out/share/doc/nixos; printf '%s' "$json" > $out/share/doc/nixos/options.json'';
  };
in
{
  options.documentation.enable = lib.mkOption { type = lib.types.bool; default = true; description = "Whether to install documentation."; };
  options.documentation.nixos.enable = lib.mkOption { type = lib.types.bool; default = true; description = "Whether to install NixOS's own documentation."; };
  config = lib.mkIf (cfg.enable && cfg.nixos.enable) {
    system.build.manual = {
      inherit optionsJSON;
      manualHTML = bp.mkDrv {
        name = "nixos-manual-html";
        meta.description = "The NixOS manual in HTML format";
        env = { inherit optionsJSON; };
        script = ''mkdir -p $out/share/doc/nixos; echo "<html>NixOS manual</html>" > $out/share/doc/nixos/index.html'';
      };
      manpages = bp.mkDrv { name = "nixos-manpages"; script = "mkdir -p $out/share/man/man5; echo '.TH configuration.nix 5' > $out/share/man/man5/configuration.nix.5"; };
    };
  };
}
