# Stand-in for nixpkgs lib/ (lib/modules.nix, lib/options.nix, lib/types.nix): a SMALL module
# system that keeps the behaviour nixplore depends on:
#  - imports (paths, attrsets, functions), de-duplicated by path (genericClosure on `key`);
#  - mkIf / mkMerge / mkOverride (mkDefault = 1000, mkForce = 50, option default = 1500);
#  - properties are pushed down through non-option attribute levels (pushDownProperties) and
#    discharged at the option level (dischargeProperties + filterOverrides), so
#    options.<opt>.definitionsWithLocations holds { file; value; } exactly like nixpkgs: an inner
#    `{ sdImage = mkIf c x; }` stays inside the value;
#  - submodules with a freeformType; lazyAttrsOf keeps attribute VALUES lazy (listing
#    config.system.build never forces a child). As in nixpkgs, `x = mkIf false v` under a
#    lazyAttrsOf still shows up as a name and throws "accessed but has no value defined".
let
  b = builtins;
  inherit (b) attrNames concatLists filter foldl' head isAttrs isFunction isList length map
    mapAttrs listToAttrs genList elemAt removeAttrs tail zipAttrsWith;

  lib = rec {
    inherit (b) attrNames filter foldl' head length map mapAttrs listToAttrs genList elemAt
      concatLists isAttrs isList isString isFunction toString;
    concatMap = f: l: concatLists (map f l);
    imap = f: l: genList (i: f i (elemAt l i)) (length l);
    optional = c: x: if c then [ x ] else [ ];
    optionals = c: x: if c then x else [ ];
    optionalString = c: s: if c then s else "";
    optionalAttrs = c: a: if c then a else { };
    concatStringsSep = b.concatStringsSep;
    concatMapStringsSep = sep: f: l: b.concatStringsSep sep (map f l);
    nameValuePair = name: value: { inherit name value; };
    mapAttrsToList = f: a: map (n: f n a.${n}) (attrNames a);
    filterAttrs = p: a: listToAttrs (concatMap (n: optional (p n a.${n}) { name = n; value = a.${n}; }) (attrNames a));
    setAttrByPath = path: v: if path == [ ] then v else { ${head path} = setAttrByPath (tail path) v; };
    attrByPath = path: d: a: if path == [ ] then a else if a ? ${head path} then attrByPath (tail path) d a.${head path} else d;
    recursiveUpdate = a: c: a // mapAttrs (n: v: if isAttrs v && isAttrs (a.${n} or null) && !(v ? type) then recursiveUpdate a.${n} v else v) c;
    range = f: t: genList (i: f + i) (t - f + 1);
    foldr = op: nul: l: foldl' (acc: x: op x acc) nul (genList (i: elemAt l (length l - 1 - i)) (length l));

    # ---- lib/trivial.nix: warn and showWarnings ----
    # builtins.warn where Nix has it (2.23 and later: `evaluation warning: MSG`), else a trace in
    # the same words with upstream's colours (`trace: evaluation warning: MSG`).
    warn = b.warn or (msg: v: b.trace "${esc}[1;31mevaluation warning:${esc}[0m ${msg}" v);
    esc = b.fromJSON ''"\u001b"'';
    # NixOS's toplevel prints config.warnings this way (nixos/modules/system/activation/top-level.nix).
    showWarnings = warnings: res: foldr (w: x: warn w x) res warnings;
    isDerivation = v: isAttrs v && v.type or null == "derivation";
    versions.majorMinor = v: v;
    trivial.release = "25.05";
    showOption = loc: b.concatStringsSep "." (map (p: if b.match "[a-zA-Z_][a-zA-Z0-9_'-]*" p != null then p else b.toJSON p) loc);

    # ---- properties (lib/modules.nix) ----
    mkIf = condition: content: { _type = "if"; inherit condition content; };
    mkMerge = contents: { _type = "merge"; inherit contents; };
    mkOverride = priority: content: { _type = "override"; inherit priority content; };
    mkOptionDefault = mkOverride 1500;
    mkDefault = mkOverride 1000;
    mkForce = mkOverride 50;
    mkVMOverride = mkOverride 10;

    pushDownProperties = cfg:
      if cfg._type or "" == "merge" then concatMap pushDownProperties cfg.contents
      else if cfg._type or "" == "if" then map (mapAttrs (n: v: mkIf cfg.condition v)) (pushDownProperties cfg.content)
      else if cfg._type or "" == "override" then map (mapAttrs (n: v: mkOverride cfg.priority v)) (pushDownProperties cfg.content)
      else [ cfg ];

    dischargeProperties = def:
      if def._type or "" == "merge" then concatMap dischargeProperties def.contents
      else if def._type or "" == "if" then
        (if b.isBool def.condition then (if def.condition then dischargeProperties def.content else [ ])
         else throw "‘mkIf’ called with a non-Boolean condition")
      else [ def ];

    # defs: [ { file; value; } ] -> definitions with the highest priority, overrides stripped.
    filterOverrides = defs:
      let
        prio = d: if d.value._type or "" == "override" then d.value.priority else 100;
        best = foldl' (a: d: if prio d < a then prio d else a) 9999 defs;
      in map (d: if d.value._type or "" == "override" then d // { value = d.value.content; } else d)
        (filter (d: prio d == best) defs);

    # mergeDefinitions (lib/modules.nix): discharge, filter overrides, merge with the type.
    mergeDefinitions = loc: type: defs:
      let
        # As upstream, an error while reading a definition names its file.
        discharged = concatMap (d: map (v: { inherit (d) file; value = v; })
          (b.addErrorContext "while evaluating definitions from `${d.file}':" (dischargeProperties d.value))) defs;
        defsFinal = filterOverrides discharged;
      in {
        inherit defsFinal;
        isDefined = defsFinal != [ ];
        mergedValue =
          if defsFinal == [ ] then throw "The option `${showOption loc}' was accessed but has no value defined. Try setting the option."
          else type.merge loc defsFinal;
      };

    # ---- options (lib/options.nix) ----
    mkOption = { type ? types.unspecified, description ? null, ... }@attrs:
      attrs // { _type = "option"; inherit type description; };
    mkEnableOption = name: mkOption { type = types.bool; default = false; description = "Whether to enable ${name}."; };
    isOption = v: isAttrs v && v._type or "" == "option";

    mergeEqualOption = loc: defs:
      if length defs == 1 then (head defs).value
      else foldl' (a: d: if a == d.value then a else throw "The option `${showOption loc}' has conflicting definition values:${b.concatStringsSep "" (map (d: "\n- In `${d.file}'") defs)}") (head defs).value (tail defs);

    # ---- types (lib/types.nix), just enough ----
    types = rec {
      mkOptionType = { name, description ? name, merge ? mergeEqualOption, ... }@a: a // { _type = "option-type"; inherit name description merge; };
      unspecified = mkOptionType { name = "unspecified"; description = "unspecified value";
        merge = loc: defs: if length defs == 1 then (head defs).value
          else if b.all (d: isAttrs d.value) defs then foldl' (a: d: a // d.value) { } defs
          else mergeEqualOption loc defs; };
      anything = unspecified // { name = "anything"; description = "anything"; };
      raw = mkOptionType { name = "raw"; description = "raw value"; merge = mergeEqualOption; };
      uniq = t: t // { description = t.description; merge = mergeEqualOption; };
      str = mkOptionType { name = "str"; description = "string"; };
      bool = mkOptionType { name = "bool"; description = "boolean"; };
      int = mkOptionType { name = "int"; description = "signed integer"; };
      package = mkOptionType { name = "package"; description = "package"; };
      path = mkOptionType { name = "path"; description = "path"; };
      attrs = mkOptionType { name = "attrs"; description = "attribute set"; merge = loc: foldl' (a: d: a // d.value) { }; };
      enum = l: mkOptionType { name = "enum"; description = "one of ${b.concatStringsSep ", " (map b.toJSON l)}"; };
      either = t1: t2: mkOptionType { name = "either"; description = "${t1.description} or ${t2.description}"; };
      nullOr = t: mkOptionType { name = "nullOr"; description = "null or ${t.description}"; merge = t.merge; };
      listOf = t: mkOptionType { name = "listOf"; description = "list of ${t.description}";
        merge = loc: defs: concatMap (d: d.value) defs; };
      # lazyAttrsOf: names are strict, values lazy; each value merged on access.
      lazyAttrsOf = t: mkOptionType { name = "lazyAttrsOf"; description = "lazy attribute set of ${t.description}";
        merge = loc: defs: zipAttrsWith (n: ds: (mergeDefinitions (loc ++ [ n ]) t ds).mergedValue)
          (map (d: mapAttrs (n: v: { inherit (d) file; value = v; }) d.value) defs); };
      attrsOf = t: mkOptionType { name = "attrsOf"; description = "attribute set of ${t.description}";
        merge = loc: defs: mapAttrs (n: r: r.mergedValue) (filterAttrs (n: r: r.isDefined)
          (zipAttrsWith (n: ds: mergeDefinitions (loc ++ [ n ]) t ds)
            (map (d: mapAttrs (n: v: { inherit (d) file; value = v; }) d.value) defs))); };
      # submodule { options = { ... }; freeformType = ...; } (or a list of such modules).
      submodule = m: submoduleWith { modules = if isList m then m else [ m ]; };
      submoduleWith = { modules }: mkOptionType {
        name = "submodule"; description = "submodule"; subModules = modules;
        merge = loc: defs: (evalTree loc (declTree (map (m: { file = m._file or "<submodule>"; options = m.options or { }; }) modules))
          defs (foldl' (a: m: m.freeformType or a) null modules)).config; };
    };

    # Merge option declarations [ { file; options; } ] into one tree; leaves are options with
    # `declarations`. Two declarations of a submodule option merge their sub-options.
    declTree = decls: zipAttrsWith (n: vs:
      if b.any (v: isOption v.options) vs then
        # Plain attrsets declared under a submodule option extend it (like nixpkgs, e.g.
        # top-level.nix declaring system.build.toplevel under build.nix's system.build).
        let opts = filter (v: isOption v.options) vs; plains = filter (v: !(isOption v.options)) vs;
            first = (head opts).options; in
        first // {
          declarations = map (v: v.file) vs;
          type = if (length opts > 1 || plains != [ ]) && first.type.name == "submodule"
            then types.submoduleWith { modules = concatMap (v: v.options.type.subModules) opts
              ++ map (v: { _file = v.file; options = v.options; }) plains; } else first.type;
        }
      else declTree (map (v: { inherit (v) file; options = v.options; }) vs))
      (map (d: mapAttrs (n: v: { inherit (d) file; options = v; }) d.options) decls);

    # evalTree: the heart of mergeModules'. Returns { config; options; } for one level.
    evalTree = loc: decls: defs: freeform:
      let
        pushed = concatMap (d: map (v: { inherit (d) file; value = v; }) (pushDownProperties d.value)) defs;
        byName = zipAttrsWith (n: vs: vs) (map (d: mapAttrs (n: v: { inherit (d) file; value = v; }) d.value) pushed);
        rawByName = zipAttrsWith (n: vs: vs) (map (d: mapAttrs (n: v: { inherit (d) file; value = v; }) d.value) defs);
        unmatched = filter (n: !(decls ? ${n})) (attrNames byName);
        freeVals = if freeform == null then { } else
          freeform.merge loc (map (d: d // { value = removeAttrs d.value (attrNames decls); })
            (filter (d: isAttrs d.value && d.value._type or "" == "") defs));
        sub = mapAttrs (n: d:
          if isOption d then
            let
              loc' = loc ++ [ n ];
              defaults = optional (d ? default) { file = head d.declarations; value = mkOptionDefault d.default; };
              res = mergeDefinitions loc' d.type ((byName.${n} or [ ]) ++ defaults);
            in rec {
              option = d // {
                loc = loc'; isDefined = res.isDefined;
                # As upstream's evalOptionValue: an error inside the value names the option.
                value = b.addErrorContext "while evaluating the option `${showOption loc'}':"
                  (if d ? apply then d.apply res.mergedValue else res.mergedValue);
                definitionsWithLocations = res.defsFinal; definitions = map (x: x.value) res.defsFinal;
                files = map (x: x.file) res.defsFinal;
              };
              value = option.value;
            }
          else let r = evalTree (loc ++ [ n ]) d (byName.${n} or [ ]) null; in { option = r.options; value = r.config; })
          decls;
      in {
        options = mapAttrs (n: v: v.option) sub;
        config = mapAttrs (n: v: v.value) sub
          // (if freeform != null then freeVals
              else listToAttrs (map (n: { name = n; value = throw "The option `${showOption (loc ++ [ n ])}' does not exist. Definition values:${b.concatStringsSep "" (map (d: "\n- In `${d.file}'") byName.${n})}"; }) unmatched));
      };

    # evalModules { modules; specialArgs; } -> { config; options; }
    evalModules = { modules, specialArgs ? { }, prefix ? [ ] }:
      let
        internalModule = { _file = toString ./default.nix; key = "lib/modules.nix#internal";
          options._module.args = mkOption { type = types.lazyAttrsOf types.raw; description = "Arguments passed to each module."; };
          config._module.args = { }; };
        # Module arguments: like nixpkgs, names asked for in the function head are looked up
        # lazily in config._module.args / specialArgs, so `pkgs` can come from a module.
        # extendModules (as upstream): the same evaluation with more modules, evaluated again
        # from scratch (images.* and the VM variants are made this way).
        extendModules = { modules ? [ ], specialArgs ? { }, prefix ? prefix0 }:
          evalModules { modules = modules0 ++ modules; specialArgs = specialArgs0 // specialArgs; inherit prefix; };
        modules0 = modules;
        specialArgs0 = specialArgs;
        prefix0 = prefix;
        baseArgs = { inherit lib config options extendModules; specialArgs = specialArgs; } // specialArgs;
        args = f: baseArgs // mapAttrs (n: _: baseArgs.${n} or config._module.args.${n}) (b.functionArgs f);
        load = file: key: m:
          let
            v = if isFunction m then m (args m) else m;
            file' = v._file or file;
          in {
            inherit key; file = file';
            imports = v.imports or [ ];
            options = v.options or { };
            config = if v ? config || v ? options then v.config or { }
              else removeAttrs v [ "_file" "key" "disabledModules" "imports" "meta" "freeformType" ];
          };
        item = parent: i: m:
          if b.isPath m || b.isString m then let f = toString m; in load f f (import m)
          else let k = m.key or "${parent.file}:anon-${toString i}"; in load (m._file or parent.file) k m;
        all = b.genericClosure {
          startSet = imap (item { file = "<unknown-file>"; }) ([ internalModule ] ++ modules);
          operator = p: imap (item p) p.imports;
        };
        tree = evalTree prefix (declTree (map (m: { inherit (m) file options; }) all))
          (map (m: { inherit (m) file; value = m.config; }) all) null;
        config = tree.config;
        options = tree.options;
      in { inherit config options extendModules; _type = "configuration"; };
  };
in lib
