"""The run harness of scripts/bench.py and scripts/bench_hv.py: one QEMU
run on a pty, bounded in time (Run, measured()); the host's quiet before a
run and the load of others during it (settle(), Run.measure_other_load());
and what the results are stamped with (qemu_version(), git_rev())."""
import os
import shlex
import statistics
import subprocess
import sys
import time

try:
    import pexpect
except ImportError:
    sys.exit("bench: needs pexpect: run it with /usr/bin/python3 (python3-pexpect)")

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, "scripts"))
import domus_run  # noqa: E402

BUSY_PCT = 25.0            # host CPU use during the settle pause that taints a run
OTHER_LOAD = 0.25          # CPUs used by others during a run that taint it


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


# ---------------------------------------------------------------- runs

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
