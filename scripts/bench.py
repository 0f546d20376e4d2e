#!/usr/bin/python3
"""Domus benchmarks against bare QEMU (and, when available, real Xen 4.17).

    make bench                  # = scripts/bench.py after setup, all, guests, dom0
    scripts/bench.py [--iterations N] [--settle S] [--no-xen] [--only boot|cpu|dom0|xl]
    scripts/exit_profile.py     # the boot benchmark's exit profile alone

Everything is measured in the same run, N iterations (default 3), each
iteration running every variant once in a rotating order, with a pause of
--settle seconds (default 15) before every QEMU run.  Back-to-back QEMU runs
on these machines are not independent: memory another QEMU has just freed
is much faster to touch again for a while (measured here: Domus's memory
scrub before the guest starts took 0.4 s 5 s after a Xen run had freed
2 GiB, against 1.5-2.2 s 15 s or more after it), so a short pause favours
whatever touches a lot of memory early.  Figures are medians; a ratio is the
median of the ratios taken within each iteration.

1. Boot to shell: wall time from QEMU's start to the busybox prompt of the
   Debian kernel + initramfs (cache/Image, cache/initramfs.cpio.gz), then
   `poweroff` and wait for QEMU to exit.
     bare   the kernel booted directly by QEMU (domus_run.py --bare, -m 512M)
     domus  one domain of 2 vCPUs and 512 MiB under Domus (-m 2G)
     xen    the same domain under Xen 4.17 in dom0less mode (same host DTB);
            Xen does not end QEMU, so QEMU is killed once the shell is up.
            Xen prints a domain's output a line at a time, so the prompt
            (no newline) only shows up later: Xen's time is taken at the
            shell's banner line just before it, and the Domus/Xen ratio
            compares banner times.
   Like for like: QEMU's -cpu max offers pointer authentication (QARMA5,
   very slow under TCG), SVE and SME; Domus and Xen hide them from guests.
   So every variant's kernel command line gets
   "arm64.nopauth arm64.nosve arm64.nosme".
   Domus's own start (before Linux) is split by phase from what each
   timed Domus run says of it ("boot: domains built ..."): memory set-up,
   GIC and secondary CPUs, the domain's RAM, its images (so for Dom0's
   boot below, whose 512 MiB are zeroed before it starts).  After the timed runs,
   one more Domus boot with Domus's exit_profile option reports the exits
   by class (scripts/exit_profile.py).
2. CPU loop: tests/bench/guests/bench_cpu.c, a fixed integer-hash loop,
   prints its CNTVCT delta; then a page-strided loop (a word in each page of
   32 MiB, round after round: a TLB miss and so a translation per access).
     bare   build/bench/guests/bench_cpu-bare.bin at EL1 (-M virt without EL2)
     domus  build/bench/guests/bench_cpu.bin as a 1-vCPU, 64 MiB domain
     xen    the same image as a Xen domU (killed after its result line)
   The wall time of the loop as seen by the host (from the guest's "start"
   line to its result line) is reported as a second figure.
3. Dom0 boot: the stock kernel as Dom0 with build/dom0/initramfs.cpio.gz
   (make dom0), from QEMU's start until its init has Debian's oxenstored,
   xen-init-dom0 and xenconsoled running ("domus-dom0: xen services
   started"), 2 CPUs, 2 GiB, dom0_mem=512M dom0_max_vcpus=2.
     domus  under Domus
     xen    the same under Xen 4.17 (killed once the line shows)

On a shared 2-core machine other work skews the figures.  Before each run
the script waits (at most --idle-wait s) for a quiet host: CPUs at most 25 %
busy during the settle pause.  During the measured interval it counts the
host CPU time used by anything but its QEMU and itself.  A run that started
on a busy host, or saw others use more than 0.25 CPUs, taints its
iteration; up to --retries extra iterations are run to replace tainted ones,
and the medians use the untainted iterations (all of them if none is).

Raw results: build/bench/results.json; console logs: build/bench/logs/.
Every QEMU run is bounded by --timeout (coreutils timeout plus our own
deadline).  Exit status 1 when bare or Domus never produced a figure.
"""
import argparse
import json
import os
import re
import shlex
import subprocess
import sys
import time

