# system.build children of every value kind, plus children that fail when forced.
# Catchable by builtins.tryEval: throws, failedAssert. NOT catchable: missingAttr,
# infinite, typeError (they abort the whole evaluation). See testdata/README.md.
{ config, lib, pkgs, ... }:
{
  networking.hostName = "kinds";
  nixpkgs.hostPlatform = "x86_64-linux";
  system.build = {
    derivation = pkgs.mkDrv { name = "kinds-derivation"; meta.description = "A plain derivation"; script = "echo hello > $out"; };
    attrs = { a = 1; b = "two"; nested.drv = pkgs.writeText "kinds-nested" "nested\n"; };
    list = [ 1 "two" (pkgs.writeText "kinds-in-list" "x") ];
    string = "just a string";
    stringWithContext = "${pkgs.writeText "kinds-ctx" "ctx"}/file";
    path = ./data.txt;
    int = 42;
    float = 3.5;
    bool = true;
    null = null;
    function = x: x + 1;
    functorAttrs = { __functor = self: x: x; };
    throws = throw "boom";
    failedAssert = assert false; 1;
    missingAttr = config.does.not.exist;
    infinite = let x = x; in x;
    typeError = 1 + "a";
    abortChild = abort "aborted on purpose";
  };
}
