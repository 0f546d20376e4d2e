#!/usr/bin/python3
"""Boot Domus under QEMU with a set of dom0less domains.

    domus_run.py [--domain SPEC]... [--domains FILE] [options]

A domain SPEC is comma-separated key=value pairs:

    kernel=PATH      arm64 Linux Image (or other kernel) for the domain (required)
    ramdisk=PATH     initramfs / ramdisk module
    memory=MiB       guest memory in MiB (default 512)
    cpus=N           number of vCPUs (default 2)
    vpl011=0|1       give the domain an emulated PL011 console (default 1)
    pv=0|1           a PV guest: Xen's hypercalls and /hypervisor node (xen,enhanced)
    name=NAME        free-form label (not used by Domus yet)
    weight=N         credit-scheduler weight, 1-65535 (Domus's default 256)
    cap=N            CPU cap in percent of one physical CPU, 0 = none
                     (at most 100 x cpus)
    affinity=M[:M..] physical-CPU mask per vCPU (hex 0x.. or decimal, non-zero,
                     32 bits); the last mask applies to the remaining vCPUs
    on_poweroff=A, on_reboot=A, on_crash=A
                     what Domus does when the domain powers off / reboots /
                     crashes: destroy | restart | preserve (Domus's defaults:
                     destroy, restart, destroy)
    bootargs=STRING  kernel command line; must be the LAST key: the rest of the
                     SPEC is taken verbatim, commas included

A domains FILE holds one SPEC per line; blank lines and lines starting with '#'
are ignored. Relative paths are resolved against the current directory, then
against the repository root.

Without --domain/--domains three domains boot (DEFAULT_DOMAINS): two Linux
guests, cache/Image with cache/initramfs.cpio.gz (the Debian kernel and the
busybox shell; 512 MiB and 2 vCPUs each): alpha, a PV guest with its console
on hvc0, and beta, an HVM-style guest with its console on the PL011,
and the demo micro-guest build/guests/demo.bin (make guests), which prints a
heartbeat line every few seconds. --single boots just one such Linux domain
instead (the default before there were three; the system tests use it).

The host device tree is QEMU's own virt tree plus a /chosen block in Xen's
dom0less binding (xen,xen-bootargs; one "xen,domain" node per domain with
multiboot,kernel / multiboot,ramdisk module nodes). Modules are loaded into
host RAM from 0x50000000 up, 2 MiB aligned, with QEMU's generic loader.

Exit status: QEMU's (0 when Domus powers the machine off), 124 on --timeout,
2 on bad arguments or missing inputs, 1 when a tool (QEMU, dtc) fails.

--host-dtb FILE replaces the generated tree (the modules are still loaded as
usual): take host_dts(args, domains), edit it, compile it with dtc.

The functions are importable (tests and benchmarks use them):
    args = parse_args([...]); argv, dtb = build_command(args)
"""
import argparse
import hashlib
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CACHE = os.path.join(REPO, "cache")
BUILD = os.path.join(REPO, "build")

QEMU = os.environ.get("DOMUS_QEMU", "qemu-system-aarch64")
MACHINE = "virt,virtualization=on,gic-version=3"
RAM_BASE = 0x40000000          # QEMU virt: RAM starts at 1 GiB
MODULE_BASE = 0x50000000       # above Domus (0x40000000) and QEMU's DTB (~0x48000000)
MODULE_ALIGN = 2 << 20
PHYS_UART = 0x09000000         # QEMU virt PL011
GUEST_UART = 0x22000000        # Xen's vpl011 (GUEST_PL011_BASE)

DEFAULT_KERNEL = os.path.join(CACHE, "Image")
DEFAULT_RAMDISK = os.path.join(CACHE, "initramfs.cpio.gz")
DEFAULT_BOOTARGS = "console=ttyAMA0 earlycon=pl011,0x%x rdinit=/sbin/init" % GUEST_UART
PV_BOOTARGS = "console=hvc0 rdinit=/sbin/init"
DEFAULT_XEN_BOOTARGS = "console=dtuart dtuart=/pl011@9000000 loglvl=info guest_loglvl=all"
DEFAULT_MEMORY = 512
DEFAULT_CPUS = 2
MAX_CPUS = 128
DEMO_GUEST = os.path.join(BUILD, "guests", "demo.bin")
KEYS = ("kernel", "ramdisk", "memory", "cpus", "vpl011", "pv", "name", "weight", "cap", "affinity",
        "on_poweroff", "on_reboot", "on_crash", "bootargs")
