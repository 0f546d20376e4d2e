#!/usr/bin/python3
"""Build the guest initramfs: a gzip'd "newc" cpio archive, in pure Python.

    mkinitramfs.py BUSYBOX OUT [--hostname NAME] [--modules DIR] [--extra SRC:DEST ...]
                   [--tree DIR ...]

BUSYBOX is a static arm64 busybox binary. The archive holds busybox, links
for its common applets, the /dev/console node (so no root is needed to make
it), and a busybox-init setup:

    /init, /sbin/init   -> busybox (init reads /etc/inittab)
    /etc/init.d/rcS     mounts proc, sysfs, devtmpfs, devpts, tmpfs; makes
                        /dev/fd and /dev/std{in,out,err}; installs every
                        applet link; sets the hostname from `hostname=NAME`
                        on the kernel command line (default NAME from
                        --hostname, else domus-guest); in a Xen DomU, loads
                        Xen's block and network front ends; prints
                        "domus-guest: init done"
    console shell       `cttyhack sh -l` respawned on the console, so job
                        control works; prompt "HOST:DIR# "
    poweroff / reboot   handled by busybox init: processes are stopped,
                        filesystems unmounted, then the kernel powers off
                        (PSCI SYSTEM_OFF) or resets.

With --modules, every DIR/*.ko goes to /lib/modules/ (loaded by hand, with
insmod: Dom0 loads virtio and Xen drivers, rcS the Xen front ends); each
--extra file SRC goes to DEST, executable (the Dom0 tests' own tools); each
--tree DIR is copied in whole, files, links and modes as they are (Dom0's
Xen tools, unpacked from Debian's packages).  An executable
/etc/init.d/rc.local, if one is added, runs at the end of rcS (Dom0 starts
its Xen services there).

The archive is reproducible: every timestamp is 0.
"""
import argparse
import gzip
import io
import os
import stat
import sys

DEFAULT_HOSTNAME = "domus-guest"

# Links created in the archive itself; rcS adds the rest with
# `busybox --install -s` at boot.
APPLETS = {
    "bin": "sh ash cat cp dd df dmesg echo false grep egrep hostname kill ln ls "
           "mkdir mknod mount mv nproc ps pwd rm rmdir sed setsid sleep stty "
           "sync tail head test touch true umount uname vi wc cttyhack date "
           "printf env expr od hexdump seq time timeout watch free top".split(),
    "sbin": "init poweroff reboot halt mdev sysctl".split(),
}

INITTAB = """\
# busybox init: see /etc/init.d/rcS
::sysinit:/etc/init.d/rcS
::respawn:/bin/cttyhack /bin/sh -l
::ctrlaltdel:/sbin/reboot
::shutdown:/bin/echo "domus-guest: shutting down"
::shutdown:/bin/umount -a -r 2>/dev/null
::restart:/sbin/init
"""

RCS = """\
#!/bin/sh
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
# The links udev makes on Debian (Xen's hotplug scripts lock through /dev/stdin).
ln -sf /proc/self/fd /dev/fd
ln -sf /proc/self/fd/0 /dev/stdin
ln -sf /proc/self/fd/1 /dev/stdout
ln -sf /proc/self/fd/2 /dev/stderr
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts 2>/dev/null
mount -t tmpfs tmpfs /tmp
/bin/busybox --install -s 2>/dev/null
name=@HOSTNAME@
for arg in $(cat /proc/cmdline); do
    case "$arg" in
        hostname=*) name="${arg#hostname=}" ;;
    esac
done
hostname "$name"
# Xen's block and network front ends in a DomU, for the disks and
# interfaces a toolstack gives it (xl's disk= and vif=); not in Dom0
# (XENFEAT_dom0, bit 11), which serves them.
features=$(cat /sys/hypervisor/properties/features 2>/dev/null)
if [ -n "$features" ] && [ $((0x$features >> 11 & 1)) = 0 ]; then
    insmod /lib/modules/xen-blkfront.ko 2>/dev/null
    insmod /lib/modules/xen-netfront.ko 2>/dev/null
fi
# Keep kernel chatter (below warnings) off the interactive console.
dmesg -n 4 2>/dev/null
[ -x /etc/init.d/rc.local ] && /etc/init.d/rc.local
echo "domus-guest: init done"
"""

PROFILE = """\
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
export HOME=/root
export PS1='\\h:\\w# '
cd "$HOME"
"""


