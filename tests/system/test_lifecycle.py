"""Domain lifecycle: on_poweroff / on_reboot / on_crash (a guest faulting in a
loop is crashed with a register dump while the other domains run on), memory
scrubbing on destroy, hundreds of PV reboots with every page back, and (slow)
the default three-domain set with its two Linux guests.

Micro-guests (tests/guests/sys_*.c):
  sys_reboot      prints "reboot: boot", then calls PSCI SYSTEM_RESET;
  sys_reboot_pv   sets up Xen's PV interface, reboots with SCHEDOP_shutdown
                  until the machine has run 12 s, then powers off;
  sys_crash_loop  faults forever (Domus crashes it: "faulting in a loop");
  sys_ticker      counts 20 timer ticks 100 ms apart, then PASSes;
  sys_blocked     sleeps in WFI forever;
  sys_iso_write   fills its RAM with a pattern, holds it 6 s, powers off;
  sys_scrub_scan  at every boot searches its RAM for that pattern, prints a
                  verdict, then reboots itself.

Micro-guest runs are kept in build/test-logs/lifecycle-<name>.log, the
interactive ones in build/test-logs/system-<test>-N.log.
"""
import re

import pytest

from conftest import (GUEST_START, build_guests, guest_bin, printed, run, spec,
                      switch_input)

pytestmark = pytest.mark.hv

REBOOT = guest_bin("sys_reboot")
REBOOT_PV = guest_bin("sys_reboot_pv")
CRASH = guest_bin("sys_crash_loop")
TICKER = guest_bin("sys_ticker")
BLOCKED = guest_bin("sys_blocked")
ISO_WRITE = guest_bin("sys_iso_write")
SCRUB = guest_bin("sys_scrub_scan")


@pytest.fixture(scope="module", autouse=True)
def guests_built():
    build_guests("sys_reboot", "sys_reboot_pv", "sys_crash_loop", "sys_ticker", "sys_blocked",
                 "sys_iso_write", "sys_scrub_scan")


def lc_run(name, domains, smp=1, timeout=20):
    return run(name, domains, smp=smp, timeout=timeout, prefix="lifecycle")


def count(out, line):
    return len(re.findall(r"(?m)^(?:\(d\d+\) )?%s$" % re.escape(line), out))


def count_re(out, pattern):
    return len(re.findall(r"(?m)^(?:\(d\d+\) )?%s$" % pattern, out))


# ------------------------------------------------------------------ reboot

def test_rebooting_guest_comes_back():
    status, out = lc_run("reboot-restart", [spec(REBOOT)], timeout=12)
    assert count(out, "reboot: boot") >= 3, out[-3000:]
    assert count(out, "(domus) domU1 (d1) rebooted: restarting it") >= 2, out[-3000:]
    # Rebuilt with the same id, from its images.
    assert len(re.findall(r"(?m)^\(domus\) domU1 \(d1\): 1 vCPU\(s\), 16 MiB", out)) >= 3
    assert "domU1 (d2)" not in out
    first_boot = out.find("reboot: boot")
    restart = out.find("rebooted: restarting it")
    assert first_boot < restart < out.find("reboot: boot", restart), out[-3000:]
    assert status == 124, "status %s: the guest reboots forever, the run should end by " \
        "--timeout" % status


def test_a_hundred_pv_reboots_return_every_page():
    """sys_reboot_pv sets up shared_info, a grant frame, an event channel and
    vcpu_info, gives a page back and reboots, until the machine has run 12 s;
    then it powers off, and Domus checks that every page is back."""
    status, out = lc_run("reboot-pv-100", [spec(REBOOT_PV, pv=1)], timeout=60)
    boots = count_re(out, r"reboot_pv: boot at \d+ s")
    assert boots >= 100, "only %d boots in 12 s: %s" % (boots, out[-2000:])
    assert count(out, "(domus) domU1 (d1) rebooted: restarting it") == boots - 1
    assert "reboot_pv: done" in out and "domus-test: sys_reboot_pv: PASS" in out, out[-2000:]
    assert re.search(r"(?m)^\(domus\) all memory back: \d+ KiB free$", out), out[-2000:]
    assert status == 0, "status %s" % status


