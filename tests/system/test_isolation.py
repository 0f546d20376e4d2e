"""Isolation between running domains, with micro-guests (tests/guests/sys_*.c):

  sys_iso_a / sys_iso_b  each fills all its RAM with its own pattern and
                         tries to store it at every 2 MiB of IPA 0-4 GiB
                         outside its RAM (every store must fault); then each
                         searches its RAM for the other's pattern and reads
                         every 2 MiB step outside its RAM (must fault);
  sys_spin_masked        spins forever with DAIF set;
  sys_ticker             counts 20 timer ticks 100 ms apart, then PASSes;
  sys_crash_loop         VBAR_EL1 = 0x1000 (unmapped), then a load from an
                         unmapped IPA: faults forever.

Each run's output is kept in build/test-logs/isolation-<name>.log.
"""
import re

import pytest

from conftest import build_guests, guest_bin, printed, run, spec

pytestmark = pytest.mark.hv

ISO_A, ISO_B = guest_bin("sys_iso_a"), guest_bin("sys_iso_b")
SPIN = guest_bin("sys_spin_masked")
TICKER = guest_bin("sys_ticker")
CRASH = guest_bin("sys_crash_loop")


@pytest.fixture(scope="module", autouse=True)
def guests_built():
    build_guests("sys_iso_a", "sys_iso_b", "sys_spin_masked", "sys_ticker", "sys_crash_loop")


def iso_run(name, domains, smp=2, timeout=40):
    return run(name, domains, smp=smp, timeout=timeout, prefix="isolation")


def test_domains_cannot_reach_each_others_memory_both_ways():
    status, out = iso_run("mutual", [spec(ISO_A, memory=32), spec(ISO_B, memory=32)])
    for me, peer in (("sys_iso_a", "sys_iso_b"), ("sys_iso_b", "sys_iso_a")):
        m = re.search(r"(?m)^(?:\(d\d\) )?%s: filled (\d+) pages of own RAM; (\d+) stores at "
                      r"(\d+) IPAs outside RAM, (\d+) not faulting$" % me, out)
        assert m, "%s: no phase-1 line\n%s" % (me, out[-3000:])
        assert int(m.group(1)) > 7000, m.group(0)            # ~all of 32 MiB
        assert int(m.group(3)) >= 2000 and m.group(4) == "0", m.group(0)
        # The scan must come after the peer has written its pattern everywhere.
        done = out.find("%s: phase 1 done" % peer)
        scan = out.find("%s: scanning" % me)
        assert 0 <= done < scan, "%s scanned before %s finished writing:\n%s" % (me, peer, out)
        assert re.search(r"(?m)^(?:\(d\d\) )?%s: scanned 32 MiB of own RAM: 0 copies of the "
                         r"peer's pattern, 0 own pages changed; 0 IPAs outside RAM readable, "
                         r"0 with the peer's pattern$" % me, out), out[-3000:]
        assert printed(out, "domus-test: %s: PASS" % me), out[-3000:]
    assert status == 0, "status %s, not 0" % status


def test_masked_spinner_does_not_starve_another_domain_on_one_cpu():
    status, out = iso_run("spin-masked", [spec(SPIN), spec(TICKER)], smp=1, timeout=30)
    assert "(d1) spin_masked: spinning with DAIF set" in out, out[-3000:]
    m = re.search(r"(?m)^(?:\(d2\) )?ticker: tick 20, up (\d+) ms$", out)
    assert m, "the ticker did not count its 20 ticks beside the masked spinner:\n%s" % out[-3000:]
    assert int(m.group(1)) < 10000, "20 ticks of 100 ms took %s ms" % m.group(1)
    assert printed(out, "domus-test: sys_ticker: PASS"), out[-3000:]
    assert status == 124, "status %s: the spinner never stops, the run should end by " \
        "--timeout" % status


def test_faulting_guest_is_crashed_and_the_other_runs_on():
    status, out = iso_run("crash-loop", [spec(CRASH), spec(TICKER)], smp=1, timeout=40)
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
