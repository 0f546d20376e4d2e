"""Memory isolation between running domains, with micro-guests
(tests/guests/sys_*.c):

  sys_iso_a / sys_iso_b  each fills all its RAM with its own pattern and
                         tries to store it at every 2 MiB of IPA 0-4 GiB
                         outside its RAM (every store must fault); then each
                         searches its RAM for the other's pattern and reads
                         every 2 MiB step outside its RAM (must fault);
  sys_iso_write / sys_iso_scan
                         domain A fills its RAM with a pattern, domain B
                         searches all of its own RAM for it; both print PASS
                         when B does not find it.

(CPU isolation, a domain that cannot starve another, is in test_sched.py; a
crashing domain that leaves the others running, in test_lifecycle.py.)

Each run's output is kept in build/test-logs/isolation-<name>.log.
"""
import re

import pytest

from conftest import build_guests, guest_bin, printed, rejoin, run, spec

pytestmark = pytest.mark.hv

ISO_A, ISO_B = guest_bin("sys_iso_a"), guest_bin("sys_iso_b")
ISO_WRITE, ISO_SCAN = guest_bin("sys_iso_write"), guest_bin("sys_iso_scan")


@pytest.fixture(scope="module", autouse=True)
def guests_built():
    build_guests("sys_iso_a", "sys_iso_b", "sys_iso_write", "sys_iso_scan")


# How the isolation guests begin their lines (for rejoin: a cut line's rest does not).
LINE_START = r"(?:sys_iso_a|sys_iso_b|iso_write|iso_scan|info|domus-test): "


def iso_run(name, domains, smp=2, timeout=40):
    status, out = run(name, domains, smp=smp, timeout=timeout, prefix="isolation")
    return status, rejoin(out, LINE_START)


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


def test_domain_cannot_see_another_domains_memory():
    status, out = iso_run("one-way", [spec(ISO_WRITE, memory=32), spec(ISO_SCAN, memory=32)],
                          timeout=30)
    m = re.search(r"\(d1\) iso_write: pattern written to (\d+) pages", out)
    assert m and int(m.group(1)) > 1000, out[-3000:]
    assert printed(out, "domus-test: sys_iso_write: PASS"), out[-3000:]
    assert re.search(r"\(d2\) iso_scan: scanned 32 MiB of own RAM: 0 copies", out), out[-3000:]
    assert printed(out, "domus-test: sys_iso_scan: PASS"), out[-3000:]
    assert status == 0, "status %s, not 0" % status
