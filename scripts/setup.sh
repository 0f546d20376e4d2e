#!/usr/bin/env bash
# Domus setup: installs the host tools and fills cache/ with what the
# hypervisor build, `make run` and the tests need.
#
#   cache/Image                 Debian's arm64 Linux kernel (uncompressed Image)
#   cache/busybox               static arm64 busybox
#   cache/modules/              kernel modules from the kernel's package (virtio transports, blk, net)
#   cache/initramfs.cpio.gz     initramfs built from it by scripts/mkinitramfs.py
#   cache/xentools/             Debian's Xen 4.17 tools for Dom0 (xl, xenstored,
#                               xenconsoled, ...) and their libraries, unpacked
#   cache/dom0-disk.img         Dom0's virtio disk in `make run` (ext2, 64 MiB)
#   cache/libfdt/libfdt.a       arm64 libfdt, linked into the hypervisor
#   cache/libfdt/include/       its headers
#   cache/debs/                 the Debian packages these came from
#
# Idempotent: when everything is present and valid it only checks and says so.
# A damaged file is deleted and fetched again once; a second failure stops
# with a message. Works from any directory.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="$ROOT/cache"
DEBS="$CACHE/debs"
PY=/usr/bin/python3

say()  { echo "setup: $*"; }
die()  { echo "setup: error: $*" >&2; exit 1; }

# One setup at a time (make -j may start it twice: `setup` and libfdt.a).
mkdir -p "$CACHE"
exec 9>"$CACHE/.setup.lock"
flock 9

SUDO=()
if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null 2>&1 || die "not root and no sudo: cannot install packages"
    SUDO=(sudo)
fi

# ---------------------------------------------------------------- packages
PKGS=(qemu-system-arm gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu
      device-tree-compiler libfdt-dev python3-pytest python3-pexpect cpio
      make gcc libc6-dev-arm64-cross e2fsprogs)

# The host's own architecture (amd64 on x86-64).  With the arm64 architecture
# added, a package can be installed for arm64 only (e.g. libfdt-dev:arm64):
# dpkg-query then finds it under its plain name, but it is of no use to the
# host (the unit tests would fail to link: "cannot find -lfdt").  So every
# package must be installed for the host architecture, or be
# "Architecture: all" (python3-pytest, python3-pexpect).
HOST_ARCH="$(dpkg --print-architecture)"

installed() {
    dpkg-query -W -f='${Status} ${Architecture}\n' "$1" 2>/dev/null \
        | grep -Eq " ok installed ($HOST_ARCH|all)\$"
}

APT_UPDATED=0
apt_update() {
    if [ "$APT_UPDATED" = 0 ]; then
        say "apt-get update"
        "${SUDO[@]}" apt-get update -qq || die "apt-get update failed"
        APT_UPDATED=1
    fi
}

if ! dpkg --print-foreign-architectures | grep -qx arm64; then
    say "adding the arm64 dpkg architecture (to download arm64 packages into cache/)"
    "${SUDO[@]}" dpkg --add-architecture arm64
    apt_update
fi

missing=()
for p in "${PKGS[@]}"; do
    installed "$p" || missing+=("$p:$HOST_ARCH")     # (apt takes :ARCH for "all" too)
