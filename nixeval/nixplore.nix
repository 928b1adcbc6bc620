# The one Nix expression nixplore evaluates. It is constant: attribute names,
# paths and the target reach it only as JSON strings (--argstr), decoded with
# builtins.fromJSON, and are used as data (v.${name}), never as code.
#
# Arguments: nixploreTarget (JSON), nixploreRequest (JSON, optional: without it
# the result is { run } for the warm repl session), nixploreExpr (the user's
# --expr, passed with --arg), and the user's own --arg/--argstr, which are
# handed to the target's function the way nix-build auto-calls it.
{ nixploreTarget, nixploreRequest ? null, ... }@args:
let
  target = builtins.fromJSON nixploreTarget;
  userArgs = removeAttrs args [ "nixploreTarget" "nixploreRequest" "nixploreExpr" ];

  # Mirrors Nix's autoCallFunction: only declared formals are passed.
  callAuto = f:
    if builtins.isFunction f
    then f (builtins.intersectAttrs (builtins.functionArgs f) userArgs)
    else f;

  importFile = file:
    let n = builtins.stringLength file; in
    if builtins.substring 0 1 file == "<" && builtins.substring (n - 1) 1 file == ">"
    then builtins.findFile builtins.nixPath (builtins.substring 1 (n - 2) file)
    else /. + file;

  rootInfo =
    if target.kind == "flake" then
      let
        flake = builtins.getFlake target.flake;
        cfgs = flake.nixosConfigurations or null;
      in
      if cfgs == null then { status = "noconfigs"; flakeOutputs = builtins.attrNames flake; }
      else if !(cfgs ? ${target.host}) then { status = "nohost"; hosts = map encName (builtins.attrNames cfgs); }
      else { status = "ok"; value = cfgs.${target.host}; }
    else if target.kind == "expr" then { status = "ok"; value = callAuto args.nixploreExpr; }
    else { status = "ok"; value = callAuto (import (importFile target.file)); };

  # Names travel as plain strings when they are printable ASCII and as
  # {hex} otherwise: JSON cannot carry invalid UTF-8 (Nix 2.26 refuses to
  # print it, 2.8 prints bytes a JSON reader replaces). `bytes` is the list
  # of the 255 one-byte strings 0x01..0xff, filled in by nixplore.
  bytes = @BYTES@;
  hexDigits = [ "0" "1" "2" "3" "4" "5" "6" "7" "8" "9" "a" "b" "c" "d" "e" "f" ];
  hex2 = i: builtins.elemAt hexDigits (i / 16) + builtins.elemAt hexDigits (i - (i / 16) * 16);
  byteToHex = builtins.listToAttrs (builtins.genList (i: { name = builtins.elemAt bytes i; value = hex2 (i + 1); }) 255);
  hexToByte = builtins.listToAttrs (builtins.genList (i: { name = hex2 (i + 1); value = builtins.elemAt bytes i; }) 255);
  range = n: builtins.genList (i: i) n;
  encName = n:
    if builtins.match "[ -~]*" n != null then n
    else { hex = builtins.concatStringsSep "" (map (i: byteToHex.${builtins.substring i 1 n}) (range (builtins.stringLength n))); };
  decName = n:
    if builtins.isString n then n
    else builtins.concatStringsSep "" (map (i: hexToByte.${builtins.substring (i * 2) 2 n.hex}) (range (builtins.stringLength n.hex / 2)));
  decPath = map decName;

  kindOf = v:
    let t = builtins.typeOf v; in
    if t == "set" then (if (v.type or null) == "derivation" then "derivation" else "attrs")
    else if t == "lambda" || t == "primop" || t == "primop-app" then "function"
    else t;

  # Walks a path without failing on a missing name: reports how deep it got
  # and what was there instead. Forcing a value on the way can still throw.
  walk = path: builtins.foldl'
    (acc: n:
      if acc.status != "ok" then acc
      else if !(builtins.isAttrs acc.value) then acc // { status = "notattrs"; kind = kindOf acc.value; }
      else if !(acc.value ? ${n}) then acc // { status = "missing"; missing = n; available = builtins.attrNames acc.value; }
      else acc // { value = acc.value.${n}; depth = acc.depth + 1; })
    (rootInfo // { depth = 0; })
    path;

  plain = w: removeAttrs w [ "value" ];
  discard = builtins.unsafeDiscardStringContext;

  # For a request about several paths (req.mark set), traces the mark and
  # tag as the evaluation of one of them begins: nixplore reads these lines
  # to tell which path printed a warning, and drops them.
  markAt = req: tag: v: if (req.mark or "") == "" then v else builtins.trace (req.mark + tag) v;
  eachPath = req: f: builtins.genList
    (i: markAt req (toString i) (f i (decPath (builtins.elemAt req.paths i))))
    (builtins.length (req.paths or [ ]));

  # A whole listing in one evaluation; each child is forced alone under
  # tryEval so a throwing child shows as an error beside its siblings.
  listOne = req: i: path:
    let
      w = walk path;
      r = builtins.tryEval (builtins.seq w.status (if w.status == "ok" then builtins.isAttrs w.value else false));
    in
    if !r.success then { status = "error"; }
    else if w.status != "ok" then plain w
    else if !r.value then { status = "notattrs"; depth = w.depth; kind = kindOf w.value; }
    else {
      status = "ok";
      children = map
        (n:
          let k = builtins.tryEval (markAt req "${toString i} ${builtins.toJSON (encName n)}" (kindOf w.value.${n})); in
          { name = encName n; kind = if k.success then k.value else "error"; })
        (builtins.attrNames w.value);
    };

  # The kind of each value at paths (children of sets already listed by
  # name), each forced alone under tryEval: one child's kind may cost a
  # whole evaluation (an images.* variant, vm), so callers ask for few at a
  # time, the ones the user sees first.
  kindAt = path:
    let
      w = walk path;
      r = builtins.tryEval (if w.status == "ok" then kindOf w.value else w.status);
    in
    if !r.success then { status = "ok"; kind = "error"; }
    else if w.status != "ok" then plain w
    else { status = "ok"; kind = r.value; };

  # Unprotected: used to get Nix's own message for a failing value.
  force = path: let w = walk path; in if w.status != "ok" then plain w else { status = "ok"; kind = kindOf w.value; };

  # Unprotected and one step deeper than force: a derivation's drvPath is
  # forced too, so whatever makes it fail shows in Nix's --show-trace.
  traceAt = path:
    let w = walk path; k = kindOf w.value; in
    if w.status != "ok" then plain w
    else { status = "ok"; kind = k; drvPath = if k == "derivation" then discard w.value.drvPath else null; };

  # What each path is, to compare two evaluations: the kind; for a
  # derivation its drvPath; for a string, number, bool, null or path a hash
  # of the value, so equal values compare equal without travelling. Lists
  # and sets get no hash: toJSON of what they hold can fail in ways
  # tryEval does not catch. A path that is not there has kind "".
  valueAt = path:
    let
      w = walk path;
      r = builtins.tryEval (if w.status == "ok" then kindOf w.value else w.status);
      v = w.value;
      hashed = x: let h = builtins.tryEval (builtins.hashString "sha256" x); in
        if h.success then { valueHash = h.value; } else { failed = true; };
    in
    if !r.success then { status = "ok"; kind = "error"; failed = true; }
    else if w.status == "missing" || w.status == "notattrs" then { status = "ok"; kind = ""; }
    else if w.status != "ok" then plain w
    else { status = "ok"; kind = r.value; } // (
      if r.value == "derivation" then
        (let d = builtins.tryEval (discard v.drvPath); in if d.success then { drvPath = d.value; } else { failed = true; })
      else if r.value == "string" then hashed (discard v)
      else if r.value == "path" then hashed (toString v)
      else if builtins.elem r.value [ "int" "float" "bool" "null" ] then hashed (builtins.toJSON v)
      else { });

  names = path:
    let w = walk path; in
    if w.status != "ok" then plain w
    else if !(builtins.isAttrs w.value) then { status = "notattrs"; depth = w.depth; kind = kindOf w.value; }
    else { status = "ok"; names = map encName (builtins.attrNames w.value); };

  try = v: let r = builtins.tryEval v; in if r.success then r.value else null;
  tryFailed = v: !(builtins.tryEval v).success;

  # mkIf / mkMerge / mkOverride / mkOrder wrappers that a definition's value
  # can still hold below its top level.
  discharge = v:
    if !(builtins.isAttrs v) then [ v ]
    else if (v._type or null) == "if" then (if v.condition then discharge v.content else [ ])
    else if (v._type or null) == "merge" then builtins.concatMap discharge v.contents
    else if (v._type or null) == "override" || (v._type or null) == "order" then discharge v.content
    else [ v ];
  # A definition whose value throws still defines the option: `toplevel`
  # of a configuration with failed assertions is defined in top-level.nix
  # (it throws there), so where it comes from is said without forcing it.
  defines = v: rest:
    let r = builtins.tryEval (discharge v); ds = r.value; in
    if !r.success then true
    else if rest == [ ] then ds != [ ]
    else builtins.any (d: builtins.isAttrs d && d ? ${builtins.head rest} && defines d.${builtins.head rest} (builtins.tail rest)) ds;

  docText = d: if builtins.isString d then d else if builtins.isAttrs d then (d.text or null) else null;

  # Which files define the value at path (under config): find the option
  # that holds it, then keep the definitions whose value has the rest of
  # the path (system.build is one option; its attributes are not).
  definedIn = path:
    let
      root = rootInfo.value;
      step = acc: n:
        if acc.found then acc // { rest = acc.rest ++ [ n ]; }
        else if builtins.isAttrs acc.o && acc.o ? ${n} then
          (let o = acc.o.${n}; in
           if (o._type or null) == "option" then { found = true; o = o; rest = [ ]; optionPath = acc.optionPath ++ [ n ]; }
           else acc // { o = o; optionPath = acc.optionPath ++ [ n ]; })
        else acc // { o = null; };
      r = builtins.foldl' step { found = false; o = root.options or null; rest = [ ]; optionPath = [ ]; } (builtins.tail path);
      defs = r.o.definitionsWithLocations or [ ];
      files = map (d: toString d.file) (builtins.filter (d: defines d.value r.rest) defs);
      info = {
        files = files;
        option = map encName r.optionPath;
        declarations = map toString (r.o.declarations or [ ]);
        type = r.o.type.description or null;
        description = docText (r.o.description or null);
        declared = r.rest == [ ];
      };
      e = builtins.tryEval (builtins.deepSeq info info);
    in
    if path == [ ] || builtins.head path != "config" || !r.found then null
    else if e.success then e.value else { error = true; };

  describe = path:
    let
      w = walk path;
      v = w.value;
      k = kindOf v;
      drv = {
        name = try (discard v.name);
        system = try (discard v.system);
        drvPath = try (discard v.drvPath);
        drvPathFailed = tryFailed v.drvPath;
        outputs = map (o: { name = o; path = try (discard v.${o}.outPath); }) (try (v.outputs or [ "out" ]));
        description = try (discard (v.meta.description or ""));
        mainProgram = try (discard (v.meta.mainProgram or ""));
        filePath = try (discard (v.passthru.filePath or v.filePath or ""));
      };
      scalar =
        if k == "attrs" then { count = builtins.length (builtins.attrNames v); }
        else if k == "list" then { count = builtins.length v; }
        else if k == "string" then { value = discard (builtins.substring 0 4096 v); length = builtins.stringLength v; }
        else if k == "path" then { value = toString v; }
        else if k == "int" || k == "float" || k == "bool" || k == "null" then { value = v; }
        else { };
    in
    if w.status != "ok" then plain w
    else { status = "ok"; kind = k; definedIn = definedIn path; facts = factsOf path w; }
      // (if k == "derivation" then drv else scalar);

  # What this configuration itself says about the node at path, for the
  # general catalogue text to follow and never contradict. Each fact is read
  # alone under tryEval: one that throws is just absent. Nothing costly is
  # forced: the image variants are attrNames (each variant is a whole
  # evaluation), an image's options are read from its own configuration.
  getIn = set: p: builtins.foldl' (acc: n: if builtins.isAttrs acc && acc ? ${n} then acc.${n} else null) set p;
  factValue = v:
    if builtins.isBool v then { bool = v; }
    else if builtins.isInt v then { int = v; }
    else if builtins.isString v then { string = encName (discard v); }
    else if builtins.isList v && builtins.all builtins.isString v then { list = map (s: encName (discard s)) v; }
    else null;
  fact = name: get:
    let r = builtins.tryEval (let v = get null; in builtins.deepSeq v (if v == null then null else factValue v)); in
    if r.success && r.value != null then [ ({ inherit name; } // r.value) ] else [ ];
  buildPath = [ "config" "system" "build" ];
  factsOf = path: w:
    let
      cfg = rootInfo.value.config or null;
      v = w.value;
      k = let r = builtins.tryEval (kindOf v); in if r.success then r.value else "error";
      under = builtins.length path == 4 && builtins.genList (i: builtins.elemAt path i) 3 == buildPath;
      output = if under then builtins.elemAt path 3 else null;
      # An images.* variant carries its own configuration (upstream's
      # passthru.config); sdImage, isoImage and image are the root's.
      imageCfg =
        if k == "derivation" && ((v.passthru or { }) ? config) then v.passthru.config
        else if builtins.elem output [ "sdImage" "isoImage" "image" ] then cfg
        else null;
    in
    fact "system.nixos.release" (_: getIn cfg [ "system" "nixos" "release" ])
    ++ (if output == "images" && k == "attrs" then fact "variants" (_: builtins.attrNames v) else [ ])
    ++ (if k == "derivation" then
      fact "outputs" (_: v.outputs or [ "out" ])
      # Where the file lies inside the result: the variant's passthru
      # (upstream's images.nix), else the image module's image.filePath.
      ++ fact "filePath" (_:
        let f = v.passthru.filePath or v.filePath or (if imageCfg == null then null else getIn imageCfg [ "image" "filePath" ]); in
        if f == "" then null else f)
    else [ ])
    ++ (if imageCfg == null then [ ] else
      fact "sdImage.compressImage" (_: getIn imageCfg [ "sdImage" "compressImage" ])
      ++ fact "isoImage.squashfsCompression" (_: getIn imageCfg [ "isoImage" "squashfsCompression" ]))
    ++ (if output == "initialRamdisk" then fact "boot.initrd.systemd.enable" (_: getIn cfg [ "boot" "initrd" "systemd" "enable" ]) else [ ]);

  facts = path:
    let w = walk path; r = builtins.tryEval w.status; in
    if !r.success then { status = "error"; }
    else if w.status != "ok" then plain w
    else { status = "ok"; facts = factsOf path w; };

  # Where a value comes from, without forcing the value itself: works for
  # a value that throws, and for a mkIf false definition lists nothing.
  where = path:
    if rootInfo.status != "ok" then plain rootInfo
    else { status = "ok"; definedIn = definedIn path; };

  info = {
    status = rootInfo.status;
    hosts = map encName (rootInfo.hosts or [ ]);
    nixVersion = builtins.nixVersion;
    currentSystem = builtins.currentSystem;
    requestedSystem = if userArgs ? system && builtins.isString userArgs.system then userArgs.system else null;
    hostSystem =
      if rootInfo.status != "ok" then null
      else try (rootInfo.value.config.nixpkgs.hostPlatform.system or rootInfo.value.pkgs.stdenv.hostPlatform.system or null);
    buildSystem =
      if rootInfo.status != "ok" then null
      else try (rootInfo.value.config.nixpkgs.buildPlatform.system or null);
  };

  run = req:
    if req.op == "list" then eachPath req (listOne req)
    else if req.op == "names" then names (decPath (req.path or [ ]))
    else if req.op == "kinds" then eachPath req (_: kindAt)
    else if req.op == "force" then force (decPath (req.path or [ ]))
    else if req.op == "trace" then traceAt (decPath (req.path or [ ]))
    else if req.op == "describe" then describe (decPath (req.path or [ ]))
    else if req.op == "facts" then facts (decPath (req.path or [ ]))
    else if req.op == "where" then where (decPath (req.path or [ ]))
    else if req.op == "info" then info
    else if req.op == "values" then eachPath req (_: valueAt)
    else throw "nixplore: unknown request ${req.op}";
in
if nixploreRequest == null then { inherit run; } else run (builtins.fromJSON nixploreRequest)
