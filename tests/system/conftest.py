"""System-test harness: runs scripts/domus_run.py under pexpect.

Every run has two time limits: the pexpect timeout of each wait, and
domus_run.py's own --timeout, which kills QEMU even if the test is stuck.
At teardown the whole process group (domus_run.py and QEMU) is killed.
Console output of each run goes to build/test-logs/system-<name>.log.

DOMUS_RUN_EXTRA="--bare" (or any domus_run.py options, space-separated) is
appended to every run: a way to check the harness itself without Domus.

A Domus panic (domus_run.find_panic: "(domus) PANIC...") anywhere in a run's
output fails the test, whatever the test itself checked: run() fails at once;
for pexpect sessions (Session), the pytest_runtest_makereport hook below reads
what the run printed so far, unread output included, after the test body, and
again when the session is killed.
"""
import os
import re
import subprocess
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
PROMPT = re.compile(r"domus-(?:guest|dom0):[^\r\n#]*# ")
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


def fail_on_panic(text, log):
    """Fail the current test if Domus panicked in this console output."""
    panic = domus_run.find_panic(text)
    if panic:
        pytest.fail("Domus panicked (full log: %s):\n%s" % (os.path.relpath(log, REPO), panic),
                    pytrace=False)


_LIVE = []          # Sessions not killed yet
_KILLED = []        # Sessions killed since the last report (for the teardown report)


class Session:
    """One domus_run.py process (and its QEMU) driven through a pty."""

    def __init__(self, args, name, timeout=60, qemu_timeout=600):
        os.makedirs(LOG_DIR, exist_ok=True)
        self.name = name
        self.panic_reported = False
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
        _LIVE.append(self)

    # -- output -----------------------------------------------------------
    def text(self):
        """Everything the run printed so far (raw)."""
        return self.tee.text()

    def drain(self, quiet=0.2, limit=2.0):
        """Read what the run has printed that no expect() has read yet (until
        it is quiet for `quiet` s, at most `limit` s), without consuming it:
        the text is put back in pexpect's buffer, so a later expect() (a
        module-scoped session serves several tests) still sees it."""
        child = self.child
        if child.closed:
            return
        got = []
        end = time.monotonic() + limit
        while time.monotonic() < end:
            try:
                got.append(child.read_nonblocking(65536, timeout=quiet))
            except (pexpect.TIMEOUT, pexpect.EOF, OSError, ValueError):
                break
        data = "".join(got)
        if data:
            for buf in (child._buffer, child._before):      # pexpect 4: unread text
                buf.seek(0, os.SEEK_END)
                buf.write(data)

    def unreported_panic(self):
        """A Domus panic in the output not yet reported by a test, or None."""
        if self.panic_reported:
            return None
        panic = domus_run.find_panic(self.text())
        if panic:
            self.panic_reported = True
        return panic

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
        """Kill domus_run.py and QEMU (same process group) and close the log;
        what the run printed and no test read is read first (see drain)."""
        if self in _LIVE:
            _LIVE.remove(self)
            self.drain(quiet=0.1, limit=1.0)
            _KILLED.append(self)
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


_Q_DOMAIN = re.compile(r"^\(domus\) (\S+) \(d(\d+)\): ([^,]*),")
_Q_VCPU = re.compile(r"^\(domus\) +vCPU (\d+) on CPU(\d+): (on|off)( \(blocked\))?, ran (\d+) ms$")