try:
    import pexpect
except ImportError:
    sys.exit("bench.py: needs pexpect: run it with /usr/bin/python3 (python3-pexpect)")

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, "scripts"))
import domus_run  # noqa: E402
import exit_profile  # noqa: E402
from bench_harness import (BUSY_PCT, OTHER_LOAD, git_rev, log, measured,  # noqa: E402
                           qemu_version, settle)
from bench_report import SUMMARIZERS, log_table, log_verdicts  # noqa: E402

BUILD = os.path.join(REPO, "build")
OUT_DIR = os.path.join(BUILD, "bench")
LOG_DIR = os.path.join(OUT_DIR, "logs")
CACHE = os.path.join(REPO, "cache")
IMAGE = os.path.join(CACHE, "Image")
INITRAMFS = os.path.join(CACHE, "initramfs.cpio.gz")
DOM0_INITRAMFS = os.path.join(BUILD, "dom0", "initramfs.cpio.gz")
HV = os.path.join(BUILD, "domus.bin")
# The benchmark guests (tests/bench/guests/*.c, built by `make guests`).
GUESTS = os.path.join(BUILD, "bench", "guests")
XEN_DIR = os.path.join(CACHE, "xen")
XEN_IMAGE = os.path.join(XEN_DIR, "boot", "xen-4.17-arm64")
XEN_PACKAGE = "xen-hypervisor-4.17-arm64:arm64"

FEATURE_ARGS = "arm64.nopauth arm64.nosve arm64.nosme"
GUEST_BOOTARGS = domus_run.DEFAULT_BOOTARGS + " " + FEATURE_ARGS
BOOT_MEMORY = 512           # MiB, the domain and the bare machine
BOOT_CPUS = 2
CPU_GUEST = "bench_cpu"

LINUX_START = re.compile(r"Booting Linux on physical CPU")
INIT_DONE = re.compile(r"domus-guest: init done")
BANNER = re.compile(r"Enter 'help' for a list of built-in commands\.[^\n]*\n")
PROMPT = re.compile(r"domus-guest:[^\r\n#]*# ")     # see scripts/mkinitramfs.py
POWERING_OFF = re.compile(r"going down|Power down|reboot: ")
DOM0_READY = re.compile(r"domus-dom0: xen services started")     # dom0/rc.local
DOM0_NO_XENSTORED = re.compile(r"domus-dom0: (\S+) did not start")
DOM0_DISK = os.path.join(CACHE, "dom0-disk.img")    # with a DomU for xl (scripts/setup.sh)
MARK = re.compile(r"\r\n(MOUNTED|DETACHED|DESTROYED)\r*\n")   # echo MOUN""TED and so on
# Dom0 as the project is judged with (the Makefile's DOM0_RUN), without Domus's
# logging options, which Xen would take differently.
DOM0_XEN_BOOTARGS = "console=dtuart dtuart=/pl011@9000000 dom0_mem=512M dom0_max_vcpus=2"
CPU_START = re.compile(r"bench: cpu_loop start")
CPU_RESULT = re.compile(r"bench: cpu_loop ticks=(\d+) freq=(\d+)\r*\n")
MEM_RESULT = re.compile(r"bench: mem_loop ticks=(\d+) freq=(\d+)\r*\n")
VERDICT = re.compile(r"domus-test: %s: (PASS|FAIL|SKIP)" % CPU_GUEST)
ANY_VERDICT = re.compile(r"domus-test: \S+: (PASS|FAIL|SKIP)")


# ---------------------------------------------------------------- variants

def launcher_argv(launcher_args):
    """QEMU argv from domus_run.py's own option parser and command builder."""
    args = domus_run.parse_args(launcher_args)
    argv, _dtb = domus_run.build_command(args)
    return argv