def test_on_reboot_destroy_does_not_come_back():
    status, out = lc_run("reboot-destroy", [spec(REBOOT, on_reboot="destroy")], timeout=20)
    assert count(out, "reboot: boot") == 1, out[-3000:]
    assert "(domus) domU1 (d1) rebooted: destroying it" in out, out[-3000:]
    assert re.search(r"(?m)^\(domus\) d1 destroyed, \d+ KiB returned$", out), out[-3000:]
    assert "(domus) no domain left to run: powering off" in out, out[-3000:]
    assert status == 0, "status %s, not 0" % status


def test_on_crash_restart_brings_a_crashed_guest_back():
    status, out = lc_run("crash-restart", [spec(CRASH, on_crash="restart")], timeout=20)
    assert count(out, "(domus) domU1 (d1) crashed: restarting it") >= 2, out[-3000:]
    assert count(out, "crash_loop: boot") >= 3, out[-3000:]
    assert status == 124, "status %s: the guest crashes forever, the run should end by " \
        "--timeout" % status


def test_on_crash_default_destroys():
    status, out = lc_run("crash-destroy", [spec(CRASH)], timeout=20)
    assert count(out, "crash_loop: boot") == 1, out[-3000:]
    assert "(domus) domU1 (d1) crashed: destroying it" in out, out[-3000:]
    assert "(domus) no domain left to run: powering off" in out, out[-3000:]
    assert status == 0, "status %s, not 0" % status


def test_faulting_guest_is_crashed_and_the_other_runs_on():
    status, out = lc_run("crash-loop", [spec(CRASH), spec(TICKER)], timeout=40)
    assert "(d1) crash_loop: boot" in out, out[-3000:]
    m = re.search(r"(?m)^\(domus\) domU1 \(d1\) vCPU 0: ([^\n]*)$", out)
    assert m and "faulting in a loop" in m.group(1), out[-3000:]
    dump = out[m.end():out.find("crashed", m.end())]
    for what in (r"ESR_EL2 [0-9a-f]{16}", r"FAR_EL2 [0-9a-f]{16}", r"PC [0-9a-f]{16}",
                 r"VBAR_EL1 0000000000001000") + \
            tuple(r"\bx%-2d [0-9a-f]{16}" % i for i in range(31)):
        assert re.search(r"\(domus\)\s+.*%s" % what, dump), \
            "no %r in the register dump:\n%s" % (what, dump)
    assert "(domus) domU1 (d1) crashed: destroying it" in out, out[-3000:]
    assert re.search(r"(?m)^\(domus\) d1 destroyed, \d+ KiB returned$", out), out[-3000:]
    assert printed(out, "domus-test: sys_ticker: PASS"), out[-3000:]
    assert out.find("crashed: destroying it") < out.find("domus-test: sys_ticker: PASS")
    assert "(domus) no domain left to run: powering off" in out
    assert status == 0, "status %s, not 0" % status


def test_on_poweroff_preserve_keeps_the_domain(domus):
    s = domus("--smp", "1", "--domain", spec(TICKER, on_poweroff="preserve"),
              "--domain", spec(BLOCKED), timeout=30, qemu_timeout=60)
    s.expect(re.compile(r"domus-test: sys_ticker: PASS"))
    s.expect(re.compile(r"\(domus\) domU1 \(d1\) powered off: preserving it\r*\n"))
    switch_input(s, "Domus")
    s.child.send("q")
    s.expect(re.compile(r"\(domus\) domU2 \(d2\): [^\r\n]*\r*\n"), what="'q': domU2 listed")
    s.child.send("m")
    s.expect(re.compile(r"\(domus\) domU2 \(d2\): \d+ KiB\r*\n"), what="'m': domU2 listed")
    text = s.text()
    assert not re.search(r"\(domus\) d1 destroyed", text), "a preserved domain was destroyed"
    qpart = text[text.rfind("input to Domus"):]
    assert re.search(r"\(domus\) domU1 \(d1\)", qpart), \
        "the preserved domain d1 is listed by neither 'q' nor 'm':\n%s" % s.tail()


# --------------------------------------------------------------- scrubbing

