#!/usr/bin/python3
"""Unpack Debian's Xen 4.17 tools for Dom0's initramfs, with every library they need.

    dom0_tools.py OUT DEB...

Each DEB (an arm64 package: xen-utils-4.17, xenstore-utils, bash, util-linux, ncurses-base, the libraries)
is unpacked with dpkg-deb; OUT gets the daemons and commands Dom0 runs,
unmodified, at the paths Debian installs them, and the shared libraries they
load (their DT_NEEDED closure, with the dynamic loader).  A library that no
package provides is an error naming the program that needs it, so an
incomplete package list is caught here and not at Dom0's boot.
"""
import os
import shutil
import subprocess
import sys
import tempfile

XEN_BIN = "usr/lib/xen-4.17/bin"
PROGRAMS = [f"{XEN_BIN}/{p}" for p in
            ("xl", "oxenstored", "xenstored", "xenconsoled", "xenconsole",
             "xen-init-dom0", "init-dom0less", "xentop")] + ["usr/bin/xenstore", "bin/bash", "usr/bin/flock"]
# Debian's own entry points: the version-picking wrapper behind /usr/sbin/xl,
# the xenstore-* links, the configuration.
OTHERS = ["usr/sbin/xl", "usr/sbin/oxenstored", "usr/lib/xen-common/bin/xen-utils-wrapper",
          "etc/xen/xl.conf", "etc/xen/oxenstored.conf", "usr/sbin/xentop"]
# The terminals xentop (`xl top`) can draw on: the console's and the usual ones.
OTHERS += [f"lib/terminfo/{t[0]}/{t}" for t in
           ("linux", "vt100", "vt102", "vt220", "xterm", "xterm-256color", "screen", "dumb")]
# The hotplug scripts libxl runs for a DomU's disks and network interfaces
# (bash scripts): `block` gives a file or block device to Dom0's blkback,
# through a loop device for a file; `vif-bridge` puts netback's vifN.M on
# the bridge.
OTHERS += [f"etc/xen/scripts/{s}" for s in
           ("block", "block-common.sh", "vif-bridge", "vif-common.sh", "xen-network-common.sh",
            "xen-hotplug-common.sh", "xen-script-common.sh", "locking.sh", "logging.sh",
            "hotplugpath.sh")]
XENSTORE_LINKS = ("ls", "read", "write", "rm", "list", "exists", "chmod", "watch", "control")
LIB_DIRS = ["lib/aarch64-linux-gnu", "usr/lib/aarch64-linux-gnu"]
LOADER = "lib/ld-linux-aarch64.so.1"
# Loaded with dlopen, so in no DT_NEEDED: glibc's pthread_cancel needs
# libgcc_s (xl's console client cancels a thread when it detaches).
DLOPENED = {"libgcc_s.so.1": "glibc's pthread_cancel"}


def die(msg):
    sys.exit(f"dom0_tools: {msg}")


def needed(path):
    out = subprocess.run(["aarch64-linux-gnu-readelf", "-d", path],
                         capture_output=True, text=True)
    if out.returncode:
        die(f"{path}: readelf failed: {out.stderr.strip()}")
    return [line.split("[", 1)[1].split("]", 1)[0]
            for line in out.stdout.splitlines() if "(NEEDED)" in line]


def copy(src_root, rel, out):
    """Copies rel (a file, or a symlink and what it points to) from src_root to out."""
    src, dst = os.path.join(src_root, rel), os.path.join(out, rel)
    if not os.path.lexists(src):
        die(f"{rel}: not in the packages")
    os.makedirs(os.path.dirname(dst), exist_ok=True)
    if os.path.islink(src):
        target = os.readlink(src)
        if not os.path.lexists(dst):
            os.symlink(target, dst)
        resolved = os.path.normpath(os.path.join(os.path.dirname(rel), target)) \
            if not target.startswith("/") else target.lstrip("/")
        copy(src_root, resolved, out)
    elif not os.path.exists(dst):
        shutil.copy2(src, dst)


def library(src_root, soname):
    for d in LIB_DIRS:
        if os.path.lexists(os.path.join(src_root, d, soname)):
            return f"{d}/{soname}"
    return None


def main(argv):
    if len(argv) < 3:
        die("usage: dom0_tools.py OUT DEB...")
    out, debs = argv[1], argv[2:]
    with tempfile.TemporaryDirectory() as root:
        for deb in debs:
            r = subprocess.run(["dpkg-deb", "-x", deb, root], capture_output=True, text=True)
            if r.returncode:
                die(f"{deb}: dpkg-deb -x failed: {r.stderr.strip()}")
        shutil.rmtree(out, ignore_errors=True)
        for rel in PROGRAMS + OTHERS + [LOADER]:
            copy(root, rel, out)
        for name in XENSTORE_LINKS:
            os.symlink("xenstore", os.path.join(out, f"usr/bin/xenstore-{name}"))
        for soname, user in DLOPENED.items():
            lib = library(root, soname)
            if not lib:
                die(f"{user} loads {soname}, which none of the packages has")
            copy(root, lib, out)
        todo, seen = [(p, p) for p in PROGRAMS], set()
        while todo:
            rel, program = todo.pop()
            for soname in needed(os.path.join(root, rel)):
                if soname in seen:
                    continue
                seen.add(soname)
                lib = library(root, soname)
                if not lib:
                    die(f"{program} needs {soname}, which none of the packages has")
                copy(root, lib, out)
                todo.append((os.path.realpath(os.path.join(root, lib))[len(root) + 1:], program))
    print(f"dom0_tools: {len(PROGRAMS)} programs and {len(seen)} libraries in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