def boot_spec():
    """The boot benchmark's domain (domus_run.py --domain SPEC)."""
    return "kernel=%s,ramdisk=%s,memory=%d,cpus=%d,bootargs=%s" % (
        IMAGE, INITRAMFS, BOOT_MEMORY, BOOT_CPUS, GUEST_BOOTARGS)


def boot_variants(xen):
    spec = boot_spec()
    v = {
        "bare": launcher_argv(["--bare", "--mem", "%dM" % BOOT_MEMORY, "--domain", spec]),
        "domus": launcher_argv(["--hv", HV, "--domain", spec]),
    }
    if xen:
        v["xen"] = launcher_argv(["--hv", XEN_IMAGE, "--domain", spec])
    return v


def cpu_variants(xen):
    spec = "kernel=%s,memory=64,cpus=1" % os.path.join(GUESTS, CPU_GUEST + ".bin")
    v = {
        # As tests/guests/test_guests.py runs the -bare builds: EL1, no EL2.
        "bare": [domus_run.QEMU, "-M", "virt,gic-version=3", "-cpu", "max", "-smp", "2",
                 "-m", "512M", "-nographic", "-nic", "none", "-no-reboot",
                 "-kernel", os.path.join(GUESTS, CPU_GUEST + "-bare.bin")],
        "domus": launcher_argv(["--hv", HV, "--domain", spec]),
    }
    if xen:
        v["xen"] = launcher_argv(["--hv", XEN_IMAGE, "--domain", spec])
    return v


def dom0_variants(xen):
    spec = "kernel=%s,ramdisk=%s,bootargs=console=hvc0 rdinit=/sbin/init %s" % (
        IMAGE, DOM0_INITRAMFS, FEATURE_ARGS)
    common = ["--dom0", spec, "--xen-bootargs", DOM0_XEN_BOOTARGS, "--smp", "2", "--mem", "2048M"]
    v = {"domus": launcher_argv(["--hv", HV] + common)}
    if xen:
        v["xen"] = launcher_argv(["--hv", XEN_IMAGE] + common)
    return v


def xl_variants(xen):
    """Dom0 as for the dom0 benchmark, with the set-up's disk (read-only) holding the DomU."""
    disk = ["-drive", "file=%s,if=none,id=hd0,format=raw,snapshot=on" % DOM0_DISK,
            "-device", "virtio-blk-device,drive=hd0"]
    return {name: argv + disk for name, argv in dom0_variants(xen).items()}


# Domus's own account of its start (core/setup.c, core/domain.c), in microseconds.
SETUP_DONE = re.compile(r"boot: domains built (\d+) us after the counter started \(before the "
                        r"set-up (\d+) us, memory (\d+) us, CPUs (\d+) us, domains (\d+) us\)")
DOMAIN_BUILT = re.compile(r"\(d\d+\): built in \d+ us \(structures and RAM (\d+) us, "
                          r"images and device tree (\d+) us\)")


def domus_setup_ms(log_path):
    """Domus's start in ms by phase, from its log; {} when it did not say."""
    try:
        with open(log_path, encoding="utf-8", errors="replace") as f:
            text = f.read()
    except OSError:
        return {}
    done, built = SETUP_DONE.search(text), DOMAIN_BUILT.findall(text)
    if not done:
        return {}
    us = [int(x) for x in done.groups()]
    out = dict(zip(("total", "early", "memory", "cpus", "domains"), (x / 1000 for x in us)))
    out["ram"] = sum(int(a) for a, _ in built) / 1000
    out["images"] = sum(int(b) for _, b in built) / 1000
    return out


def measured_with_setup(variant, argv, timeout, log_path, steps):
    """measured(), and for Domus what its log says of its own start."""
    r = measured(variant, argv, timeout, log_path, steps)
    if variant == "domus":
        r["domus_setup_ms"] = domus_setup_ms(log_path)
    return r