done
if [ ${#missing[@]} -gt 0 ]; then
    say "installing ${missing[*]}"
    apt_update
    "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -qq "${missing[@]}" \
        || die "apt-get install ${missing[*]} failed"
fi

# ---------------------------------------------------------------- checks
# hex of LEN bytes at OFF in FILE, e.g. "41524d64"
bytes_at() { od -An -tx1 -j "$2" -N "$3" -- "$1" 2>/dev/null | tr -d ' \n'; }

check_image() {      # arm64 Linux Image: magic "ARM\x64" at offset 56
    [ -s "$1" ] || { echo "missing or empty"; return 1; }
    [ "$(bytes_at "$1" 56 4)" = 41524d64 ] || { echo "no arm64 Image magic at offset 56"; return 1; }
}
check_busybox() {    # ELF, 64-bit, little endian, e_machine 0xb7 (AArch64)
    [ -s "$1" ] || { echo "missing or empty"; return 1; }
    [ "$(bytes_at "$1" 0 6)" = 7f454c460201 ] || { echo "not a 64-bit little-endian ELF"; return 1; }
    [ "$(bytes_at "$1" 18 2)" = b700 ] || { echo "not an AArch64 ELF"; return 1; }
    [ -x "$1" ] || { echo "not executable"; return 1; }
}
check_ar() {         # static library: "!<arch>\n"
    [ -s "$1" ] || { echo "missing or empty"; return 1; }
    [ "$(bytes_at "$1" 0 8)" = 213c617263683e0a ] || { echo "not an ar archive"; return 1; }
}
check_libfdt() {
    check_ar "$CACHE/libfdt/libfdt.a" || return 1
    local h
    for h in libfdt.h libfdt_env.h fdt.h; do
        [ -s "$CACHE/libfdt/include/$h" ] || { echo "include/$h missing"; return 1; }
    done
}
check_initramfs() {
    [ -s "$1" ] || { echo "missing or empty"; return 1; }
    gzip -t "$1" 2>/dev/null || { echo "not a valid gzip file"; return 1; }
}

# ---------------------------------------------------------------- downloads
# deb_for PKG: path of the newest cache/debs/PKG_*_arm64.deb (_all.deb), or nothing
# Packages with no architecture (Architecture: all), fetched by their name alone.
ARCH_ALL="ncurses-base"
pkg_arch() {
    case " $ARCH_ALL " in *" $1 "*) echo all ;; *) echo arm64 ;; esac
}

deb_for() {
    ls -t "$DEBS/$1"_*_"$(pkg_arch "$1")".deb 2>/dev/null | head -n1 || true
}

# download PKG: set DEB to cache/debs/PKG_*_arm64.deb (or _all.deb), downloading
# it (arm64) unless a .deb of it is already there
DEB=""
download() {
    local pkg="$1" spec="$1:arm64"
    [ "$(pkg_arch "$1")" = all ] && spec="$1"
    DEB="$(deb_for "$pkg")"
    [ -n "$DEB" ] && return 0
    say "downloading $spec"
    mkdir -p "$DEBS"
    local opts=()
    [ "$(id -u)" = 0 ] && opts=(-o APT::Sandbox::User=root)
    if ! (cd "$DEBS" && apt-get download -qq "${opts[@]}" "$spec"); then
        # a freshly added arm64 architecture has no package lists yet
        apt_update
        (cd "$DEBS" && apt-get download -qq "${opts[@]}" "$spec") || return 1
    fi
    DEB="$(deb_for "$pkg")"
    [ -n "$DEB" ]
}

# extract_member DEB PATTERN OUT: copy one file (tar wildcard) out of a .deb
extract_member() {
    local deb="$1" pattern="$2" out="$3"
    dpkg-deb --fsys-tarfile "$deb" 2>/dev/null \
        | tar -x -O --wildcards --no-anchored "$pattern" > "$out" 2>/dev/null \
        && [ -s "$out" ]
}

# obtain NAME CHECKFN PRODUCT FETCHFN: ensure PRODUCT passes CHECKFN; if not,
# run FETCHFN; on failure delete what it used and try exactly once more.
obtain() {
    local name="$1" check="$2" product="$3" fetch="$4" why
    if why="$($check "$product")"; then return 0; fi
    [ -e "$product" ] && say "cache/${product#"$CACHE"/} is bad ($why): rebuilding it"
    local attempt
    for attempt in 1 2; do
        FETCH_ERR=""
        if $fetch && why="$($check "$product")"; then
            say "$name ready: cache/${product#"$CACHE"/}"
            return 0
        fi
        why="${FETCH_ERR:-$why}"
        if [ "$attempt" = 1 ]; then
            say "$name: $why; deleting the downloaded packages and trying again"
            rm -f $FETCH_DEBS
            rm -rf "$product"
        fi
    done
    die "cache/${product#"$CACHE"/} is corrupt ($why); delete cache/ and run make again"
}

