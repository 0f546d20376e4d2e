"""System-test harness: runs scripts/domus_run.py under pexpect.

Every run has two time limits: the pexpect timeout of each wait, and
domus_run.py's own --timeout, which kills QEMU even if the test is stuck.
At teardown the whole process group (domus_run.py and QEMU) is killed.
Console output of each run goes to build/test-logs/system-<name>.log.

DOMUS_RUN_EXTRA="--bare" (or any domus_run.py options, space-separated) is
appended to every run: a way to check the harness itself without Domus.
"""
import os
import re
import sys
import time

import pexpect
import pytest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(REPO, "scripts"))
import domus_run  # noqa: E402  (the launcher: scripts/ is on sys.path)

PYTHON = "/usr/bin/python3"
DOMUS_RUN = os.path.join(REPO, "scripts", "domus_run.py")
LOG_DIR = os.path.join(REPO, "build", "test-logs")
IMAGE = domus_run.DEFAULT_KERNEL                 # cache/Image
INITRAMFS = domus_run.DEFAULT_RAMDISK            # cache/initramfs.cpio.gz

# The busybox shell prompt, "HOST:DIR# " (see scripts/mkinitramfs.py).
PROMPT = re.compile(r"domus-guest:[^\r\n#]*# ")
# A line printed by Domus itself.
DOMUS_LINE = re.compile(r"(?m)^[^\S\n]*\(domus\)")
# The first line the Linux guest prints.
GUEST_START = re.compile(r"Booting Linux on physical CPU|Linux version [0-9]")

_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
_DOMID_PREFIX = re.compile(r"^\(d\d+\) ?")


def clean(text):
    """Console text without CRs, escape sequences and "(dN) " prefixes."""
    text = _ANSI.sub("", text).replace("\r", "")
    return "\n".join(_DOMID_PREFIX.sub("", ln) for ln in text.split("\n"))


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: boots a full Linux guest (30 s or more under TCG)")
    config.addinivalue_line("markers", "hv: needs the hypervisor image build/domus.bin")


class _Tee:
    """pexpect logfile_read target: writes to the log and keeps everything."""

    def __init__(self, path):
        self.f = open(path, "w", encoding="utf-8", errors="replace")
        self.parts = []

    def write(self, s):
        self.parts.append(s)
        self.f.write(s)

    def flush(self):
        self.f.flush()

    def close(self):
        self.f.close()

    def text(self):
        return "".join(self.parts)


class Session:
    """One domus_run.py process (and its QEMU) driven through a pty."""

    def __init__(self, args, name, timeout=60, qemu_timeout=600):
        os.makedirs(LOG_DIR, exist_ok=True)
        self.name = name
        self.log_path = os.path.join(LOG_DIR, "system-%s.log" % re.sub(r"[^\w.-]", "_", name))
        self.tee = _Tee(self.log_path)
        self.exitstatus = None
        self.started = time.monotonic()
        extra = os.environ.get("DOMUS_RUN_EXTRA", "").split()
        argv = [DOMUS_RUN] + list(args) + extra + ["--timeout", str(qemu_timeout)]
        self.tee.write("# %s %s\n" % (PYTHON, " ".join(argv)))
        self.child = pexpect.spawn(PYTHON, argv, cwd=REPO, encoding="utf-8",
                                   codec_errors="replace", timeout=timeout,
                                   logfile=None, dimensions=(50, 250))
        self.child.logfile_read = self.tee

    # -- output -----------------------------------------------------------
    def text(self):
        """Everything the run printed so far (raw)."""
        return self.tee.text()

    def tail(self, n=1500):
        return clean(self.text())[-n:]

    def fail(self, what):
        pytest.fail("%s\n--- last output (full log: %s) ---\n%s"
                    % (what, os.path.relpath(self.log_path, REPO), self.tail()), pytrace=False)

    def expect(self, pattern, timeout=None, what=None):
        """Wait for pattern; on timeout or exit fail the test with context."""
        what = what or getattr(pattern, "pattern", pattern)
        try:
            return self.child.expect(pattern, timeout=timeout)
        except pexpect.TIMEOUT:
            problem = "timeout (%ss) waiting for %s" % (timeout or self.child.timeout, what)
        except pexpect.EOF:
            problem = "the run ended (exit status %s) while waiting for %s" % (self._reap(), what)
        self.fail(problem)      # outside the except: no chained pexpect dump

    # -- exit -------------------------------------------------------------
    def _reap(self):
        try:
            self.child.close()
        except Exception:
            pass
        if self.child.exitstatus is not None:
            self.exitstatus = self.child.exitstatus
        elif self.child.signalstatus is not None:
            self.exitstatus = 128 + self.child.signalstatus
        return self.exitstatus

    def wait_exit(self, timeout):
        """Wait for domus_run.py (QEMU) to end; return its exit status."""
        try:
            self.child.expect(pexpect.EOF, timeout=timeout)
            return self._reap()
        except pexpect.TIMEOUT:
            pass
        self.fail("QEMU still running after %s s" % timeout)

    def kill(self):
        """Kill domus_run.py and QEMU (same process group) and close the log."""
        domus_run.kill_spawned(self.child)
        self.tee.close()

    # -- guest shell ------------------------------------------------------
    def shell(self, cmd, timeout=60, prompt=PROMPT):
        """Run cmd at the guest shell prompt; return (status, output).
        The markers are quoted so the echoed command line does not match."""
        self.child.sendline('echo "@@""B"; %s; echo "@@E"$?' % cmd)
        self.expect(re.compile(r"@@B\r*\n"), timeout, what="start of output of %r" % cmd)
        self.expect(re.compile(r"@@E(\d+)"), timeout, what="end of output of %r" % cmd)
        status = int(self.child.match.group(1))
        out = clean(self.child.before).strip("\n")
        self.expect(prompt, timeout, what="the shell prompt after %r" % cmd)
        return status, out


