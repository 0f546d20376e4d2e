"""Run every micro-guest of tests/guests/ as a Domus domain, one pytest test each.

    /usr/bin/python3 -m pytest tests/guests/test_guests.py [-k NAME]

Each guest prints exactly one verdict line

    domus-test: <name>: PASS | FAIL <reason> | SKIP <reason>

then calls PSCI SYSTEM_OFF; when the last domain is gone Domus powers the
machine off, so the launcher (and QEMU) must exit 0.  A Domus panic anywhere
in the output fails the test.  A SKIP is a pytest skip (counted as skipped),
except a SKIP about the number of vCPUs (lib/psci.c, require_cpus()): every
guest runs with CPUS vCPUs, so a guest that sees fewer in its device tree
found a Domus bug, and one that needs more can never run: both fail.  Most
tests are one domain; LAUNCH below lists the PV and multi-domain ones.  The
full console output of each run is kept in build/test-logs/guest-<name>.log
(guest-<name>-bare.log for DOMUS_GUEST_BARE=1).

Environment:
    DOMUS_GUEST_TIMEOUT   seconds per guest (default 120)
    DOMUS_GUEST_BARE=1    run the <name>-bare.bin builds directly under QEMU at
                          EL1, without Domus (checks the framework, not Domus)
    CROSS                 cross-compiler prefix (default aarch64-linux-gnu-)
"""
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "scripts"))
import domus_run  # noqa: E402  (find_panic)

GUEST_SRC = REPO / "tests" / "guests"
GUEST_OUT = REPO / "build" / "guests"
LOG_DIR = REPO / "build" / "test-logs"
LAUNCHER = REPO / "scripts" / "domus_run.py"
TIMEOUT = float(os.environ.get("DOMUS_GUEST_TIMEOUT", "120"))
BARE = os.environ.get("DOMUS_GUEST_BARE") == "1"

# Guests that are not stand-alone tests: sys_*.c are driven by tests/system
# (they need other domains or measure), and demo.c is the demo domain of `make
# run`.  (The benchmark guests live apart, in tests/bench/guests/.)
NOT_TESTS = ("sys_", "demo")
CPUS = 2            # vCPUs of every guest's domain (and -smp of a bare run)

# How a test is launched when it is not one plain domain: pv=True gives every
# domain of the run Xen's PV interface (SPEC key pv=1); peers are guests started
# with it as domU2, domU3, ... (domain ids follow DT order, so the test is
# domain 1).  Every domain of the run must print its own PASS line.  Peers are
# not tests of their own.  cpus and affinity set every domain's vCPUs and CPU mask;
# smp, the machine's physical CPUs; timeout, the seconds the run may take when it
# needs more than the default.
LAUNCH = {
    "xen_version": dict(pv=True),
    "xen_shared_info": dict(pv=True),
    "xen_bad_args": dict(pv=True),
    "xen_watchdog": dict(pv=True),
    "first_touch": dict(pv=True, cpus=2),
    "evtchn_ping": dict(pv=True, peers=["evtchn_pong"]),
    "grant_map": dict(pv=True, peers=["grant_give"]),
    "grant_copy": dict(pv=True, peers=["grant_give"]),
    "hostile_freed_map": dict(pv=True, peers=["hostile_freed_give"]),
    "hostile_p2m_race": dict(pv=True),
    # domain 1 regrants domain 3's page to domain 2
    "hostile_regrant": dict(pv=True, peers=["hostile_regrant_use", "hostile_regrant_own"]),
    "hostile_ro_write": dict(pv=True, peers=["hostile_granter"]),
    "hostile_unmap": dict(pv=True, peers=["hostile_granter"]),
    # vCPU n of both on physical CPU n: domain 2 measures its timer latency beside domain 1
    "hostile_longcall": dict(pv=True, peers=["hostile_tick"], affinity="0x1:0x2"),
    "hostile_console_flood": dict(pv=True, peers=["hostile_tick"], affinity="0x1:0x2"),
    # one physical CPU for both: the planter's list registers meet the victim
    "hostile_lr_victim": dict(peers=["hostile_lr_plant"], smp=1),
    "xen_fuzz": dict(pv=True, peers=["xen_heartbeat"], timeout=360),   # 10^6 calls
    "hostile_toolstack": dict(pv=True, peers=["xen_heartbeat"]),
    # both on physical CPU 0, one vCPU each, so that they keep switching
    "regs_keep": dict(peers=["regs_keep_peer"], cpus=1, affinity="0x1"),
}
PEERS = {peer for how in LAUNCH.values() for peer in how.get("peers", ())}
GUESTS = sorted(p.stem for p in GUEST_SRC.glob("*.c")
                if not p.stem.startswith(NOT_TESTS) and p.stem not in PEERS
                and re.search(r"^void test_main\(void\)", p.read_text(), re.M))

# Domus options some guests also run with, as test "<name>@<variant>": stage 2
# in pages is the default under QEMU (arch/arm64/p2m.c), so the guests that
# probe stage 2 run again with the blocks real CPUs get -- 2 MiB ones zeroed
# on first touch, and 1 GiB ones (only RAM already clean gets those, so boot
# RAM is taken as clean, and each domain has a whole aligned GiB of its own).
VARIANTS = {
    "blocks": dict(args="p2m_mapping=blocks", memory=64, machine="2G",
                   guests=["first_touch", "hostile_p2m_race", "grant_map"]),
    "1g": dict(args="p2m_mapping=blocks bootscrub=0", memory=1024, machine="4G",
               guests=["hostile_p2m_race", "mem_outside", "grant_map", "hostile_freed_map",
                       "xen_shared_info"]),
}
TESTS = GUESTS + ["%s@%s" % (g, v) for v, how in VARIANTS.items() for g in how["guests"]]