def cpu_times(s, last_domain, last_vcpus=1, timeout=30):
    """Domus's own CPU accounting: press its debug key 'q' (console input must
    already go to Domus: switch_input(s, "Domus")) and read the lines
    (common/debugkeys.c)

        (domus) <name> (dN): <state>, <n> MiB RAM, weight <w>, cap <c>%...
        (domus)   vCPU <i> on CPU<p>: on|off[ (blocked)], ran <ms> ms

    up to the last vCPU line of domain last_domain (which has last_vcpus
    vCPUs).  Returns ({domain id: {"name", "state", "cap", "ran_ms" (all its
    vCPUs), "blocked" (all its vCPUs)}}, time.monotonic() when the lines were
    read)."""
    start = len(s.text())
    s.child.send("q")
    s.expect(re.compile(r"\(domus\) \S+ \(d%d\): [^\r\n]*\r*\n" % last_domain), timeout,
             what="'q': the line of d%d" % last_domain)
    for _ in range(last_vcpus):
        s.expect(re.compile(r"\(domus\) +vCPU \d+ on CPU\d+: [^\r\n]*, ran \d+ ms\r*\n"), timeout,
                 what="'q': the vCPU lines of d%d" % last_domain)
    when = time.monotonic()
    doms, cur = {}, None
    for line in s.text()[start:].replace("\r", "").split("\n"):
        m = _Q_DOMAIN.match(line)
        if m:
            cap = re.search(r", cap (\d+)%", line)
            cur = doms[int(m.group(2))] = {"name": m.group(1), "state": m.group(3),
                                           "cap": int(cap.group(1)) if cap else None,
                                           "ran_ms": 0, "blocked": True}
            continue
        m = _Q_VCPU.match(line)
        if m and cur is not None:
            cur["ran_ms"] += int(m.group(5))
            cur["blocked"] = cur["blocked"] and bool(m.group(4))
    if last_domain not in doms:
        s.fail("could not parse the 'q' output for d%d" % last_domain)
    return doms, when


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """A Domus panic in a pexpect session fails the test it happened in: after
    the test body (or a failed fixture set-up), every live session is drained
    and searched; sessions killed in teardown are searched then (teardown
    report: a pytest error).  Each panic is reported once."""
    outcome = yield
    rep = outcome.get_result()
    if call.when == "call" or (call.when == "setup" and rep.failed):
        for s in _LIVE:
            s.drain()
        sessions = list(_LIVE) + _KILLED
    elif call.when == "teardown":
        sessions = list(_KILLED)
    else:
        return
    del _KILLED[:]
    panics = ["Domus panicked (full log: %s):\n%s" % (os.path.relpath(s.log_path, REPO), p)
              for s, p in ((s, s.unreported_panic()) for s in sessions) if p]
    if not panics:
        return
    text = "\n".join(panics)
    if rep.failed:
        text += "\n\n(and the test failed:)\n%s" % rep.longreprtext
    rep.outcome = "failed"
    rep.longrepr = text


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
    build/test-logs/<prefix>-<name>.log; a Domus panic in it fails the test."""
    import subprocess
    cmd = [PYTHON, DOMUS_RUN, "--smp", str(smp), "--timeout", str(timeout),
           "--xen-bootargs", (XEN_BOOTARGS + " " + xen_extra).strip()]
    for d in domains:
        cmd += ["--domain", d]
    r = subprocess.run(cmd, cwd=REPO, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, timeout=timeout + 60)
    out = r.stdout.decode("utf-8", "replace").replace("\r", "")
    os.makedirs(LOG_DIR, exist_ok=True)
    log = os.path.join(LOG_DIR, "%s-%s.log" % (prefix, name))
    with open(log, "w") as f:
        f.write("$ %s\n%s\n[exit status: %s]\n" % (" ".join(cmd), out, r.returncode))
    fail_on_panic(out, log)
    return r.returncode, out


def rejoin(out, start):
    """Guest lines whole again: Domus may cut a guest's long line in two when
    another domain's output cuts in (after 50 ms, easily reached on a loaded
    host), the rest following later as another "(dN) " line.  A "(dN) " line
    that does not begin with the regex start (how that test's guests begin
    their lines) is joined to domain N's previous line."""
    result, last = [], {}
    for line in out.split("\n"):
        m = re.match(r"\((d\d+)\) (.*)$", line)
        if m and m.group(1) in last and not re.match(start, m.group(2)):
            result[last[m.group(1)]] += m.group(2)
            continue
        result.append(line)
        if m:
            last[m.group(1)] = len(result) - 1
    return "\n".join(result)


def printed(out, line):
    """Whether a guest printed line; the "(dN) " prefix is optional since
    Domus drops it once only one domain is left."""
    return re.search(r"(?m)^(?:\(d\d+\) )?%s$" % re.escape(line), out) is not None


def pool_dtb(tmp_path, args):
    """The host DTB domus_run.py would make for args (domus_run.py options),
    with Xen's boot-time CPU pool "rt" (QEMU's cpu@1, the null scheduler) in
    /chosen and the first dom0less domain, domU1, in it."""
    a = domus_run.parse_args(args)
    text, _ = domus_run.host_dts(a, domus_run.domains_from_args(a))
    cpu1 = re.search(r"cpu@1 \{\s*phandle = <(0x[0-9a-f]+)>;", text)
    assert cpu1, "no phandle on QEMU's cpu@1 node"
    pool = ('\t\trt {\n\t\t\tcompatible = "xen,cpupool";\n\t\t\tcpupool-cpus = <%s>;\n'
            '\t\t\tcpupool-sched = "null";\n\t\t\tphandle = <0x7000>;\n\t\t};\n'
            % cpu1.group(1))
    assert "\t\tdomU1 {\n" in text
    text = text.replace("\t\tdomU1 {\n", pool + "\t\tdomU1 {\n\t\t\tdomain-cpupool = <0x7000>;\n", 1)
    dts, dtb = tmp_path / "pools.dts", tmp_path / "pools.dtb"
    dts.write_text(text)
    subprocess.run(["dtc", "-q", "-I", "dts", "-O", "dtb", "-o", str(dtb), str(dts)],
                   check=True, timeout=60)
    return str(dtb)