CTRL_A3 = "\x01\x01\x01"
_INPUT_TO = re.compile(r"\(domus\) input to (\S+) \(")


def switch_input(s, name, timeout=30):
    """Type Ctrl-A three times until Domus says input goes to name (a domain
    name, or "Domus"); at most 8 rounds."""
    for _ in range(8):
        s.child.send(CTRL_A3)
        s.expect(_INPUT_TO, timeout, what="'(domus) input to ...' after Ctrl-A x3")
        if s.child.match.group(1) == name:
            return
    s.fail("input never went to %s" % name)


@pytest.fixture
def domus(request):
    """Factory: domus(*domus_run_args, timeout=60, qemu_timeout=600) -> Session.
    Each session is killed at the end of the test."""
    sessions = []

    def spawn(*args, timeout=60, qemu_timeout=600, name=None):
        s = Session(args, name or "%s-%d" % (request.node.name, len(sessions) + 1),
                    timeout=timeout, qemu_timeout=qemu_timeout)
        sessions.append(s)
        return s

    yield spawn
    for s in sessions:
        s.kill()


@pytest.fixture(scope="session")
def cache_files():
    """The kernel and initramfs from `make setup`."""
    for p in (IMAGE, INITRAMFS):
        if not os.path.isfile(p):
            pytest.fail("%s missing: run make setup" % os.path.relpath(p, REPO), pytrace=False)
    return IMAGE, INITRAMFS


# ---------------------------------------------------------------- micro-guest runs
# Shared by the tests that boot micro-guests (tests/guests/sys_*.c) as domains.

GUESTS = os.path.join(REPO, "build", "guests")
XEN_BOOTARGS = domus_run.DEFAULT_XEN_BOOTARGS


def guest_bin(name):
    """build/guests/<name>.bin"""
    return os.path.join(GUESTS, "%s.bin" % name)


def build_guests(*names):
    """`make all guests`; fails the test unless every build/guests/<name>.bin exists."""
    import subprocess
    r = subprocess.run(["make", "-s", "all", "guests"], cwd=REPO, stdin=subprocess.DEVNULL,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=300)
    missing = [n for n in names if not os.path.isfile(guest_bin(n))]
    if r.returncode or missing:
        pytest.fail("make all guests failed (missing: %s):\n%s" % (missing, r.stdout[-3000:]),
                    pytrace=False)


def spec(kernel, **kw):
    """A --domain SPEC: kernel, memory (MiB, default 16), cpus (default 1), then kw."""
    return ",".join(["kernel=%s" % kernel, "memory=%s" % kw.pop("memory", 16),
                     "cpus=%s" % kw.pop("cpus", 1)] + ["%s=%s" % kv for kv in kw.items()])


def run(name, domains, smp=1, timeout=14, xen_extra="", prefix="sched"):
    """Run domus_run.py with these --domain SPECs to the end (or --timeout);
    return (exit status, output text without CRs).  The output is kept in
    build/test-logs/<prefix>-<name>.log."""
    import subprocess
    cmd = [PYTHON, DOMUS_RUN, "--smp", str(smp), "--timeout", str(timeout),
           "--xen-bootargs", (XEN_BOOTARGS + " " + xen_extra).strip()]
    for d in domains:
        cmd += ["--domain", d]
    r = subprocess.run(cmd, cwd=REPO, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, timeout=timeout + 60)
    out = r.stdout.decode("utf-8", "replace").replace("\r", "")
    os.makedirs(LOG_DIR, exist_ok=True)
    with open(os.path.join(LOG_DIR, "%s-%s.log" % (prefix, name)), "w") as f:
        f.write("$ %s\n%s\n[exit status: %s]\n" % (" ".join(cmd), out, r.returncode))
    return r.returncode, out


def printed(out, line):
    """Whether a guest printed line; the "(dN) " prefix is optional since
    Domus drops it once only one domain is left."""
    return re.search(r"(?m)^(?:\(d\d+\) )?%s$" % re.escape(line), out) is not None
