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
   After the timed runs, one more Domus boot with Domus's exit_profile
   option reports the exits by class (scripts/exit_profile.py).
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
import statistics
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
DOM0_DISK = os.path.join(CACHE, "dom0-disk.img")    # with a DomU for xl (scripts/setup.sh)
MARK = re.compile(r"\r\n(MOUNTED|DETACHED|DESTROYED)\r*\n")   # echo MOUN""TED and so on
# Dom0 as the project is judged with (the Makefile's DOM0_RUN), without Domus's
# logging options, which Xen would take differently.
DOM0_XEN_BOOTARGS = "console=dtuart dtuart=/pl011@9000000 dom0_mem=512M dom0_max_vcpus=2"
CPU_START = re.compile(r"bench: cpu_loop start")
CPU_RESULT = re.compile(r"bench: cpu_loop ticks=(\d+) freq=(\d+)\r*\n")
MEM_RESULT = re.compile(r"bench: mem_loop ticks=(\d+) freq=(\d+)\r*\n")
BUSY_PCT = 25.0            # host CPU use during the settle pause that taints a run
OTHER_LOAD = 0.25          # CPUs used by others during a run that taint it
VERDICT = re.compile(r"domus-test: %s: (PASS|FAIL|SKIP)" % CPU_GUEST)
ANY_VERDICT = re.compile(r"domus-test: \S+: (PASS|FAIL|SKIP)")


def log(msg=""):
    print(msg, flush=True)