class Cpio:
    """Writer for the SVR4 "newc" cpio format (magic 070701, no checksum)."""

    def __init__(self):
        self.buf = io.BytesIO()
        self.ino = 1
        self.seen = set()

    def _entry(self, name, mode, data=b"", rdev=(0, 0), nlink=1):
        if name in self.seen:
            raise ValueError(f"duplicate cpio entry {name}")
        self.seen.add(name)
        namez = name.encode() + b"\0"
        fields = [self.ino, mode, 0, 0, nlink, 0, len(data), 0, 0,
                  rdev[0], rdev[1], len(namez), 0]
        self.ino += 1
        hdr = b"070701" + b"".join(b"%08X" % f for f in fields)
        self.buf.write(hdr + namez)
        self.buf.write(b"\0" * (-(len(hdr) + len(namez)) % 4))
        self.buf.write(data)
        self.buf.write(b"\0" * (-len(data) % 4))

    def dir(self, name, perm=0o755):
        self._entry(name, stat.S_IFDIR | perm, nlink=2)

    def file(self, name, data, perm=0o644):
        self._entry(name, stat.S_IFREG | perm, data)

    def symlink(self, name, target):
        self._entry(name, stat.S_IFLNK | 0o777, target.encode())

    def chardev(self, name, major, minor, perm=0o600):
        self._entry(name, stat.S_IFCHR | perm, rdev=(major, minor))

    def tree(self, top):
        """Adds everything under the directory top, as it is, beside what is there."""
        for dirpath, dirnames, filenames in os.walk(top):
            dirnames.sort()
            rel = os.path.relpath(dirpath, top)
            for name in dirnames + sorted(filenames):
                path = os.path.join(dirpath, name)
                dest = os.path.normpath(os.path.join(rel, name))
                st = os.lstat(path)
                if stat.S_ISLNK(st.st_mode):
                    self.symlink(dest, os.readlink(path))
                elif stat.S_ISDIR(st.st_mode):
                    if dest not in self.seen:
                        self.dir(dest, stat.S_IMODE(st.st_mode))
                elif stat.S_ISREG(st.st_mode) and not name.startswith("."):
                    with open(path, "rb") as f:
                        self.file(dest, f.read(), stat.S_IMODE(st.st_mode))

    def finish(self):
        self._entry("TRAILER!!!", 0)
        self.buf.write(b"\0" * (-self.buf.tell() % 512))
        return self.buf.getvalue()


def check_busybox(data, path):
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        sys.exit(f"mkinitramfs: {path}: not a 64-bit little-endian ELF")
    if int.from_bytes(data[18:20], "little") != 183:
        sys.exit(f"mkinitramfs: {path}: not an AArch64 (arm64) binary")


def build(busybox, hostname=DEFAULT_HOSTNAME, modules=(), extras=(), trees=()):
    """Return the uncompressed cpio archive as bytes; modules and extras: (path, bytes)."""
    c = Cpio()
    for d in ["bin", "sbin", "dev", "proc", "sys", "tmp", "etc", "etc/init.d",
              "root", "usr", "usr/bin", "usr/sbin", "var", "var/log", "mnt", "run",
              "lib", "lib/modules"]:
        c.dir(d, 0o1777 if d == "tmp" else (0o700 if d == "root" else 0o755))
    c.chardev("dev/console", 5, 1)
    c.chardev("dev/null", 1, 3, 0o666)
    c.file("bin/busybox", busybox, 0o755)
    for d, names in APPLETS.items():
        for n in names:
            c.symlink(f"{d}/{n}", "/bin/busybox")
    c.symlink("init", "/bin/busybox")
    c.file("etc/inittab", INITTAB.encode())
    c.file("etc/init.d/rcS", RCS.replace("@HOSTNAME@", hostname).encode(), 0o755)
    c.file("etc/profile", PROFILE.encode())
    c.file("etc/passwd", b"root:x:0:0:root:/root:/bin/sh\n")
    c.file("etc/group", b"root:x:0:\n")
    c.file("etc/hostname", (hostname + "\n").encode())
    for name, data in modules:
        c.file("lib/modules/" + name, data)
    for dest, data in extras:
        c.file(dest, data, 0o755)
    for top in trees:
        c.tree(top)
    return c.finish()


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("busybox", help="static arm64 busybox binary")
    ap.add_argument("out", help="output file (gzip'd newc cpio)")
    ap.add_argument("--hostname", default=DEFAULT_HOSTNAME,
                    help=f"default hostname (default {DEFAULT_HOSTNAME}); "
                         "hostname=NAME on the kernel command line wins")
    ap.add_argument("--modules", metavar="DIR", help="kernel modules (*.ko) for /lib/modules")
    ap.add_argument("--extra", action="append", default=[], metavar="SRC:DEST",
                    help="a file to add, executable, at DEST (repeatable)")
    ap.add_argument("--tree", action="append", default=[], metavar="DIR",
                    help="a directory whose contents are added as they are (repeatable)")
    a = ap.parse_args(argv)
    if not a.hostname or any(ch in a.hostname for ch in " \t\n'\"$`\\;"):
        ap.error(f"invalid hostname {a.hostname!r}")
    try:
        with open(a.busybox, "rb") as f:
            bb = f.read()
    except OSError as e:
        sys.exit(f"mkinitramfs: {a.busybox}: {e.strerror}")
    check_busybox(bb, a.busybox)
    modules = []
    if a.modules:
        try:
            for name in sorted(os.listdir(a.modules)):
                if name.endswith(".ko"):
                    with open(os.path.join(a.modules, name), "rb") as f:
                        modules.append((name, f.read()))
        except OSError as e:
            sys.exit(f"mkinitramfs: {a.modules}: {e.strerror}")
    extras = []
    for spec in a.extra:
        src, _, dest = spec.partition(":")
        if not dest or dest.startswith("/"):
            ap.error(f"--extra {spec}: want SRC:DEST, DEST relative (e.g. usr/bin/tool)")
        try:
            with open(src, "rb") as f:
                extras.append((dest, f.read()))
        except OSError as e:
            sys.exit(f"mkinitramfs: {src}: {e.strerror}")
    for top in a.tree:
        if not os.path.isdir(top):
            sys.exit(f"mkinitramfs: --tree {top}: not a directory")
    try:
        archive = build(bb, a.hostname, modules, extras, a.tree)
    except OSError as e:
        sys.exit(f"mkinitramfs: {e.filename}: {e.strerror}")
    except ValueError as e:
        sys.exit(f"mkinitramfs: {e}")
    tmp = a.out + ".part"
    with open(tmp, "wb") as raw:
        with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as gz:
            gz.write(archive)
    os.replace(tmp, a.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
