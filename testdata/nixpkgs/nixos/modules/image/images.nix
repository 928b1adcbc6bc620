# Mirrors nixpkgs nixos/modules/image/images.nix (25.05): system.build.images has one attribute
# per image variant, upstream's names, each the variant's system.build.image from
# `extendModules { modules = [ variantModule ]; }`: forcing one variant evaluates the whole
# configuration again (with its cost, see misc/eval-cost.nix). Its attrNames cost nothing more.
# Like upstream, sd-card imports sd-card/sd-image-${linuxArch}.nix, which does not exist for
# aarch64 ("arm64"), so that variant throws there beside its working siblings.
# Like upstream, the variants are config.image.modules, so a configuration adds its own with
# image.modules.<name>, and each variant's image carries passthru.{config,filePath}.
{ config, lib, pkgs, extendModules, modulesPath, ... }:
let
  sys = pkgs.stdenv.hostPlatform.system;
  linuxArch = { "aarch64-linux" = "arm64"; "x86_64-linux" = "x86_64"; "armv7l-linux" = "arm"; }.${sys} or sys;
  # A variant module: the variant's system.build.image, a derivation that really builds,
  # made from the variant's own evaluation (its config and pkgs).
  variant = name: ext: { config, pkgs, ... }:
    let file = "nixos-image-${name}-${config.system.nixos.label}-${pkgs.stdenv.hostPlatform.system}.${ext}"; in {
      system.build.image = lib.mkForce (pkgs.mkDrv {
        name = "nixos-image-${name}-${config.system.nixos.label}-${pkgs.stdenv.hostPlatform.system}";
        passthru.filePath = file;
        env.toplevel = config.system.build.toplevel;
        script = "mkdir -p $out; echo ${name} > $out/${file}";
      });
    };
  imageModules = {
    amazon = variant "amazon" "vhd";
    azure = variant "azure" "vhd";
    digital-ocean = variant "digital-ocean" "qcow2.gz";
    google-compute = variant "google-compute" "raw.tar.gz";
    hyperv = variant "hyperv" "vhdx";
    linode = variant "linode" "img.gz";
    lxc = variant "lxc" "tar.xz";
    lxc-metadata = variant "lxc-metadata" "tar.xz";
    oci = variant "oci" "qcow2";
    openstack = variant "openstack" "qcow2";
    openstack-zfs = variant "openstack-zfs" "qcow2";
    proxmox = variant "proxmox" "vma.zst";
    proxmox-lxc = variant "proxmox-lxc" "tar.xz";
    qemu-efi = variant "qemu-efi" "qcow2";
    qemu = variant "qemu" "qcow2";
    raw-efi = variant "raw-efi" "img";
    raw = variant "raw" "img";
    kubevirt = variant "kubevirt" "qcow2";
    vagrant-virtualbox = variant "vagrant-virtualbox" "box";
    virtualbox = variant "virtualbox" "ova";
    vmware = variant "vmware" "vmdk";
    iso = variant "iso" "iso";
    iso-installer = variant "iso-installer" "iso";
    sd-card = {
      imports =
        let module = modulesPath + "/installer/sd-card/sd-image-${linuxArch}.nix"; in
        if builtins.pathExists module then [ module ] else throw "The module ${toString module} does not exist.";
    };
    kexec = variant "kexec" "tar.xz";
  };
in
{
  options.image.modules = lib.mkOption {
    type = lib.types.attrsOf lib.types.raw;
    description = "image-specific NixOS Modules used for `system.build.images`.";
  };
  config.image.modules = imageModules;
  options.system.build.images = lib.mkOption {
    type = lib.types.lazyAttrsOf lib.types.raw;
    readOnly = true;
    description = "Different target images generated for this NixOS configuration.";
  };
  config.system.build.images = lib.mapAttrs
    (name: m:
      let
        inherit ((extendModules { modules = [ m ]; })) config;
        builder = config.system.build.image;
        # The variant modules above give their file as passthru.filePath;
        # sd-image.nix sets image.filePath, as upstream's modules do.
        filePath = builder.filePath or config.image.filePath;
      in
      builder // { passthru = (builder.passthru or { }) // { inherit config filePath; }; })
    config.image.modules;
}