def boot_once(variant, argv, timeout, log_path):
    """Boot to the shell prompt; then poweroff (or, for Xen, kill)."""
    def steps(run, r):
        r["linux_start_s"] = run.expect(LINUX_START, "the kernel's first line")
        r["init_done_s"] = run.expect(INIT_DONE, "'init done'")
        r["banner_s"] = run.expect(BANNER, "the shell banner")
        if variant == "xen":
            # Xen holds the prompt (no newline) in its line buffer.
            r["shell_s"] = r["banner_s"]
            r["other_load"] = run.measure_other_load()
            r["ok"] = True
            return
        r["prompt_s"] = r["shell_s"] = run.expect(PROMPT, "the shell prompt")
        r["other_load"] = run.measure_other_load()
        r["ok"] = True
        # Power off through the shell.  Type slowly (emulated UART FIFOs are
        # small) and retry once if the shell did not react.
        for _ in range(2):
            for ch in "poweroff\r":
                run.child.send(ch)
                time.sleep(0.02)
            i = run.child.expect([POWERING_OFF, pexpect.EOF, pexpect.TIMEOUT], timeout=20)
            if i == 0:
                break
            if i == 1:
                r["poweroff_note"] = "QEMU exited without the shell reporting a poweroff"
                break
            r["poweroff_note"] = "no reaction to the first 'poweroff'"
        t, status = run.wait_exit(90)
        r["exit_s"], r["exit_status"] = t, status
        if t is None:
            r["poweroff_note"] = "QEMU still running 90 s after 'poweroff': killed"
        elif status != 0:
            r["poweroff_note"] = "QEMU exited with status %s" % status
    return measured_with_setup(variant, argv, timeout, log_path, steps)


def dom0_ready(run):
    """Seconds until Dom0's Xen services run; a xenstored that never starts ends the run."""
    t = run.expect([DOM0_READY, DOM0_NO_XENSTORED], "Dom0's Xen services started")
    if run.index == 1:
        raise RuntimeError("Dom0's %s did not start" % run.child.match.group(1))
    return t


def dom0_once(variant, argv, timeout, log_path):
    """Dom0 from QEMU start until its xenstored and xenconsoled run (dom0/rc.local)."""
    def steps(run, r):
        r["linux_start_s"] = run.expect(LINUX_START, "the kernel's first line")
        r["ready_s"] = dom0_ready(run)
        r["other_load"] = run.measure_other_load()
        r["ok"] = True
    return measured_with_setup(variant, argv, timeout, log_path, steps)


def xl_once(variant, argv, timeout, log_path):
    """In Dom0: `xl create -c` of dom0/guest.cfg until the DomU's shell prompt,
    then (detached) `xl destroy` until it returns; each timed from the command."""
    def say(run, line, mark, what):
        run.child.sendline(line)
        run.expect(mark, what)
        if run.child.match.group(1) != what.split()[0]:
            raise RuntimeError("expected %s, saw %s" % (what, run.child.match.group(1)))

    def steps(run, r):
        r["ready_s"] = dom0_ready(run)
        say(run, 'mount -o ro /dev/vda /mnt && echo "MOUN""TED"', MARK, "MOUNTED disk")
        t0 = run.elapsed()
        run.child.sendline("xl create -c /mnt/guest.cfg")
        # hvc0 replays the kernel's log when it registers: a mark between
        # building the domain plus its early boot, and the rest of its boot.
        r["domu_console_s"] = run.expect(LINUX_START, "the DomU's first console line",
                                         limit=180) - t0
        r["create_s"] = run.expect(PROMPT, "the DomU's shell prompt", limit=180) - t0
        run.child.send("\x1d")
        say(run, 'echo "DETA""CHED"', MARK, "DETACHED from the console")
        t0 = run.elapsed()
        say(run, 'xl destroy guest && echo "DESTR""OYED"', MARK, "DESTROYED guest")
        r["destroy_s"] = run.elapsed() - t0
        r["other_load"] = run.measure_other_load()
        r["ok"] = True
    return measured(variant, argv, timeout, log_path, steps)