FETCH_ERR=""
FETCH_DEBS=""

fetch_kernel() {
    local meta kpkg kdeb
    download linux-image-arm64 || { FETCH_ERR="apt-get download linux-image-arm64:arm64 failed"; return 1; }
    meta="$DEB"
    FETCH_DEBS="$meta"
    kpkg="$(dpkg-deb -f "$meta" Depends 2>/dev/null | tr ',|' '\n\n' \
            | sed -n 's/^ *\(linux-image-[^ ]*\).*/\1/p' | head -n1)" || true
    [ -n "$kpkg" ] || { FETCH_ERR="$(basename "$meta") is corrupt (no linux-image dependency)"; return 1; }
    download "$kpkg" || { FETCH_ERR="apt-get download $kpkg:arm64 failed"; return 1; }
    kdeb="$DEB"
    FETCH_DEBS="$meta $kdeb"
    say "extracting boot/vmlinuz-* from $(basename "$kdeb")"
    local tmp="$CACHE/Image.tmp"
    if ! extract_member "$kdeb" 'boot/vmlinuz-*' "$tmp"; then
        rm -f "$tmp"; FETCH_ERR="$(basename "$kdeb") is corrupt (dpkg-deb could not extract boot/vmlinuz-*)"; return 1
    fi
    if [ "$(bytes_at "$tmp" 0 2)" = 1f8b ]; then
        say "kernel is gzip-compressed: decompressing"
        gzip -dc < "$tmp" > "$tmp.raw" || { rm -f "$tmp" "$tmp.raw"; FETCH_ERR="gunzip of the kernel failed"; return 1; }
        mv -f "$tmp.raw" "$tmp"
    fi
    mv -f "$tmp" "$CACHE/Image"
}

# The kernel modules Dom0's tests load (the stock kernel builds them as
# modules), from the kernel's own package: virtio-mmio, virtio-pci and the
# block and network drivers (with what virtio_net needs), in load order; and
# Xen's user-space devices, through which Dom0's tools make hypercalls, bind
# event channels, map grants and reach xenstore (privcmd, evtchn, gntdev,
# gntalloc, xenfs); ext4 (which mounts ext2) and what it needs; Xen's block
# and network back ends (Dom0), with loop for disks kept in files and the
# bridge for DomUs' network, and front ends (DomUs).
MODULES="virtio_mmio virtio_blk failover net_failover virtio_net virtio_pci_legacy_dev virtio_pci_modern_dev virtio_pci xen-privcmd xen-evtchn xen-gntdev xen-gntalloc xenfs crc16 crc32c_generic mbcache jbd2 ext4 loop xen-blkback xen-blkfront llc stp bridge xen-netback xen-netfront"
check_modules() {
    local m
    for m in $MODULES; do
        [ -s "$1/$m.ko" ] || { echo "$m.ko missing"; return 1; }
    done
}
fetch_modules() {
    local meta kpkg m tmp="$CACHE/modules.tmp"
    download linux-image-arm64 || { FETCH_ERR="apt-get download linux-image-arm64:arm64 failed"; return 1; }
    meta="$DEB"
    kpkg="$(dpkg-deb -f "$meta" Depends 2>/dev/null | tr ',|' '\n\n' \
            | sed -n 's/^ *\(linux-image-[^ ]*\).*/\1/p' | head -n1)" || true
    download "$kpkg" || { FETCH_ERR="apt-get download $kpkg:arm64 failed"; return 1; }
    FETCH_DEBS="$meta $DEB"
    rm -rf "$tmp" "$tmp.x"; mkdir -p "$tmp" "$tmp.x"
    say "extracting $(echo $MODULES | wc -w) modules from $(basename "$DEB")"
    local patterns=()
    for m in $MODULES; do patterns+=("lib/modules/*/$m.ko"); done
    # One pass over the package: it is large, and compressed.
    dpkg-deb --fsys-tarfile "$DEB" 2>/dev/null \
        | tar -x -C "$tmp.x" --wildcards --no-anchored "${patterns[@]}" 2>/dev/null || true
    for m in $MODULES; do
        local f
        f="$(find "$tmp.x" -name "$m.ko" -print -quit)"
        [ -s "$f" ] || { rm -rf "$tmp" "$tmp.x"; FETCH_ERR="$(basename "$DEB") has no $m.ko"; return 1; }
        mv "$f" "$tmp/$m.ko"
    done
    rm -rf "$tmp.x"
    rm -rf "$CACHE/modules"
    mv "$tmp" "$CACHE/modules"
}

