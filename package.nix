# nixplore as a Nix package: `nix-build -E 'with import <nixpkgs> { }; callPackage ./package.nix { }'`,
# or through flake.nix (packages.<system>.default, overlays.default).
{
  lib,
  stdenv,
  buildGoModule,
  installShellFiles,
}:

buildGoModule rec {
  pname = "nixplore";
  # Keep equal to `version` in cmd/nixplore/version.go (a test checks it).
  version = "0.1.0";

  src = lib.cleanSource ./.;

  # The NAR hash of `go mod vendor` for go.mod/go.sum. `make vendor-hash`
  # recomputes it; TestVendorHash fails when it is stale.
  vendorHash = "sha256-Z4NjEWHtR7vN8okb3JEx7OjxCbYQ7EkMNKNw89Inilc=";

  subPackages = [ "cmd/nixplore" ];

  ldflags = [
    "-s"
    "-w"
    "-X main.version=${version}"
  ];

  # The test suite runs the real Nix against the fixtures in testdata/
  # (and tmux for the explorer); the build sandbox has neither, so the
  # suite runs in CI (.ci/run) instead of here.
  doCheck = false;

  nativeBuildInputs = [ installShellFiles ];

  # The man page is generated from the same text as --help and checked in
  # (make man); completions come from the binary itself, when it can run
  # on the build machine.
  postInstall =
    ''
      installManPage nixplore.1
    ''
    + lib.optionalString (stdenv.buildPlatform.canExecute stdenv.hostPlatform) ''
      installShellCompletion --cmd nixplore \
        --bash <($out/bin/nixplore completion bash) \
        --zsh <($out/bin/nixplore completion zsh) \
        --fish <($out/bin/nixplore completion fish)
    '';

  meta = {
    description = "Explore what a NixOS configuration can build: config.system.build as a tree, with build commands";
    homepage = "https://github.com/nixplore/nixplore";
    # The repository has no LICENSE file yet; MIT is assumed here and must
    # be confirmed (or changed) together with adding one.
    license = lib.licenses.mit;
    mainProgram = "nixplore";
    platforms = lib.platforms.linux ++ lib.platforms.darwin;
  };
}