def cpu_once(variant, argv, timeout, log_path):
    """Run bench_cpu; read its counter delta and the host-side loop time."""
    def steps(run, r):
        t_start = run.expect([CPU_START, ANY_VERDICT], "'bench: cpu_loop start'", limit=90)
        if run.index == 1:
            raise RuntimeError("the guest ended without starting the loop")
        t_end = run.expect(CPU_RESULT, "the 'bench: cpu_loop ticks=' line", limit=240)
        m = run.child.match
        r["other_load"] = run.measure_other_load()
        r.update(ticks=int(m.group(1)), freq=int(m.group(2)),
                 loop_wall_s=t_end - t_start, result_s=t_end)
        r["loop_s"] = r["ticks"] / r["freq"] if r["freq"] else None
        run.expect(MEM_RESULT, "the 'bench: mem_loop ticks=' line", limit=240)
        r["mem_ticks"] = int(run.child.match.group(1))
        r["ok"] = True
        if variant != "xen":       # Xen does not power QEMU off
            run.expect(VERDICT, "the verdict line", limit=30)
            t, status = run.wait_exit(30)
            r["exit_s"], r["exit_status"] = t, status
            if t is None:
                r["exit_note"] = "QEMU did not exit after SYSTEM_OFF: killed"
    return measured(variant, argv, timeout, log_path, steps)


# ---------------------------------------------------------------- Xen