def timeout(name):
    """Seconds a test's run may take: its own (LAUNCH) or DOMUS_GUEST_TIMEOUT, the larger."""
    return max(TIMEOUT, LAUNCH.get(name, {}).get("timeout", 0))


def domains(name):
    """The guests of a test's run, in DT order."""
    return [name] + LAUNCH.get(name, {}).get("peers", [])

# Output a guest must produce besides its PASS line.
EXTRA_OUTPUT = {
    "pl011_mmio": ["info: narrow-store: AB"],
}


@pytest.fixture(scope="session")
def built_guests():
    cross = os.environ.get("CROSS", "aarch64-linux-gnu-")
    r = subprocess.run(["make", "-s", "-C", str(GUEST_SRC), "CROSS=" + cross],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if r.returncode:
        pytest.fail("building the guests failed:\n" + r.stdout[-4000:])
    return GUEST_OUT


def command(name, variant=""):
    if BARE:
        return ["qemu-system-aarch64", "-M", "virt,gic-version=3", "-cpu", "max",
                "-smp", str(CPUS), "-m", "512M", "-nographic", "-no-reboot",
                "-kernel", str(GUEST_OUT / (name + "-bare.bin"))]
    how = LAUNCH.get(name, {})
    extra = (",pv=1" if how.get("pv") else "") + \
        (",affinity=%s" % how["affinity"] if "affinity" in how else "")
    memory = VARIANTS[variant]["memory"] if variant else 64
    cmd = [sys.executable, str(LAUNCHER)]
    for guest in domains(name):
        cmd += ["--domain", "kernel=%s,memory=%d,cpus=%d%s" % (
            GUEST_OUT / (guest + ".bin"), memory, how.get("cpus", CPUS), extra)]
    if "smp" in how:
        cmd += ["--smp", str(how["smp"])]
    if variant:
        cmd += ["--xen-bootargs", domus_run.DEFAULT_XEN_BOOTARGS + " " + VARIANTS[variant]["args"],
                "--mem", VARIANTS[variant]["machine"]]
    return cmd + ["--timeout", "%g" % timeout(name)]


def domain_output(out, guests, guest):
    """What one guest of a multi-domain run printed.  Domus prefixes each
    domain's lines with "(dN) " while more than one domain is left (the last
    one prints bare lines), and may cut a line in two when another writer cuts
    in, so the pieces are joined again: a guest line always starts with
    "info: " or "domus-test: "."""
    if len(guests) == 1:
        return out
    tag = "(d%d) " % (guests.index(guest) + 1)
    text = "".join(line[len(tag):] if line.startswith(tag) else line
                   for line in out.split("\n")
                   if line.startswith(tag) or not line.startswith(("(", "domus_run:")))
    return re.sub(r"(?=(?:info|domus-test): )", "\n", text)


def tail(text, lines=40):
    return "\n".join(text.splitlines()[-lines:])


@pytest.mark.parametrize("test", TESTS)
def test_guest(test, built_guests):
    name, _, variant = test.partition("@")
    if BARE and (name in LAUNCH or variant):
        pytest.skip("%s needs Domus (Xen PV interface, several domains or options)" % test)
    if not BARE and not LAUNCHER.exists():
        pytest.fail("launcher %s is missing" % LAUNCHER)
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    log = LOG_DIR / ("guest-%s%s.log" % (test, "-bare" if BARE else ""))

    cmd = command(name, variant)
    try:
        r = subprocess.run(cmd, cwd=REPO, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=timeout(name) + 60)
        out, rc = r.stdout.decode("utf-8", "replace"), r.returncode
    except subprocess.TimeoutExpired as e:
        out, rc = (e.stdout or b"").decode("utf-8", "replace"), None
    out = out.replace("\r\n", "\n")
    log.write_text("$ %s\n%s\n[exit status: %s]\n" % (" ".join(cmd), out, rc))
    panic = domus_run.find_panic(out)
    if panic:
        pytest.fail("Domus panicked; see %s\n%s" % (log, panic), pytrace=False)

    for guest in domains(name):
        verdicts = re.findall(r"domus-test: %s: (PASS|FAIL|SKIP)\b ?([^\r\n]*)" % re.escape(guest),
                              domain_output(out, domains(name), guest))
        if not verdicts:
            pytest.fail("%s: no verdict line (exit status %s); see %s\n%s"
                        % (guest, rc, log, tail(out)))
        assert len(verdicts) == 1, "%s printed %d verdict lines: %s" % (guest, len(verdicts),
                                                                         verdicts)
        word, reason = verdicts[0]
        if word == "SKIP":
            cpus = re.match(r"needs (\d+) vCPUs, the (device tree has|guest library supports)"
                            r" (\d+)", reason)
            if not cpus:
                pytest.skip("%s: %s" % (guest, reason))
            if cpus.group(2) == "device tree has" and int(cpus.group(3)) < CPUS:
                why = "its domain has %d vCPUs: its device tree lists too few" % CPUS
            elif cpus.group(2) == "device tree has":
                why = "it runs with %d vCPUs (CPUS in test_guests.py), so it never runs" % CPUS
            else:
                why = "the guest library (NR_CPUS, lib/platform.h) is too small for it to run"
            pytest.fail("%s: SKIP %s, but %s; see %s" % (guest, reason, why, log), pytrace=False)
        assert word == "PASS", "%s: FAIL %s; see %s\n%s" % (guest, reason, log, tail(out))
    for text in EXTRA_OUTPUT.get(name, []):
        assert text in out, "%s: %r missing from the output; see %s" % (name, text, log)
    assert rc == 0, "%s passed but exited with status %s (SYSTEM_OFF should power off); see %s" \
        % (name, rc, log)