ACTIONS = ("destroy", "restart", "preserve")
ACTION_KEYS = ("on_poweroff", "on_reboot", "on_crash")
MAX_WEIGHT = 65535


class DomusRunError(Exception):
    """A problem with the inputs; main() prints it and exits with `code`."""

    def __init__(self, msg, code=2):
        super().__init__(msg)
        self.code = code


class Domain:
    def __init__(self, kernel, ramdisk=None, memory=DEFAULT_MEMORY, cpus=DEFAULT_CPUS,
                 bootargs=DEFAULT_BOOTARGS, vpl011=True, pv=False, name=None, weight=None, cap=None,
                 affinity=None, on_poweroff=None, on_reboot=None, on_crash=None):
        self.kernel = kernel
        self.ramdisk = ramdisk
        self.memory = memory            # MiB
        self.cpus = cpus
        self.bootargs = bootargs
        self.vpl011 = vpl011
        self.pv = pv                    # xen,enhanced: Xen's PV interface
        self.name = name
        # Scheduling and lifecycle: None = property left out (Domus's default).
        self.weight = weight
        self.cap = cap
        self.affinity = affinity        # list of CPU masks, one per vCPU (last repeats)
        self.on_poweroff = on_poweroff
        self.on_reboot = on_reboot
        self.on_crash = on_crash
        self.dom0 = False               # Dom0: modules directly in /chosen (--dom0)

    def describe(self, index=None):
        parts = []
        if self.dom0:
            return "Dom0 kernel=%s%s bootargs=%s" % (
                rel(self.kernel), " ramdisk=%s" % rel(self.ramdisk) if self.ramdisk else "",
                shlex.quote(self.bootargs or ""))
        if index is not None:
            parts.append("domU%d" % index)
        parts.append("kernel=%s" % rel(self.kernel))
        if self.ramdisk:
            parts.append("ramdisk=%s" % rel(self.ramdisk))
        parts.append("memory=%dM cpus=%d%s%s" % (self.memory, self.cpus,
                                                  " vpl011" if self.vpl011 else "",
                                                  " pv" if self.pv else ""))
        if self.weight is not None:
            parts.append("weight=%d" % self.weight)
        if self.cap is not None:
            parts.append("cap=%d%%" % self.cap)
        if self.affinity is not None:
            parts.append("affinity=%s" % ":".join("0x%x" % m for m in self.affinity))
        for key in ACTION_KEYS:
            if getattr(self, key):
                parts.append("%s=%s" % (key, getattr(self, key)))
        return " ".join(parts)

    def __repr__(self):
        return "Domain(%s)" % self.describe()


# What Domus prints when it dies: panic() (common/panic.c) prints
# "(domus) PANIC: <why>" and stops the CPU; an exception taken in Domus itself
# (hyp_trap, arch/arm64/dump.c) first prints "(domus) PANIC on CPU<n>: <kind> in
# Domus" and a register dump, then panics ("PANIC: hypervisor fault").  A
# guest's crash dump is not a panic: it says "(domus) <domain> (dN) vCPU n: ...".
# A panic, or memory not back after the last domain (core/domain_reap.c): either fails a run.
PANIC = re.compile(r"\(domus\) (?:PANIC|LEAK)\b[^\r\n]*")


def find_panic(text, context=12):
    """The first Domus panic in console output: its line and up to `context`
    of the "(domus)" lines after it (the register dump), or None.  Every
    harness that collects a QEMU run's output (tests/system/conftest.py,
    tests/guests/test_guests.py, the benchmarks) fails the run on it."""
    m = PANIC.search(text)
    if not m:
        return None
    lines = [m.group(0)]
    for ln in re.split(r"\r*\n", text[m.end():])[1:]:
        if len(lines) > context:
            break
        if "(domus)" in ln:
            lines.append(ln[ln.index("(domus)"):].rstrip())
    return "\n".join(lines)


def kill_spawned(child):
    """Kill a pexpect child running in its own session (the launcher or
    timeout(1), and the QEMU under it) with its whole process group."""
    if child.isalive():
        try:
            os.killpg(child.pid, signal.SIGKILL)
        except OSError:
            pass
    try:
        child.close(force=True)
    except Exception:
        pass