fetch_busybox() {
    local deb
    download busybox-static || { FETCH_ERR="apt-get download busybox-static:arm64 failed"; return 1; }
    deb="$DEB"
    FETCH_DEBS="$deb"
    local tmp="$CACHE/busybox.tmp"
    if ! extract_member "$deb" 'bin/busybox' "$tmp"; then
        rm -f "$tmp"; FETCH_ERR="$(basename "$deb") is corrupt (dpkg-deb could not extract bin/busybox)"; return 1
    fi
    chmod 755 "$tmp"
    mv -f "$tmp" "$CACHE/busybox"
}

fetch_libfdt() {
    local deb
    download libfdt-dev || { FETCH_ERR="apt-get download libfdt-dev:arm64 failed"; return 1; }
    deb="$DEB"
    FETCH_DEBS="$deb"
    local tmp="$CACHE/libfdt.tmp"
    rm -rf "$tmp"; mkdir -p "$tmp/include"
    if ! extract_member "$deb" 'usr/lib/aarch64-linux-gnu/libfdt.a' "$tmp/libfdt.a"; then
        rm -rf "$tmp"; FETCH_ERR="$(basename "$deb") is corrupt (dpkg-deb could not extract libfdt.a)"; return 1
    fi
    local h
    for h in libfdt.h libfdt_env.h fdt.h; do
        if ! extract_member "$deb" "usr/include/$h" "$tmp/include/$h"; then
            rm -rf "$tmp"; FETCH_ERR="$(basename "$deb") is corrupt (no usr/include/$h)"; return 1
        fi
    done
    rm -rf "$CACHE/libfdt"
    mv "$tmp" "$CACHE/libfdt"
}

# Debian's Xen 4.17 tools, unmodified, and every library they load
# (scripts/dom0_tools.py checks the closure); bash and util-linux's flock run
# their hotplug scripts; ncurses-base has the terminal descriptions xentop needs.
XEN_PKGS="xen-utils-4.17 xen-utils-common xenstore-utils bash util-linux ncurses-base libxenmisc4.17 libxenstore4 libxencall1
          libxenevtchn1 libxenforeignmemory1 libxengnttab1 libxentoollog1 libxentoolcore1
          libxenhypfs1 libxendevicemodel1 libyajl2 libc6 libgcc-s1 libncurses6 libtinfo6 zlib1g libuuid1 libfdt1"
check_xentools() {
    local f
    for f in usr/lib/xen-4.17/bin/xl usr/lib/xen-4.17/bin/oxenstored usr/lib/xen-4.17/bin/xenconsoled \
             usr/lib/xen-4.17/bin/xentop usr/sbin/xentop lib/terminfo/v/vt102 usr/bin/xenstore \
             bin/bash usr/bin/flock etc/xen/scripts/block etc/xen/scripts/vif-bridge \
             lib/ld-linux-aarch64.so.1 lib/aarch64-linux-gnu/libgcc_s.so.1 .complete; do
        [ -e "$1/$f" ] || { echo "$f missing"; return 1; }
    done
}
fetch_xentools() {
    local p debs=()
    for p in $XEN_PKGS; do
        download "$p" || { FETCH_ERR="apt-get download $p:arm64 failed"; return 1; }
        debs+=("$DEB")
    done
    FETCH_DEBS="${debs[*]}"
    say "unpacking Debian's Xen tools into cache/xentools"
    "$PY" "$ROOT/scripts/dom0_tools.py" "$CACHE/xentools.tmp" "${debs[@]}" \
        || { rm -rf "$CACHE/xentools.tmp"; FETCH_ERR="dom0_tools.py failed"; return 1; }
    touch "$CACHE/xentools.tmp/.complete"
    rm -rf "$CACHE/xentools"
    mv "$CACHE/xentools.tmp" "$CACHE/xentools"
}

