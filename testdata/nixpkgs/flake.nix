# Mirrors nixpkgs' flake.nix: lib.nixosSystem { modules; specialArgs ? {}; system ? null; }
# evaluates with the same nixos/lib/eval-config.nix as <nixpkgs/nixos>. No inputs.
{
  description = "nixplore stand-in for nixpkgs (test fixture)";
  outputs = { self }: {
    lib = import ./lib // {
      nixosSystem = args: import ./nixos/lib/eval-config.nix ({ system = null; } // args);
    };
  };
}