def rel(path):
    """Path for messages: relative to the current directory when inside it."""
    try:
        r = os.path.relpath(path)
    except ValueError:
        return path
    return path if r.startswith("..") else r


def resolve(path, base_dirs=None):
    """Resolve a user-given path: as given (absolute or against the current
    directory), then against each of base_dirs (default: the repo root)."""
    path = os.path.expanduser(path)
    if os.path.isabs(path):
        return path
    cands = [os.path.abspath(path)] + [os.path.join(b, path) for b in (base_dirs or [REPO])]
    for c in cands:
        if os.path.exists(c):
            return c
    return cands[0]


def check_readable(path, what):
    """Raise DomusRunError unless `path` is a readable, non-empty file."""
    hint = "run 'make setup'" if path.startswith(CACHE + os.sep) else "check the path"
    if path.startswith(CACHE + os.sep):
        hint += " (or, if cache/ is damaged, delete cache/ and run make again)"
    if not os.path.exists(path):
        if path in (DEFAULT_KERNEL, DEFAULT_RAMDISK):
            raise DomusRunError("%s missing: run make setup" % rel(path))
        if path == DEMO_GUEST:
            raise DomusRunError("%s missing: run 'make guests' (or pass --single)" % rel(path))
        raise DomusRunError("%s %s: no such file; %s" % (what, rel(path), hint))
    if not os.path.isfile(path):
        raise DomusRunError("%s %s: not a regular file" % (what, rel(path)))
    try:
        with open(path, "rb") as f:
            f.read(1)
    except OSError as e:
        raise DomusRunError("%s %s: cannot read: %s; %s" % (what, rel(path), e.strerror, hint))
    if os.path.getsize(path) == 0:
        raise DomusRunError("%s %s: empty file; %s" % (what, rel(path), hint))


def parse_spec(spec, base_dirs=None, check_files=True):
    """Parse one domain SPEC. Raises ValueError with a short problem text."""
    spec = spec.strip()
    if not spec:
        raise ValueError("empty domain spec")
    vals = {}
    rest = spec
    while rest:
        if rest.startswith("bootargs="):
            key, val, rest = "bootargs", rest[len("bootargs="):], ""
        else:
            item, _, rest = rest.partition(",")
            item = item.strip()
            if not item:
                continue
            if "=" not in item:
                raise ValueError("'%s' is not key=value" % item)
            key, val = (s.strip() for s in item.split("=", 1))
        if key not in KEYS:
            raise ValueError("unknown key '%s' (known: %s)" % (key, ", ".join(KEYS)))
        if key in vals:
            raise ValueError("key '%s' given twice" % key)
        vals[key] = val
        rest = rest.lstrip()

    if not vals.get("kernel"):
        raise ValueError("missing kernel=PATH")
    d = Domain(kernel=resolve(vals["kernel"], base_dirs))
    if vals.get("ramdisk"):
        d.ramdisk = resolve(vals["ramdisk"], base_dirs)
    if "memory" in vals:
        if not re.fullmatch(r"[0-9]+", vals["memory"]) or int(vals["memory"]) == 0:
            raise ValueError("memory must be a positive number of MiB, not '%s'" % vals["memory"])
        d.memory = int(vals["memory"])
    if "cpus" in vals:
        if not re.fullmatch(r"[0-9]+", vals["cpus"]) or not 1 <= int(vals["cpus"]) <= MAX_CPUS:
            raise ValueError("cpus must be a number from 1 to %d, not '%s'" % (MAX_CPUS, vals["cpus"]))
        d.cpus = int(vals["cpus"])
    if "vpl011" in vals:
        if vals["vpl011"] not in ("0", "1"):
            raise ValueError("vpl011 must be 0 or 1, not '%s'" % vals["vpl011"])
        d.vpl011 = vals["vpl011"] == "1"
    if "pv" in vals:
        if vals["pv"] not in ("0", "1"):
            raise ValueError("pv must be 0 or 1, not '%s'" % vals["pv"])
        d.pv = vals["pv"] == "1"
    if "bootargs" in vals:
        d.bootargs = vals["bootargs"]
        if '"' in d.bootargs or "\n" in d.bootargs:
            raise ValueError('bootargs must not contain double quotes')
    d.name = vals.get("name") or None
    if "weight" in vals:
        if not re.fullmatch(r"[0-9]+", vals["weight"]) or not 1 <= int(vals["weight"]) <= MAX_WEIGHT:
            raise ValueError("weight must be a number from 1 to %d, not '%s'"
                             % (MAX_WEIGHT, vals["weight"]))
        d.weight = int(vals["weight"])
    if "cap" in vals:
        if not re.fullmatch(r"[0-9]+", vals["cap"]) or int(vals["cap"]) > 100 * d.cpus:
            raise ValueError("cap must be a percentage of one CPU from 0 (no cap) to %d "
                             "(100 x cpus), not '%s'" % (100 * d.cpus, vals["cap"]))
        d.cap = int(vals["cap"])
    if "affinity" in vals:
        masks = vals["affinity"].split(":")
        d.affinity = []
        for m in masks:
            m = m.strip()
            if not re.fullmatch(r"0[xX][0-9a-fA-F]+|[0-9]+", m) or not 0 < int(m, 0) < 1 << 32:
                raise ValueError("affinity must be non-zero 32-bit CPU masks (hex 0x.. or "
                                 "decimal) separated by ':', not '%s'" % vals["affinity"])
            d.affinity.append(int(m, 0))
        if len(d.affinity) > d.cpus:
            raise ValueError("affinity lists %d masks for %d vCPU%s"
                             % (len(d.affinity), d.cpus, "" if d.cpus == 1 else "s"))
    for key in ACTION_KEYS:
        if key in vals:
            if vals[key] not in ACTIONS:
                raise ValueError("%s must be one of %s, not '%s'"
                                 % (key, " | ".join(ACTIONS), vals[key]))
            setattr(d, key, vals[key])
    if check_files:
        for what, path in (("kernel", d.kernel), ("ramdisk", d.ramdisk)):
            if path:
                try:
                    check_readable(path, what)
                except DomusRunError as e:
                    raise ValueError(str(e))
    return d