build_initramfs() {
    say "building cache/initramfs.cpio.gz"
    "$PY" "$ROOT/scripts/mkinitramfs.py" "$CACHE/busybox" "$CACHE/initramfs.cpio.gz.tmp" \
        --modules "$CACHE/modules" \
        || { rm -f "$CACHE/initramfs.cpio.gz.tmp"; FETCH_ERR="mkinitramfs.py failed"; return 1; }
    mv -f "$CACHE/initramfs.cpio.gz.tmp" "$CACHE/initramfs.cpio.gz"
}

mkdir -p "$CACHE"
obtain "kernel"   check_image   "$CACHE/Image"        fetch_kernel
obtain "busybox"  check_busybox "$CACHE/busybox"      fetch_busybox
obtain "libfdt"   check_libfdt  "$CACHE/libfdt"       fetch_libfdt
obtain "modules"  check_modules "$CACHE/modules"      fetch_modules
obtain "Xen tools" check_xentools "$CACHE/xentools"   fetch_xentools


# The initramfs is rebuilt when missing, bad, or older than its inputs.
INITRD="$CACHE/initramfs.cpio.gz"
if [ -e "$INITRD" ] && { [ "$ROOT/scripts/mkinitramfs.py" -nt "$INITRD" ] || [ "$CACHE/busybox" -nt "$INITRD" ] \
                        || [ "$CACHE/modules" -nt "$INITRD" ]; }; then
    say "cache/initramfs.cpio.gz is older than its inputs"
    rm -f "$INITRD"
fi
if ! why="$(check_initramfs "$INITRD")"; then
    [ -e "$INITRD" ] && say "cache/initramfs.cpio.gz is bad ($why)"
    build_initramfs || die "$FETCH_ERR"
    why="$(check_initramfs "$INITRD")" || die "cache/initramfs.cpio.gz is corrupt ($why)"
fi

# Dom0's disk in `make run`: an ext2 file system with a Linux DomU on it for
# xl (the guests' kernel and initramfs, dom0/guest.cfg), remade when they change.
check_disk() {
    [ -s "$1" ] || { echo "missing or empty"; return 1; }
    [ "$(bytes_at "$1" 1080 2)" = 53ef ] || { echo "no ext2 superblock"; return 1; }
    local f
    for f in "$CACHE/Image" "$CACHE/initramfs.cpio.gz" "$ROOT/dom0/guest.cfg"; do
        [ "$1" -nt "$f" ] || { echo "older than $f"; return 1; }
    done
}
make_disk() {
    local tmp="$CACHE/disk.tmp"
    rm -rf "$tmp" && mkdir -p "$tmp/files"
    printf 'This is Dom0'"'"'s virtio disk (cache/dom0-disk.img, made by scripts/setup.sh).\nMount it with: mount /dev/vda /mnt\nthen start a Linux DomU with: xl create -c /mnt/guest.cfg\n' > "$tmp/files/README"
    cp "$CACHE/Image" "$tmp/files/Image"
    cp "$CACHE/initramfs.cpio.gz" "$tmp/files/initrd.img"
    cp "$ROOT/dom0/guest.cfg" "$tmp/files/guest.cfg"
    /sbin/mke2fs -q -F -t ext2 -L domus-disk -d "$tmp/files" "$tmp/disk.img" 128M \
        >/dev/null || { rm -rf "$tmp"; FETCH_ERR="mke2fs failed"; return 1; }
    mv -f "$tmp/disk.img" "$CACHE/dom0-disk.img"
    rm -rf "$tmp"
}
obtain "Dom0's disk" check_disk "$CACHE/dom0-disk.img" make_disk

say "ok: cache/Image, cache/busybox, cache/modules, cache/xentools, cache/dom0-disk.img, cache/initramfs.cpio.gz, cache/libfdt are present"