def test_memory_of_a_destroyed_domain_is_scrubbed(domus):
    """d1 (sys_iso_write, 32 MiB) fills its RAM and powers off after 6 s;
    d2 (sys_scrub_scan, 32 MiB) scans its RAM at every boot and reboots every
    ~1.5 s.  The allocator is first-fit, so d2's boots after d1 is gone get d1's
    old memory; they must not find d1's pattern."""
    s = domus("--smp", "2", "--domain", spec(ISO_WRITE, memory=32),
              "--domain", spec(SCRUB, memory=32), timeout=40, qemu_timeout=90)
    verdict = re.compile(r"scrub_scan: scanned (\d+) MiB: (\d+) copies: (PASS|FAIL)")
    # d1 has the input focus, so Domus prints its partial lines as they come
    # and d2's lines can split them: wait for Domus's own lines instead.
    s.expect(re.compile(r"\(domus\) domU1 \(d1\) powered off: destroying it"))
    d1_out = re.sub(r"\r*\n\(d1\) ", "", s.text())
    assert re.search(r"iso_write: pattern written to [1-9]\d{3,} pages", d1_out), s.tail()
    assert "domus-test: sys_iso_write: PASS" in d1_out, s.tail()
    s.expect(re.compile(r"\(domus\) d1 destroyed, (\d+) KiB returned"))
    kib = int(s.child.match.group(1))
    assert kib >= 32 * 1024, "d1 (32 MiB) destroyed but only %d KiB returned" % kib
    # d2's next boot starts after d1 is gone: it is rebuilt after "d2 destroyed".
    for boot in range(2):
        s.expect(re.compile(r"\(domus\) d2 destroyed, (\d+) KiB returned"),
                 what="d2 rebooting after d1 was destroyed")
        assert int(s.child.match.group(1)) >= 32 * 1024
        s.expect(verdict, what="sys_scrub_scan's verdict")
        mib, copies, word = s.child.match.groups()
        assert (mib, copies, word) == ("32", "0", "PASS"), \
            "boot %d of d2 after d1 was destroyed: %s" % (boot + 1, s.child.match.group(0))
    # Every verdict, before and after, was PASS.
    assert "copies: FAIL" not in s.text(), s.tail()
    assert "FAIL" not in s.text(), s.tail()


# ------------------------------------------------- the default set, with Linux

ALPHA = re.compile(r"alpha:[^\r\n#]*# ")
BETA = re.compile(r"beta:[^\r\n#]*# ")
LINUX_BOOT = 300


@pytest.mark.slow
def test_default_domains_linux_poweroff_and_reboot(domus, cache_files):
    """make run's set: alpha = domU1 (PV Linux, hvc0), beta = domU2 (HVM Linux,
    PL011), demo = domU3.
    Both shells answer through the Ctrl-A switch; alpha's poweroff leaves beta
    running; beta's reboot brings beta back to its shell."""
    s = domus(timeout=LINUX_BOOT, qemu_timeout=420)
    s.expect(ALPHA, LINUX_BOOT, what="alpha's shell prompt (input goes to alpha first)")
    status, out = s.shell("hostname; echo a-$((6*7))", prompt=ALPHA)
    assert status == 0 and "alpha" in out.split("\n") and "a-42" in out, out

    switch_input(s, "domU2")
    s.child.sendline("")
    s.expect(BETA, LINUX_BOOT, what="beta's shell prompt")
    status, out = s.shell("hostname; echo b-$((6*7))", prompt=BETA)
    assert status == 0 and "beta" in out.split("\n") and "b-42" in out, out

    switch_input(s, "domU1")
    s.child.sendline("poweroff")
    s.expect(re.compile(r"\(domus\) domU1 \(d1\) powered off: destroying it"), 120)
    s.expect(re.compile(r"\(domus\) d1 destroyed, (\d+) KiB returned"), 60)
    assert int(s.child.match.group(1)) >= 512 * 1024

    switch_input(s, "domU2")
    s.child.sendline("")
    s.expect(BETA, 60, what="beta's prompt after alpha powered off")
    status, out = s.shell("echo still-$((6*7))", prompt=BETA)
    assert status == 0 and "still-42" in out, out

    s.child.sendline("reboot")
    s.expect(re.compile(r"\(domus\) domU2 \(d2\) rebooted: restarting it"), 120)
    s.expect(re.compile(r"\(domus\) d2 destroyed, \d+ KiB returned"), 60)
    s.expect(GUEST_START, 60, what="beta's kernel starting again")
    s.expect(re.compile(r"domus-guest: init done"), LINUX_BOOT, what="beta's init again")
    switch_input(s, "domU2")
    s.child.sendline("")
    s.expect(BETA, 60, what="beta's prompt after its reboot")
    status, out = s.shell("hostname", prompt=BETA)
    assert status == 0 and "beta" in out.split("\n"), out
    assert "domU1 (d1):" not in s.text()[s.text().find("d1 destroyed"):], \
        "alpha (domU1) came back after its poweroff"