def read_domains_file(path, check_files=True):
    """Domains listed in FILE. Raises DomusRunError('FILE:LINE: problem')."""
    try:
        with open(path, encoding="utf-8") as f:
            lines = f.read().splitlines()
    except (OSError, UnicodeDecodeError) as e:
        raise DomusRunError("%s: cannot read domains file: %s" % (path, getattr(e, "strerror", None) or e))
    doms = []
    for n, line in enumerate(lines, 1):
        s = line.strip()
        if not s or s.startswith("#"):
            continue
        try:
            doms.append(parse_spec(s, check_files=check_files))
        except ValueError as e:
            raise DomusRunError("%s:%d: %s" % (path, n, e))
    if not doms:
        raise DomusRunError("%s: no domains listed" % path)
    return doms


def parse_size(s):
    """QEMU-style size ('2G', '512M', '2048' = MiB) -> bytes."""
    m = re.fullmatch(r"\s*([0-9]+)\s*([KMGT]?)i?B?\s*", s, re.I)
    if not m:
        raise DomusRunError("bad memory size '%s' (use e.g. 2G or 2048M)" % s)
    mult = {"": 1 << 20, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}[m.group(2).upper()]
    return int(m.group(1)) * mult


def domains_from_args(args):
    """The domain list: --domain / --domains, else the default domain."""
    doms = []
    check = not getattr(args, "no_file_checks", False)
    if args.domains:
        doms += read_domains_file(args.domains, check_files=check)
    for spec in args.domain or []:
        try:
            doms.append(parse_spec(spec, check_files=check))
        except ValueError as e:
            raise DomusRunError("--domain %s: %s" % (spec, e))
    if getattr(args, "dom0", None):
        try:
            dom0 = parse_spec(args.dom0, check_files=check)
        except ValueError as e:
            raise DomusRunError("--dom0 %s: %s" % (args.dom0, e))
        dom0.dom0 = True
        return [dom0] + doms
    if not doms:
        # --bare boots one kernel: the first Linux domain, without the demo.
        doms = default_domains(single=getattr(args, "single", False) or getattr(args, "bare", False))
        if check:
            for d in doms:
                check_readable(d.kernel, "kernel")
                if d.ramdisk:
                    check_readable(d.ramdisk, "ramdisk")
    return doms