def prepare_xen():
    """Path of the Xen 4.17 image, fetched into cache/xen/ if needed; or
    (None, reason)."""
    if os.path.isfile(XEN_IMAGE):
        return XEN_IMAGE, None
    os.makedirs(XEN_DIR, exist_ok=True)
    log("xen: fetching %s into %s" % (XEN_PACKAGE, os.path.relpath(XEN_DIR, REPO)))
    try:
        r = subprocess.run(["apt-get", "download", XEN_PACKAGE], cwd=XEN_DIR,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=300)
    except (OSError, subprocess.TimeoutExpired) as e:
        return None, "apt-get download failed: %s" % e
    debs = sorted(f for f in os.listdir(XEN_DIR)
                  if f.startswith("xen-hypervisor-4.17-arm64_") and f.endswith(".deb"))
    if r.returncode != 0 or not debs:
        last = (r.stdout.strip().splitlines() or ["?"])[-1]
        return None, "apt-get download %s failed: %s" % (XEN_PACKAGE, last)
    r = subprocess.run(["dpkg-deb", "-x", os.path.join(XEN_DIR, debs[-1]), XEN_DIR],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if r.returncode != 0 or not os.path.isfile(XEN_IMAGE):
        return None, "dpkg-deb -x %s failed: %s" % (debs[-1], r.stdout.strip()[-200:])
    return XEN_IMAGE, None


# ---------------------------------------------------------------- main

BENCHES = ("boot", "cpu", "dom0", "xl")
RUNNERS = {"boot": boot_once, "cpu": cpu_once, "dom0": dom0_once, "xl": xl_once}
VARIANTS = {"boot": boot_variants, "cpu": cpu_variants, "dom0": dom0_variants, "xl": xl_variants}


def parse_args(argv):
    ap = argparse.ArgumentParser(prog="bench.py",
                                 description="Domus boot-time and CPU-loop benchmarks "
                                             "against bare QEMU (and Xen 4.17).")
    ap.add_argument("--iterations", type=int, default=3, metavar="N",
                    help="runs of each variant (default 3)")
    ap.add_argument("--settle", type=float, default=15.0, metavar="S",
                    help="pause before every QEMU run, seconds (default 15)")
    ap.add_argument("--timeout", type=float, default=240.0, metavar="S",
                    help="limit for each QEMU run, seconds (default 240)")
    ap.add_argument("--idle-wait", type=float, default=180.0, metavar="S",
                    help="before a run, wait at most this long for the host to be quiet "
                         "(default 180)")
    ap.add_argument("--retries", type=int, default=2, metavar="K",
                    help="extra iterations allowed to replace ones that found the host busy "
                         "(default 2)")
    ap.add_argument("--only", choices=BENCHES, help="run one benchmark only")
    ap.add_argument("--no-xen", action="store_true", help="leave out the Xen 4.17 reference")
    ap.add_argument("--output", default=os.path.join(OUT_DIR, "results.json"), metavar="FILE",
                    help="raw results (default build/bench/results.json)")
    args = ap.parse_args(argv)
    if args.iterations < 1:
        ap.error("--iterations must be at least 1")
    return args


def missing_inputs(benches):
    """The files the chosen benchmarks need that are not built or fetched yet."""
    need = [HV]
    if "boot" in benches:
        need += [IMAGE, INITRAMFS]
    if "cpu" in benches:
        need += [os.path.join(GUESTS, CPU_GUEST + s) for s in (".bin", "-bare.bin")]
    if "dom0" in benches or "xl" in benches:
        need += [IMAGE, DOM0_INITRAMFS]
    if "xl" in benches:
        need += [DOM0_DISK]
    return [os.path.relpath(p, REPO) for p in need if not os.path.isfile(p)]


def log_setup(args, benches, xen_reason):
    log("Domus benchmarks: %d iteration(s), %.0f s settle pause before each QEMU run, "
        "%.0f s limit per run" % (args.iterations, args.settle, args.timeout))
    log("QEMU: %s (TCG); Domus %s" % (qemu_version(), git_rev()))
    if "boot" in benches:
        log("boot: guest kernel command line in every variant: %r" % GUEST_BOOTARGS)
        log("      (%s: pointer authentication, SVE and SME off in the guest kernel,"
            " as Domus and Xen hide them; bare QEMU gets -m %dM -smp %d like the domain)"
            % (FEATURE_ARGS, BOOT_MEMORY, BOOT_CPUS))
    if xen_reason:
        log("xen: skipped (%s)" % xen_reason)
    log()


def run_line(bench, r):
    """What one run measured, for its progress line."""
    if not r["ok"]:
        return "FAILED: %s" % r.get("error")
    if bench == "boot":
        return "shell at %.2f s (kernel start %.2f s, init done %.2f s%s)" % (
            r["shell_s"], r["linux_start_s"], r["init_done_s"],
            ", exit %.2f s" % r["exit_s"] if r.get("exit_s") else "")
    if bench == "xl":
        return ("xl create -c to the DomU's shell %.2f s (its console's first line %.2f s), "
                "xl destroy %.2f s" % (r["create_s"], r["domu_console_s"], r["destroy_s"]))
    if bench == "dom0":
        return "Xen services up at %.2f s (kernel start %.2f s)" % (r["ready_s"],
                                                                   r["linux_start_s"])
    return "ticks=%d (%.3f s), loop wall %.3f s" % (r["ticks"], r["loop_s"], r["loop_wall_s"])


class Session:
    """Every run of every variant, iteration after iteration, and what the
    host was doing meanwhile."""

    def __init__(self, args, benches, plans):
        self.args, self.benches, self.plans = args, benches, plans
        self.results = {b: [] for b in benches}
        self.xen_dead = {}          # bench -> reason Xen stopped being run
        self.xen_retried = []       # Xen runs that failed once and were run again
        self.noisy = []             # runs started while the host was not quiet
        self.iter_noisy = {}        # iteration -> any of its runs not on a quiet host

    def attempt(self, it, bench, name, tag=""):
        """One settled run of a variant; its result, with how quiet the host was."""
        busy, quiet_note = settle(self.args.settle, self.args.idle_wait)
        lp = os.path.join(LOG_DIR, "%s-%s-%d%s.log" % (bench, name, it, tag))
        r = RUNNERS[bench](name, self.plans[bench][name], self.args.timeout, lp)
        r["iteration"] = it
        r["log"] = os.path.relpath(lp, REPO)
        r["host_busy_before_pct"] = round(busy, 1)
        load = r.get("other_load")
        if not quiet_note and load is not None and load > OTHER_LOAD:
            quiet_note = "other work used %.2f CPUs during the run" % load
        if quiet_note:
            r["host_not_quiet"] = quiet_note
        note = "; ".join(x for x in (r.get("poweroff_note"), r.get("exit_note"), quiet_note) if x)
        log("[%d] %-4s %-5s %s%s" % (it, bench, name, run_line(bench, r),
                                    "  (%s)" % note if note else ""))
        return r

    def run_one(self, it, bench, name):
        r = self.attempt(it, bench, name)
        # Xen's Dom0 now and then never starts oxenstored (its init says so):
        # one more try before Xen is left out of the rest of the benchmark.
        if name == "xen" and not r["ok"]:
            self.xen_retried.append("%s iteration %d: %s (see %s)" % (bench, it, r.get("error"),
                                                                     r["log"]))
            log("      the Xen run failed: one more try")
            r = self.attempt(it, bench, name, "-again")
        if r.get("host_not_quiet"):
            self.noisy.append("%s %s iteration %d: %s" % (bench, name, it, r["host_not_quiet"]))
            self.iter_noisy[it] = True
        self.results[bench].append(r)
        if name == "xen" and not r["ok"]:
            self.xen_dead[bench] = "Xen run failed: %s; see %s" % (r.get("error"), r["log"])

    def run(self):
        """N iterations on a quiet host (up to --retries more to replace busy ones),
        each running every variant once, in an order that rotates."""
        clean = it = 0
        max_iters = self.args.iterations + self.args.retries
        while clean < self.args.iterations and it < max_iters:
            it += 1
            self.iter_noisy[it] = False
            for bench in self.benches:
                names = [n for n in self.plans[bench]
                         if not (n == "xen" and bench in self.xen_dead)]
                k = (it - 1) % len(names)
                for name in names[k:] + names[:k]:
                    self.run_one(it, bench, name)
            if not self.iter_noisy[it]:
                clean += 1
            elif clean < self.args.iterations and it < max_iters:
                log("      iteration %d ran on a busy host: running another one" % it)
        # Medians over the iterations run on a quiet host; if there is none, all.
        self.used = [i for i in self.iter_noisy if not self.iter_noisy[i]] or list(self.iter_noisy)
        for rs in self.results.values():
            for r in rs:
                r["used"] = r["iteration"] in self.used

    def used_results(self):
        return {b: [r for r in rs if r["used"]] for b, rs in self.results.items()}


def log_explanations(benches, has_xen):
    log("ratio = Domus/bare (target <= 1.10) and Domus/Xen, each the median of the ratios"
        " within an iteration, with the lowest and highest of them.")
    if "boot" in benches:
        log("boot to shell: QEMU start to the busybox prompt; every kernel command line has "
            "'%s' (PAuth/SVE/SME off, as Domus and Xen hide them)." % FEATURE_ARGS)
        log("  'until Linux starts': QEMU start to the kernel's first console line "
            "(hypervisor start and domain build).")
        if has_xen:
            log("  xen: time of the shell banner line (Xen line-buffers domain output, so the"
                " prompt shows late); Domus/Xen compares banner times.")
    if "dom0" in benches:
        log("Dom0: QEMU start until Dom0's init has started oxenstored, xen-init-dom0 and"
            " xenconsoled (dom0/rc.local), same kernel, initramfs and command lines under"
            " Domus and Xen (%s)." % DOM0_XEN_BOOTARGS)
    if "xl" in benches:
        log("xl: in Dom0 (as above, with cache/dom0-disk.img), Debian's xl create -c of"
            " dom0/guest.cfg (the guests' kernel and initramfs, 128 MiB, 1 vCPU) until the"
            " DomU's prompt, then xl destroy until it returns; target Domus/Xen <= 0.7.")
    if "cpu" in benches:
        log("cpu loop: CNTVCT ticks of tests/bench/guests/bench_cpu.c's loop (1 vCPU domain vs bare EL1);"
            " wall = host time between its start and result lines.")
        log("page-strided loop: the same guest's loop over one word in each page of 32 MiB"
            " (a TLB miss per access; the guest's MMU is off, so it is stage 2's cost); target <= 1.2.")


def log_exit_profile(timeout, summary):
    log()
    log("exit profile of the boot benchmark's domain under Domus (one more run, with"
        " Domus's exit_profile option; not timed):")
    try:
        prof = exit_profile.profile(boot_spec(), timeout,
                                    os.path.join(LOG_DIR, "exit-profile.log"))
        summary["exit_profile"] = {c: {"exits": n, "el2_us": us, "ns_per_exit": ns}
                                   for c, (n, us, ns) in prof.items()}
        log(exit_profile.table(prof))
    except (RuntimeError, pexpect.ExceptionPexpect) as e:
        log("exit profile FAILED: %s" % e)


def log_caveats(session, xen_reason):
    if xen_reason:
        log("xen: skipped (%s)" % xen_reason)
    for x in session.xen_retried:
        log("xen: failed once and was run again: %s" % x)
    for bench, why in session.xen_dead.items():
        log("xen (%s): skipped after a failure (%s)" % (bench, why))
    if session.noisy:
        log("%d run(s) found the host busy (CPUs > %.0f%% busy before, or others using"
            " > %.2f CPUs during the run):" % (len(session.noisy), BUSY_PCT, OTHER_LOAD))
        for x in session.noisy:
            log("  " + x)
        if len(session.used) < len(session.iter_noisy) or not any(session.iter_noisy.values()):
            log("medians use the %d iteration(s) run on a quiet host: %s"
                % (len(session.used), ", ".join(map(str, session.used))))
        else:
            log("WARNING: no iteration ran on a quiet host; the figures above are suspect")
    for b, rs in session.results.items():
        for r in rs:
            if not r["ok"]:
                log("FAILED: %s %s iteration %d: %s (log %s)" % (b, r["variant"], r["iteration"],
                                                                 r.get("error"), r["log"]))


def write_results(args, session, summary, xen_reason):
    os.makedirs(os.path.dirname(os.path.abspath(args.output)), exist_ok=True)
    doc = {
        "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "domus": git_rev(), "qemu": qemu_version(), "host_cpus": os.cpu_count(),
        "iterations": args.iterations, "settle_s": args.settle, "timeout_s": args.timeout,
        "runs_on_busy_host": session.noisy, "iterations_run": len(session.iter_noisy),
        "iterations_used": session.used,
        "guest_bootargs": GUEST_BOOTARGS,
        "xen": {"image": os.path.relpath(XEN_IMAGE, REPO), "skipped": xen_reason,
                "stopped": session.xen_dead or None, "retried": session.xen_retried or None},
        "commands": {b: {v: shlex.join(a) for v, a in p.items()}
                     for b, p in session.plans.items()},
        "summary": summary,
        "runs": session.results,
    }
    tmp = args.output + ".tmp"
    with open(tmp, "w") as f:
        json.dump(doc, f, indent=2)
        f.write("\n")
    os.replace(tmp, args.output)
    log("raw results: %s; logs: %s/" % (os.path.relpath(args.output, REPO),
                                        os.path.relpath(LOG_DIR, REPO)))


def main(argv=None):
    args = parse_args(argv)
    benches = list(BENCHES) if not args.only else [args.only]
    missing = missing_inputs(benches)
    if missing:
        log("bench.py: missing %s: run 'make setup all guests' (or 'make bench')" % ", ".join(missing))
        return 2
    os.makedirs(LOG_DIR, exist_ok=True)
    xen_reason = "--no-xen" if args.no_xen else prepare_xen()[1]
    has_xen = xen_reason is None
    try:
        plans = {b: VARIANTS[b](has_xen) for b in benches}
    except domus_run.DomusRunError as e:
        log("bench.py: %s" % e)
        return 2

    log_setup(args, benches, xen_reason)
    session = Session(args, benches, plans)
    session.run()
    results = session.used_results()
    summary, rows = {}, []
    for b in benches:
        SUMMARIZERS[b](results[b], plans[b], len(session.used), has_xen, summary, rows)
    log_table(rows, has_xen)
    log_explanations(benches, has_xen)
    log_verdicts(summary)
    if "boot" in benches:
        log_exit_profile(args.timeout, summary)
    log_caveats(session, xen_reason)
    write_results(args, session, summary, xen_reason)
    ok = all(summary[k]["variants"][v]["median"] is not None
             for k in summary if "variants" in summary[k]
             for v in ("domus", "bare") if v in summary[k]["variants"])
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
