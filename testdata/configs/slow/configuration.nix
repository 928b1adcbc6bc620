# Expensive evaluation: ./slow-module.nix does pure CPU work, sized by env NIXPLORE_SLOW_N,
# ONCE per evaluation (the mkIf condition guarding its system.build definitions must be forced
# to list config.system.build). Each further listing in the same evaluator is cheap.
{ ... }:
{
  imports = [ ./slow-module.nix ];
  nixpkgs.hostPlatform = "x86_64-linux";
}