def default_domains(single=False):
    """The domains booted without --domain/--domains: two Linux guests and the
    demo micro-guest, or (single) one Linux guest with the default bootargs."""
    if single:
        return [Domain(kernel=DEFAULT_KERNEL, ramdisk=DEFAULT_RAMDISK)]
    # alpha is a PV guest (Xen's interface, console on hvc0); beta sees only
    # emulated hardware (HVM-style, console on the PL011).
    alpha = Domain(kernel=DEFAULT_KERNEL, ramdisk=DEFAULT_RAMDISK, memory=512, cpus=2,
                   bootargs=PV_BOOTARGS + " hostname=alpha", name="alpha", pv=True)
    beta = Domain(kernel=DEFAULT_KERNEL, ramdisk=DEFAULT_RAMDISK, memory=512, cpus=2,
                  bootargs=DEFAULT_BOOTARGS + " hostname=beta", name="beta")
    return [alpha, beta, Domain(kernel=DEMO_GUEST, memory=64, cpus=1, name="demo")]


def align_up(x, a):
    return (x + a - 1) & ~(a - 1)


def place_modules(domains, ram_size, base=MODULE_BASE):
    """Assign load addresses. Returns a list (one per domain) of lists of
    (kind, path, addr, size), kind being 'kernel' or 'ramdisk'."""
    ram_end = RAM_BASE + ram_size
    addr = base
    out = []
    for i, d in enumerate(domains, 1):
        mods = []
        for kind, path in (("kernel", d.kernel), ("ramdisk", d.ramdisk)):
            if not path:
                continue
            size = os.path.getsize(path)
            addr = align_up(addr, MODULE_ALIGN)
            if addr + size > ram_end:
                raise DomusRunError(
                    "domU%d %s %s (%.1f MiB) does not fit in RAM: it would end at 0x%x, "
                    "past the end of RAM at 0x%x; raise --mem or use fewer/smaller domains"
                    % (i, kind, rel(path), size / 2**20, addr + size, ram_end))
            mods.append((kind, path, addr, size))
            addr += size
        out.append(mods)
    return out


def cells64(v):
    return "0x%x 0x%x" % (v >> 32, v & 0xffffffff)


def dts_string(s):
    return '"%s"' % s.replace("\\", "\\\\").replace('"', '\\"')


def chosen_dts(xen_bootargs, domains, placements):
    """The /chosen overlay (dtc merges it into QEMU's tree)."""
    L = ["", "/* Domus: Xen dom0less boot configuration (generated by domus_run.py) */",
         "/ {", "\tchosen {",
         "\t\t#address-cells = <0x2>;", "\t\t#size-cells = <0x2>;",
         "\t\txen,xen-bootargs = %s;" % dts_string(xen_bootargs)]
    for d, mods in zip(domains, placements):
        if d.dom0:
            if d.bootargs:
                L.append("\t\txen,dom0-bootargs = %s;" % dts_string(d.bootargs))
            for kind, path, addr, size in mods:
                L += ["", "\t\tmodule@%x {" % addr,
                      '\t\t\tcompatible = "multiboot,%s", "multiboot,module";' % kind,
                      "\t\t\treg = <%s %s>;" % (cells64(addr), cells64(size)), "\t\t};"]
    domus = [(d, mods) for d, mods in zip(domains, placements) if not d.dom0]
    for i, (d, mods) in enumerate(domus, 1):
        L += ["", "\t\tdomU%d {" % i,
              '\t\t\tcompatible = "xen,domain";',
              "\t\t\t#address-cells = <0x2>;", "\t\t\t#size-cells = <0x2>;",
              "\t\t\tmemory = <%s>;" % cells64(d.memory * 1024),
              "\t\t\tcpus = <0x%x>;" % d.cpus]
        if d.vpl011:
            L.append("\t\t\tvpl011;")
        if d.pv:
            L.append("\t\t\txen,enhanced;")
        if d.weight is not None:
            L.append("\t\t\tdomus,weight = <%d>;" % d.weight)
        if d.cap is not None:
            L.append("\t\t\tdomus,cap = <%d>;" % d.cap)
        if d.affinity is not None:
            L.append("\t\t\tdomus,vcpu-affinity = <%s>;" % " ".join("0x%x" % m for m in d.affinity))
        for key in ACTION_KEYS:
            if getattr(d, key):
                L.append("\t\t\tdomus,%s = %s;" % (key.replace("_", "-"), dts_string(getattr(d, key))))
        for kind, path, addr, size in mods:
            L += ["", "\t\t\tmodule@%x {" % addr,
                  '\t\t\t\tcompatible = "multiboot,%s", "multiboot,module";' % kind,
                  "\t\t\t\treg = <%s %s>;" % (cells64(addr), cells64(size))]
            if kind == "kernel" and d.bootargs:
                L.append("\t\t\t\tbootargs = %s;" % dts_string(d.bootargs))
            L.append("\t\t\t};")
        L.append("\t\t};")
    L += ["\t};", "};", ""]
    return "\n".join(L)