def median(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


# ---------------------------------------------------------------- QEMU runs

class Run:
    """One QEMU process on a pty, bounded by `timeout` seconds in all."""

    def __init__(self, argv, timeout, log_path):
        self.deadline = time.monotonic() + timeout
        self.log = open(log_path, "w", encoding="utf-8", errors="replace")
        self.log.write("$ %s\n" % shlex.join(argv))
        self.log.flush()
        # coreutils timeout bounds QEMU even if this script dies; --foreground
        # keeps QEMU in the pty's foreground process group (it reads stdin).
        cmd = ["timeout", "--foreground", "-k", "5", "%d" % (timeout + 5)] + argv
        self.host0 = host_busy_ticks()
        self.self0 = os.times()
        self.t0 = time.monotonic()
        self.child = pexpect.spawn(cmd[0], cmd[1:], cwd=REPO, encoding="utf-8",
                                   codec_errors="replace", dimensions=(50, 250))
        self.child.logfile_read = self.log
        OUR_PGIDS.add(self.child.pid)       # pexpect: the child leads its own session
        self.other_load = None

    def measure_other_load(self):
        """At the end of the measured interval (QEMU still running): the
        host CPU time used by everything but this QEMU and this script since
        the start, in CPUs (1.0 = one core busy all the time)."""
        wall = self.elapsed()
        host = host_busy_ticks() - self.host0
        ours = pgid_cpu_ticks(self.child.pid)
        t = os.times()
        me = (t.user + t.system) - (self.self0.user + self.self0.system)
        other = host / CLK_TCK - ours / CLK_TCK - me
        self.other_load = max(other, 0.0) / wall if wall > 0 else 0.0
        return self.other_load

    def elapsed(self):
        return time.monotonic() - self.t0

    def expect(self, pattern, what, limit=None):
        """Wait for pattern; return seconds since QEMU started.  Raises
        RuntimeError on timeout or exit."""
        left = self.deadline - time.monotonic()
        if limit is not None:
            left = min(left, limit)
        try:
            self.index = self.child.expect(pattern, timeout=max(left, 0.1))
        except pexpect.TIMEOUT:
            raise RuntimeError("timeout waiting for %s (%.0f s after start)" % (what, self.elapsed()))
        except pexpect.EOF:
            raise RuntimeError("QEMU exited (status %s) before %s" % (self.close(), what))
        return self.elapsed()

    def wait_exit(self, limit):
        """Seconds since start when QEMU exited, and its status; (None, None)
        if it is still running after `limit` seconds."""
        try:
            self.child.expect(pexpect.EOF, timeout=min(limit, max(self.deadline - time.monotonic(), 0.1)))
        except pexpect.TIMEOUT:
            return None, None
        t = self.elapsed()
        return t, self.close()

    def close(self):
        try:
            self.child.close()
        except Exception:
            pass
        if self.child.exitstatus is not None:
            return self.child.exitstatus
        if self.child.signalstatus is not None:
            return 128 + self.child.signalstatus
        return None

    def kill(self):
        """Kill timeout(1) and QEMU: the pty session's process group, ours."""
        domus_run.kill_spawned(self.child)
        self.log.close()


# ---------------------------------------------------------------- host quiet

OUR_PGIDS = set()           # process groups of our own runs (see Run)
CLK_TCK = os.sysconf("SC_CLK_TCK")


def proc_stat(pid):
    """(comm, fields after comm) of /proc/PID/stat, or None."""
    try:
        with open("/proc/%s/stat" % pid) as f:
            st = f.read()
    except OSError:
        return None
    return st[st.find("(") + 1:st.rfind(")")], st[st.rfind(")") + 2:].split()


def pgid_cpu_ticks(pgid):
    """CPU time (clock ticks) of the live processes of process group pgid."""
    total = 0
    for d in os.listdir("/proc"):
        if d.isdigit():
            st = proc_stat(d)
            if st and int(st[1][2]) == pgid:
                total += int(st[1][11]) + int(st[1][12])     # utime + stime
    return total


def foreign_qemus():
    """PIDs of live QEMU processes on the host that are not ours."""
    pids = []
    for d in os.listdir("/proc"):
        if d.isdigit():
            st = proc_stat(d)
            if (st and st[0].startswith("qemu-system") and st[1][0] not in ("Z", "X")
                    and int(st[1][2]) not in OUR_PGIDS):
                pids.append(int(d))
    return pids


def host_times():
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    idle = v[3] + (v[4] if len(v) > 4 else 0)
    return sum(v), idle


def host_busy_ticks():
    total, idle = host_times()
    return total - idle


def settle(seconds, idle_wait):
    """Pause `seconds`, repeated (for at most idle_wait s) until the host
    CPUs were at most BUSY_PCT busy during a pause.  Returns (busy %, note)."""
    end = time.monotonic() + idle_wait
    said = False
    while True:
        t0, i0 = host_times()
        time.sleep(seconds)
        t1, i1 = host_times()
        busy = 100.0 * (1 - (i1 - i0) / (t1 - t0)) if t1 > t0 else 0.0
        if busy <= BUSY_PCT or time.monotonic() >= end:
            break
        if not said:
            pids = foreign_qemus()
            log("      waiting for a quiet host (CPUs %.0f%% busy%s; at most %.0f s)"
                % (busy, ", %d other QEMU process(es)" % len(pids) if pids else "", idle_wait))
            said = True
    if busy > BUSY_PCT:
        return busy, "host CPUs %.0f%% busy before the run" % busy
    return busy, None


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


def check_no_panic(r, log_path):
    """A Domus panic anywhere in a run's console log makes it a failed run."""
    try:
        with open(log_path, encoding="utf-8", errors="replace") as f:
            panic = domus_run.find_panic(f.read())
    except OSError:
        return
    if panic:
        r["ok"] = False
        r["error"] = "Domus panicked: %s (see %s)" % (panic.splitlines()[0],
                                                    os.path.relpath(log_path, REPO))


def measured(variant, argv, timeout, log_path, steps):
    """One QEMU run: steps(run, r) fills r in; an expectation that fails is
    r["error"]; QEMU is killed in the end, and a Domus panic fails the run."""
    r = {"variant": variant, "ok": False}
    run = Run(argv, timeout, log_path)
    try:
        steps(run, r)
    except RuntimeError as e:
        r["error"] = str(e)
    finally:
        run.kill()
        check_no_panic(r, log_path)
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
    return measured(variant, argv, timeout, log_path, steps)


def dom0_once(variant, argv, timeout, log_path):
    """Dom0 from QEMU start until its xenstored and xenconsoled run (dom0/rc.local)."""
    def steps(run, r):
        r["linux_start_s"] = run.expect(LINUX_START, "the kernel's first line")
        r["ready_s"] = run.expect(DOM0_READY, "Dom0's Xen services started")
        r["other_load"] = run.measure_other_load()
        r["ok"] = True
    return measured(variant, argv, timeout, log_path, steps)


def xl_once(variant, argv, timeout, log_path):
    """In Dom0: `xl create -c` of dom0/guest.cfg until the DomU's shell prompt,
    then (detached) `xl destroy` until it returns; each timed from the command."""
    def say(run, line, mark, what):
        run.child.sendline(line)
        run.expect(mark, what)
        if run.child.match.group(1) != what.split()[0]:
            raise RuntimeError("expected %s, saw %s" % (what, run.child.match.group(1)))

    def steps(run, r):
        r["ready_s"] = run.expect(DOM0_READY, "Dom0's Xen services started")
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


# ---------------------------------------------------------------- report

def summarize(runs, variants, value):
    """Per-variant medians of value(run) and per-iteration ratios vs bare/xen."""
    by_iter = {}
    for r in runs:
        by_iter.setdefault(r["iteration"], {})[r["variant"]] = r
    out = {}
    for v in variants:
        vals = [value(r) for r in runs if r["variant"] == v and r["ok"]]
        out[v] = {"median": median(vals), "values": vals,
                  "failed": sum(1 for r in runs if r["variant"] == v and not r["ok"])}
    return out, by_iter


def iteration_ratios(by_iter, num, den, vnum, vden):
    out = []
    for it in sorted(by_iter):
        a, b = by_iter[it].get(num), by_iter[it].get(den)
        if a and b and a["ok"] and b["ok"] and vden(b):
            out.append(vnum(a) / vden(b))
    return out


def fmt(x, spec):
    return "-" if x is None else format(x, spec)


def loop_summary(runs, variants, value, spec, has_xen):
    """A guest loop's figure: its summary entry, and its table row's cells."""
    med, by_iter = summarize(runs, variants, value)
    rb = iteration_ratios(by_iter, "domus", "bare", value, value)
    rx = iteration_ratios(by_iter, "domus", "xen", value, value)
    entry = {
        "variants": med,
        "ratio_domus_bare": {"median": median(rb), "per_iteration": rb},
        "ratio_domus_xen": {"median": median(rx), "per_iteration": rx},
    }
    return entry, (fmt(med["domus"]["median"], spec), fmt(med["bare"]["median"], spec),
                   fmt(median(rb), ".3f"),
                   fmt(med.get("xen", {}).get("median"), spec) if has_xen else None,
                   fmt(median(rx), ".3f") if has_xen else None)


def qemu_version():
    try:
        return subprocess.run([domus_run.QEMU, "--version"], stdout=subprocess.PIPE,
                              text=True).stdout.splitlines()[0]
    except Exception:
        return "?"


def git_rev():
    try:
        return subprocess.run(["git", "describe", "--always", "--dirty"], cwd=REPO,
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                              text=True).stdout.strip()
    except Exception:
        return "?"


def main(argv=None):
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
    ap.add_argument("--only", choices=("boot", "cpu", "dom0", "xl"), help="run one benchmark only")
    ap.add_argument("--no-xen", action="store_true", help="leave out the Xen 4.17 reference")
    ap.add_argument("--output", default=os.path.join(OUT_DIR, "results.json"), metavar="FILE",
                    help="raw results (default build/bench/results.json)")
    args = ap.parse_args(argv)
    if args.iterations < 1:
        ap.error("--iterations must be at least 1")

    benches = ["boot", "cpu", "dom0", "xl"] if not args.only else [args.only]
    need = [HV]
    if "boot" in benches:
        need += [IMAGE, INITRAMFS]
    if "cpu" in benches:
        need += [os.path.join(GUESTS, CPU_GUEST + s) for s in (".bin", "-bare.bin")]
    if "dom0" in benches or "xl" in benches:
        need += [IMAGE, DOM0_INITRAMFS]
    if "xl" in benches:
        need += [DOM0_DISK]
    missing = [os.path.relpath(p, REPO) for p in need if not os.path.isfile(p)]
    if missing:
        log("bench.py: missing %s: run 'make setup all guests' (or 'make bench')" % ", ".join(missing))
        return 2
    os.makedirs(LOG_DIR, exist_ok=True)

    xen_reason = None
    if args.no_xen:
        xen_reason = "--no-xen"
    else:
        _img, xen_reason = prepare_xen()

    try:
        plans = {}
        if "boot" in benches:
            plans["boot"] = boot_variants(xen_reason is None)
        if "cpu" in benches:
            plans["cpu"] = cpu_variants(xen_reason is None)
        if "dom0" in benches:
            plans["dom0"] = dom0_variants(xen_reason is None)
        if "xl" in benches:
            plans["xl"] = xl_variants(xen_reason is None)
    except domus_run.DomusRunError as e:
        log("bench.py: %s" % e)
        return 2

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

    runner = {"boot": boot_once, "cpu": cpu_once, "dom0": dom0_once, "xl": xl_once}
    results = {b: [] for b in benches}
    xen_dead = {}            # bench -> reason Xen stopped being run
    noisy = []               # runs started while the host was not quiet
    iter_noisy = {}          # iteration -> any of its runs not on a quiet host
    clean = 0
    max_iters = args.iterations + args.retries
    it = 0
    while clean < args.iterations and it < max_iters:
        it += 1
        iter_noisy[it] = False
        for bench in benches:
            names = [n for n in plans[bench] if not (n == "xen" and bench in xen_dead)]
            k = (it - 1) % len(names)
            for name in names[k:] + names[:k]:
                busy, quiet_note = settle(args.settle, args.idle_wait)
                lp = os.path.join(LOG_DIR, "%s-%s-%d.log" % (bench, name, it))
                r = runner[bench](name, plans[bench][name], args.timeout, lp)
                r["iteration"] = it
                r["log"] = os.path.relpath(lp, REPO)
                r["host_busy_before_pct"] = round(busy, 1)
                load = r.get("other_load")
                if not quiet_note and load is not None and load > OTHER_LOAD:
                    quiet_note = "other work used %.2f CPUs during the run" % load
                if quiet_note:
                    r["host_not_quiet"] = quiet_note
                    noisy.append("%s %s iteration %d: %s" % (bench, name, it, quiet_note))
                    iter_noisy[it] = True
                results[bench].append(r)
                if bench == "boot":
                    what = ("shell at %.2f s (kernel start %.2f s, init done %.2f s%s)" % (
                        r["shell_s"], r["linux_start_s"], r["init_done_s"],
                        ", exit %.2f s" % r["exit_s"] if r.get("exit_s") else "")
                        if r["ok"] else "FAILED: %s" % r.get("error"))
                elif bench == "xl":
                    what = ("xl create -c to the DomU's shell %.2f s (its console's first line "
                            "%.2f s), xl destroy %.2f s" % (
                                r["create_s"], r["domu_console_s"], r["destroy_s"])
                            if r["ok"] else "FAILED: %s" % r.get("error"))
                elif bench == "dom0":
                    what = ("Xen services up at %.2f s (kernel start %.2f s)" % (
                        r["ready_s"], r["linux_start_s"]) if r["ok"] else "FAILED: %s" % r.get("error"))
                else:
                    what = ("ticks=%d (%.3f s), loop wall %.3f s" % (
                        r["ticks"], r["loop_s"], r["loop_wall_s"])
                        if r["ok"] else "FAILED: %s" % r.get("error"))
                note = "; ".join(x for x in (r.get("poweroff_note"), r.get("exit_note"),
                                             r.get("host_not_quiet")) if x)
                log("[%d] %-4s %-5s %s%s" % (it, bench, name, what, "  (%s)" % note if note else ""))
                if name == "xen" and not r["ok"]:
                    xen_dead[bench] = "Xen run failed: %s; see %s" % (r.get("error"), r["log"])
        if not iter_noisy[it]:
            clean += 1
        elif clean < args.iterations and it < max_iters:
            log("      iteration %d ran on a busy host: running another one" % it)
    # Medians over the iterations run on a quiet host; if there is none, all.
    used = [i for i in iter_noisy if not iter_noisy[i]] or list(iter_noisy)
    for b in results:
        for r in results[b]:
            r["used"] = r["iteration"] in used
    all_results = results
    results = {b: [r for r in rs if r["used"]] for b, rs in all_results.items()}

    # ------------------------------------------------------------ summary
    summary = {}
    rows = []
    n = len(used)
    has_xen = xen_reason is None
    if "boot" in benches:
        runs = results["boot"]
        med, by_iter = summarize(runs, plans["boot"], lambda r: r["shell_s"])
        banner_med, _ = summarize(runs, plans["boot"], lambda r: r["banner_s"])
        start_med, _ = summarize(runs, plans["boot"], lambda r: r["linux_start_s"])
        rb = iteration_ratios(by_iter, "domus", "bare", lambda r: r["shell_s"], lambda r: r["shell_s"])
        rx = iteration_ratios(by_iter, "domus", "xen", lambda r: r["banner_s"], lambda r: r["banner_s"])
        summary["boot_to_shell_s"] = {
            "variants": med, "banner_s": banner_med, "linux_start_s": start_med,
            "ratio_domus_bare": {"median": median(rb), "per_iteration": rb},
            "ratio_domus_xen_banner": {"median": median(rx), "per_iteration": rx},
        }
        rows.append(("boot to shell (s, median of %d)" % n,
                     fmt(med["domus"]["median"], ".2f"), fmt(med["bare"]["median"], ".2f"),
                     fmt(median(rb), ".3f"),
                     fmt(med.get("xen", {}).get("median"), ".2f") if has_xen else None,
                     fmt(median(rx), ".3f") if has_xen else None))
        rows.append(("  of which until Linux starts (s)",
                     fmt(start_med["domus"]["median"], ".2f"), fmt(start_med["bare"]["median"], ".2f"),
                     "", fmt(start_med.get("xen", {}).get("median"), ".2f") if has_xen else None, ""))
    if "cpu" in benches:
        for key, label, field, spec in (
                ("cpu_loop_ticks", "cpu loop (ticks, median of %d)", "ticks", ".0f"),
                ("mem_loop_ticks", "page-strided loop (ticks, median of %d)", "mem_ticks", ".0f"),
                ("cpu_loop_wall_s", "cpu loop wall (s, median of %d)", "loop_wall_s", ".2f")):
            summary[key], row = loop_summary(results["cpu"], plans["cpu"],
                                             lambda r, f=field: r[f], spec, has_xen)
            rows.append((label % n,) + row)

    if "dom0" in benches:
        runs = results["dom0"]
        med, by_iter = summarize(runs, plans["dom0"], lambda r: r["ready_s"])
        start_med, _ = summarize(runs, plans["dom0"], lambda r: r["linux_start_s"])
        rx = iteration_ratios(by_iter, "domus", "xen", lambda r: r["ready_s"], lambda r: r["ready_s"])
        summary["dom0_ready_s"] = {
            "variants": med, "linux_start_s": start_med,
            "ratio_domus_xen": {"median": median(rx), "per_iteration": rx},
        }
        rows.append(("Dom0 to xenstored+xenconsoled (s)", fmt(med["domus"]["median"], ".2f"), "-", "",
                     fmt(med.get("xen", {}).get("median"), ".2f") if has_xen else None,
                     fmt(median(rx), ".3f") if has_xen else None))
        rows.append(("  of which until Linux starts (s)", fmt(start_med["domus"]["median"], ".2f"),
                     "-", "", fmt(start_med.get("xen", {}).get("median"), ".2f") if has_xen else None,
                     ""))

    if "xl" in benches:
        runs = results["xl"]
        for key, label, value in (("xl_create_to_shell_s", "xl create -c to DomU shell (s)",
                                   lambda r: r["create_s"]),
                                  ("xl_destroy_s", "xl destroy (s)", lambda r: r["destroy_s"])):
            med, by_iter = summarize(runs, plans["xl"], value)
            rx = iteration_ratios(by_iter, "domus", "xen", value, value)
            summary[key] = {"variants": med, "ratio_domus_xen": {"median": median(rx),
                                                                 "per_iteration": rx}}
            rows.append((label, fmt(med["domus"]["median"], ".2f"), "-", "",
                         fmt(med.get("xen", {}).get("median"), ".2f") if has_xen else None,
                         fmt(median(rx), ".3f") if has_xen else None))

    log()
    head = "%-34s %11s %11s %7s" % ("benchmark", "domus", "bare", "ratio")
    if has_xen:
        head += "   %11s %7s" % ("(xen", "ratio)")
    log(head)
    for label, d, b, r, x, xr in rows:
        line = "%-34s %11s %11s %7s" % (label, d, b, r)
        if has_xen:
            line += "   %11s %7s" % (x or "-", "-" if xr is None else xr)
        log(line)
    log()
    log("ratio = Domus/bare (target <= 1.10) and Domus/Xen, each the median of the ratios"
        " within an iteration.")
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
    verdicts = []
    for key, label, target in (("boot_to_shell_s", "boot to shell", 1.10),
                               ("cpu_loop_ticks", "cpu loop", 1.003),
                               ("mem_loop_ticks", "page-strided loop", 1.2)):
        if key in summary:
            r = summary[key]["ratio_domus_bare"]["median"]
            if r is not None:
                verdicts.append("%s %.3f %s %g: %s" % (label, r, "<=" if r <= target else ">",
                                                      target, "met" if r <= target else "NOT met"))
    if verdicts:
        log("target (Domus/bare): " + "; ".join(verdicts))
    if "boot" in benches:
        log()
        log("exit profile of the boot benchmark's domain under Domus (one more run, with"
            " Domus's exit_profile option; not timed):")
        try:
            prof = exit_profile.profile(boot_spec(), args.timeout,
                                        os.path.join(LOG_DIR, "exit-profile.log"))
            summary["exit_profile"] = {c: {"exits": n, "el2_us": us, "ns_per_exit": ns}
                                       for c, (n, us, ns) in prof.items()}
            log(exit_profile.table(prof))
        except (RuntimeError, pexpect.ExceptionPexpect) as e:
            log("exit profile FAILED: %s" % e)
    if xen_reason:
        log("xen: skipped (%s)" % xen_reason)
    for bench, why in xen_dead.items():
        log("xen (%s): skipped after a failure (%s)" % (bench, why))
    if noisy:
        log("%d run(s) found the host busy (CPUs > %.0f%% busy before, or others using"
            " > %.2f CPUs during the run):" % (len(noisy), BUSY_PCT, OTHER_LOAD))
        for x in noisy:
            log("  " + x)
        if len(used) < len(iter_noisy) or not any(iter_noisy.values()):
            log("medians use the %d iteration(s) run on a quiet host: %s"
                % (len(used), ", ".join(map(str, used))))
        else:
            log("WARNING: no iteration ran on a quiet host; the figures above are suspect")
    failures = [(b, r) for b in all_results for r in all_results[b] if not r["ok"]]
    for b, r in failures:
        log("FAILED: %s %s iteration %d: %s (log %s)" % (b, r["variant"], r["iteration"],
                                                         r.get("error"), r["log"]))

    os.makedirs(os.path.dirname(os.path.abspath(args.output)), exist_ok=True)
    doc = {
        "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "domus": git_rev(), "qemu": qemu_version(), "host_cpus": os.cpu_count(),
        "iterations": args.iterations, "settle_s": args.settle, "timeout_s": args.timeout,
        "runs_on_busy_host": noisy, "iterations_run": len(iter_noisy),
        "iterations_used": used,
        "guest_bootargs": GUEST_BOOTARGS,
        "xen": {"image": os.path.relpath(XEN_IMAGE, REPO), "skipped": xen_reason,
                "stopped": xen_dead or None},
        "commands": {b: {v: shlex.join(a) for v, a in plans[b].items()} for b in plans},
        "summary": summary,
        "runs": all_results,
    }
    tmp = args.output + ".tmp"
    with open(tmp, "w") as f:
        json.dump(doc, f, indent=2)
        f.write("\n")
    os.replace(tmp, args.output)
    log("raw results: %s; logs: %s/" % (os.path.relpath(args.output, REPO),
                                        os.path.relpath(LOG_DIR, REPO)))

    ok = all(summary[k]["variants"][v]["median"] is not None
             for k in summary if "variants" in summary[k]
             for v in ("domus", "bare") if v in summary[k]["variants"])
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