def need_tool(name):
    if not shutil.which(name):
        raise DomusRunError("%s not found: run 'make setup'" % name)


def size_tag(nbytes):
    for unit, sh in (("G", 30), ("M", 20), ("K", 10)):
        if nbytes % (1 << sh) == 0:
            return "%d%s" % (nbytes >> sh, unit)
    return str(nbytes)


def machine(opts):
    """QEMU's -M value: the virt board, with these extra properties ("highmem=off")."""
    return MACHINE + ("," + opts if opts else "")


def qemu_base_dts(cpu, smp, mem_bytes, opts=""):
    """QEMU's own virt device tree for these parameters, as DTS text (cached
    in build/ as qemu-virt-[CPU-]SMP-MEM[-OPTS].dtb/.dts)."""
    need_tool(QEMU)
    need_tool("dtc")
    os.makedirs(BUILD, exist_ok=True)
    tag = "%s%d-%s%s" % ("" if cpu == "max" else re.sub(r"[^A-Za-z0-9_.-]", "_", cpu) + "-",
                         smp, size_tag(mem_bytes),
                         "-" + re.sub(r"[^A-Za-z0-9_.-]", "_", opts) if opts else "")
    dtb = os.path.join(BUILD, "qemu-virt-%s.dtb" % tag)
    dts = dtb[:-4] + ".dts"
    qemu_path = shutil.which(QEMU)
    fresh = os.path.exists(dts) and os.path.getmtime(dts) >= os.path.getmtime(qemu_path)
    if not fresh:
        tmp = dtb + ".%d.tmp" % os.getpid()
        cmd = [QEMU, "-M", "%s,dumpdtb=%s" % (machine(opts), tmp), "-cpu", cpu,
               "-smp", str(smp), "-m", "%dM" % (mem_bytes >> 20), "-nographic"]
        r = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True)
        if r.returncode != 0 or not os.path.exists(tmp):
            raise DomusRunError("QEMU could not dump its device tree:\n  %s\n%s"
                                % (shlex.join(cmd), r.stdout.strip()), code=1)
        r = subprocess.run(["dtc", "-q", "-I", "dtb", "-O", "dts", "-o", dts + ".tmp", tmp],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if r.returncode != 0:
            raise DomusRunError("dtc could not decompile %s:\n%s" % (tmp, r.stdout), code=1)
        os.replace(tmp, dtb)
        os.replace(dts + ".tmp", dts)
    with open(dts) as f:
        return f.read()


def host_dts(args, domains):
    """The generated host device tree as DTS text; returns (text, placements).
    (Tests edit this text and boot the result with --host-dtb.)"""
    mem = parse_size(args.mem)
    placements = place_modules(domains, mem)
    return (qemu_base_dts(args.cpu, args.smp, mem, getattr(args, "machine_opts", ""))
            + chosen_dts(args.xen_bootargs, domains, placements)), placements


def build_host_dtb(args, domains):
    """Generate and compile the host DTB; returns (path, placements).
    With --host-dtb that file is used as is; the modules are still placed."""
    if getattr(args, "host_dtb", None):
        dtb = resolve(args.host_dtb)
        check_readable(dtb, "host DTB")
        return dtb, place_modules(domains, parse_size(args.mem))
    text, placements = host_dts(args, domains)
    digest = hashlib.sha256(text.encode()).hexdigest()[:16]
    dtb = os.path.join(BUILD, "host-%s.dtb" % digest)
    if not os.path.exists(dtb):
        src = dtb[:-4] + ".dts"
        with open(src, "w") as f:
            f.write(text)
        r = subprocess.run(["dtc", "-q", "-I", "dts", "-O", "dtb", "-o", dtb + ".tmp", src],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if r.returncode != 0:
            raise DomusRunError("dtc failed on %s:\n%s" % (rel(src), r.stdout), code=1)
        os.replace(dtb + ".tmp", dtb)
    return dtb, placements


def bare_bootargs(bootargs):
    """Guest command line adapted to the physical UART (no Domus)."""
    a = re.sub(r"\bconsole=(hvc0|ttyAMA0)\b", "console=ttyAMA0", bootargs)
    a = re.sub(r"\bearlycon=pl011,(0x)?[0-9a-fA-F]+", "earlycon=pl011,0x%x" % PHYS_UART, a)
    if "console=" not in a:
        a += " console=ttyAMA0"
    return a


def build_command(args, domains=None):
    """QEMU argv for these arguments, and the host DTB path (None with --bare)."""
    if domains is None:
        domains = domains_from_args(args)
    base = [QEMU, "-M", machine(getattr(args, "machine_opts", "")), "-cpu", args.cpu, "-smp", str(args.smp),
            "-m", args.mem, "-nographic", "-nic", "none",
            # QEMU's escape key becomes Ctrl-\ so that Ctrl-A reaches Domus,
            # which uses it (three times, as Xen does) to switch the console,
            # and Ctrl-] reaches Dom0, where it ends `xl console`.
            "-echr", "0x1c"]
    if args.bare:
        d = domains[0]
        argv = base + ["-kernel", d.kernel]
        if d.ramdisk:
            argv += ["-initrd", d.ramdisk]
        argv += ["-append", bare_bootargs(d.bootargs)]
        return argv + list(args.extra_qemu or []), None
    dtb, placements = build_host_dtb(args, domains)
    argv = base + ["-kernel", resolve(args.hv), "-dtb", dtb]
    for mods in placements:
        for kind, path, addr, size in mods:
            argv += ["-device", "loader,file=%s,addr=0x%x,force-raw=on" % (path, addr)]
    return argv + list(args.extra_qemu or []), dtb


def parse_args(argv=None):
    ap = argparse.ArgumentParser(
        prog="domus_run.py", description="Boot Domus (or, with --bare, a guest kernel alone) under QEMU.",
        epilog="SPEC: kernel=PATH[,ramdisk=PATH][,memory=MiB][,cpus=N][,vpl011=0|1][,name=X]"
               "[,weight=N][,cap=PCT][,affinity=MASK[:MASK...]][,on_poweroff=A][,on_reboot=A]"
               "[,on_crash=A][,bootargs=REST] (A: destroy|restart|preserve)"
               " (bootargs last; takes the rest verbatim). In QEMU, Ctrl-\\ x quits.")
    ap.add_argument("--domain", action="append", metavar="SPEC", help="a domain (repeatable)")
    ap.add_argument("--domains", metavar="FILE", help="file with one domain SPEC per line")
    ap.add_argument("--dom0", metavar="SPEC",
                    help="boot a Dom0 as Xen does: its kernel and ramdisk as modules directly "
                         "in /chosen, bootargs as xen,dom0-bootargs (memory and vCPUs: the "
                         "command line's dom0_mem= and dom0_max_vcpus=); --domain adds DomUs")
    ap.add_argument("--single", action="store_true",
                    help="without --domain/--domains, boot one Linux domain instead of "
                         "the default three")
    ap.add_argument("--xen-bootargs", default=DEFAULT_XEN_BOOTARGS, metavar="STR",
                    help="hypervisor command line (default: %(default)s)")
    ap.add_argument("--smp", type=int, default=2, metavar="N", help="physical CPUs (default 2)")
    ap.add_argument("--mem", default="2G", metavar="SIZE", help="physical RAM (default 2G)")
    ap.add_argument("--cpu", default="max", metavar="MODEL", help="QEMU CPU model (default max)")
    ap.add_argument("--machine-opts", default="", metavar="OPTS",
                    help="extra properties of QEMU's virt board, as in -M virt,OPTS (highmem=off)")
    ap.add_argument("--timeout", type=float, metavar="SECONDS",
                    help="kill QEMU after this long and exit 124 (default: none with "
                         "--interactive, else 600; 0 = none)")
    ap.add_argument("--interactive", action="store_true",
                    help="attach QEMU to the terminal (Ctrl-\\ x quits)")
    ap.add_argument("--bare", action="store_true",
                    help="boot the first domain's kernel directly under QEMU, without Domus")
    ap.add_argument("--extra-qemu", action="append", metavar="ARG", default=[],
                    help="extra QEMU argument (repeatable; use --extra-qemu=-foo for dashes)")
    ap.add_argument("--print-cmd", action="store_true",
                    help="build the DTB, print the QEMU command and the DTB path, and exit")
    ap.add_argument("--host-dtb", metavar="PATH",
                    help="boot with this host DTB instead of the generated one (the "
                         "modules are still loaded at the usual addresses)")
    ap.add_argument("--hv", default=os.path.join(BUILD, "domus.bin"), metavar="PATH",
                    help="hypervisor image (default build/domus.bin)")
    args = ap.parse_args(argv)
    if args.smp < 1:
        ap.error("--smp must be at least 1")
    if args.timeout is None:
        args.timeout = None if args.interactive else 600.0
    elif args.timeout <= 0:
        args.timeout = None
    return args


def _pdeathsig():
    """In the QEMU child: die with the launcher (a killed test leaves no QEMU)."""
    try:
        import ctypes
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL, 0, 0, 0)      # PR_SET_PDEATHSIG
    except Exception:
        pass


def run_qemu(argv, timeout=None, interactive=False):
    """Run QEMU; return its exit status (124 on timeout, 128+N if killed)."""
    if interactive and timeout is None:
        sys.stdout.flush()
        sys.stderr.flush()
        try:
            os.execvp(argv[0], argv)
        except OSError as e:
            raise DomusRunError("cannot run %s: %s" % (argv[0], e.strerror), code=1)
    try:
        p = subprocess.Popen(argv, preexec_fn=_pdeathsig)
    except OSError as e:
        raise DomusRunError("cannot run %s: %s" % (argv[0], e.strerror), code=1)

    def forward(sig, _frame):
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
    for s in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
        signal.signal(s, forward)
    try:
        rc = p.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        print("\ndomus_run: timeout after %g s: stopping QEMU" % timeout, file=sys.stderr, flush=True)
        p.terminate()
        try:
            p.wait(timeout=5)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
        if sys.stdin.isatty():
            subprocess.run(["stty", "sane"], stderr=subprocess.DEVNULL)
        return 124
    return 128 - rc if rc < 0 else rc


def main(argv=None):
    args = parse_args(argv)
    try:
        domains = domains_from_args(args)
        hv = resolve(args.hv)
        if not args.bare and not args.print_cmd and not os.path.isfile(hv):
            raise DomusRunError("%s missing: run 'make' first" % rel(hv))
        cmd, dtb = build_command(args, domains)
    except DomusRunError as e:
        print("domus_run: %s" % e, file=sys.stderr)
        return e.code
    if args.print_cmd:
        print(shlex.join(cmd))
        print("dtb: %s" % (dtb or "(none: --bare)"))
        return 0
    n = len(domains)
    if args.bare:
        d = domains[0]
        what = "bare QEMU (no Domus): kernel=%s%s, -append %s" % (
            rel(d.kernel), " ramdisk=%s" % rel(d.ramdisk) if d.ramdisk else "",
            shlex.quote(bare_bootargs(d.bootargs)))
    else:
        what = "Domus %s with %d domain%s: %s" % (
            rel(hv), n, "" if n == 1 else "s",
            "; ".join(d.describe(i) for i, d in enumerate(
                domains, 0 if domains and domains[0].dom0 else 1)))
    print("domus_run: booting %s" % what, file=sys.stderr)
    print("domus_run: QEMU -cpu %s -smp %d -m %s%s%s" % (
        args.cpu, args.smp, args.mem, "" if args.bare else ", dtb %s" % rel(dtb),
        ", timeout %g s" % args.timeout if args.timeout else ""), file=sys.stderr)
    if args.interactive:
        print("domus_run: leave QEMU with Ctrl-\\ x; Ctrl-A three times switches the console between the domains and Domus", file=sys.stderr)
    sys.stderr.flush()
    try:
        return run_qemu(cmd, args.timeout, args.interactive)
    except DomusRunError as e:
        print("domus_run: %s" % e, file=sys.stderr)
        return e.code


if __name__ == "__main__":
    sys.exit(main())
