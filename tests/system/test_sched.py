"""The scheduler with micro-guests: CPU shares under the credit scheduler
(weights, caps, blocked domains), the null scheduler's admission rule, and
domain isolation.

The guests are tests/guests/sys_*.c (built with `make guests`):
  sys_hog       spins and prints "hog: count=<iterations> ticks=<CNTVCT ticks>"
                about once a second, forever;
  sys_blocked   sleeps in WFI forever with no interrupt enabled;
  sys_iso_write / sys_iso_scan
                domain A fills its RAM with a pattern, domain B searches all
                of its own RAM for it; both print PASS when B does not find it.

A share is a hog's iterations per CNTVCT tick over its intervals after the
first WARMUP ones (the CNTVCT counter is wall-clock time, so the rate falls
when the hog has only part of the physical CPU).  Runs with hogs end by
--timeout (exit status 124): the hogs never stop.  Each run's output is kept
in build/test-logs/sched-<name>.log, and the measured figures are printed
(pytest -s shows them) and written to build/test-logs/sched-figures.txt.
"""
import os
import re

import pytest

from conftest import LOG_DIR, build_guests, guest_bin, printed, run, spec

pytestmark = pytest.mark.hv

HOG = guest_bin("sys_hog")
BLOCKED = guest_bin("sys_blocked")
ISO_WRITE = guest_bin("sys_iso_write")
ISO_SCAN = guest_bin("sys_iso_scan")

HOG_SECONDS = 14          # QEMU run time of a hog measurement
WARMUP = 2                # hog intervals left out at the start
TOLERANCE = 0.10


@pytest.fixture(scope="module", autouse=True)
def guests_built():
    build_guests("sys_hog", "sys_blocked", "sys_iso_write", "sys_iso_scan")


def hog_rate(out, dom, name):
    """Iterations per tick of domain number dom (None: the only domain);
    fails when fewer than WARMUP + 5 intervals were printed."""
    prefix = r"\(d%d\) " % dom if dom else r"(?:\(d\d+\) )?"
    found = [(int(c), int(t)) for c, t in
             re.findall(r"(?m)^%shog: count=(\d+) ticks=(\d+)$" % prefix, out)]
    used = found[WARMUP:]
    assert len(used) >= 5, "%s: only %d hog intervals from d%s; see build/test-logs/" \
        "sched-%s.log\n%s" % (name, len(found), dom, name, out[-2000:])
    return sum(c for c, _ in used) / sum(t for _, t in used)


def record(text):
    print("\n" + text)
    os.makedirs(LOG_DIR, exist_ok=True)
    with open(os.path.join(LOG_DIR, "sched-figures.txt"), "a") as f:
        f.write(text + "\n")


# ------------------------------------------------------------ credit scheduler

def test_weights_512_256_share_one_cpu_2_to_1():
    status, out = run("weights", [spec(HOG, weight=512), spec(HOG, weight=256)])
    assert status == 124, "the run ended early (status %s)" % status
    a, b = hog_rate(out, 1, "weights"), hog_rate(out, 2, "weights")
    record("weights 512:256 on 1 pCPU: d1 %.1f, d2 %.1f iterations/tick, ratio %.3f (want 2)"
           % (a, b, a / b))
    assert abs(a / b - 2) <= 2 * TOLERANCE, "ratio %.3f, not 2 +- 10 %%" % (a / b)


@pytest.fixture(scope="module")
def alone():
    """The rate of one hog alone on one physical CPU (the 100 % reference)."""
    _, out = run("hog-alone", [spec(HOG)])
    return hog_rate(out, None, "hog-alone")


def test_blocked_domain_takes_no_cpu(alone):
    _, out = run("hog-blocked", [spec(HOG), spec(BLOCKED)])
    assert "(d2) blocked: sleeping in WFI forever" in out
    with_blocked = hog_rate(out, 1, "hog-blocked")
    record("hog alone %.1f, hog + blocked domain %.1f iterations/tick (%.1f %%)"
           % (alone, with_blocked, 100 * with_blocked / alone))
    assert abs(with_blocked / alone - 1) <= TOLERANCE, \
        "beside a blocked domain the hog got %.1f %% of its rate alone, not 100 +- 10 %%" \
        % (100 * with_blocked / alone)


def test_cap_50_halves_the_share(alone):
    _, out = run("hog-cap50", [spec(HOG, cap=50), spec(BLOCKED)])
    lines = len(re.findall(r"(?m)^\(d1\) hog: count=", out))
    if lines < WARMUP + 5:
        record("hog cap=50 + blocked domain: %d interval lines in %d s (hog alone %.1f "
               "iterations/tick)" % (lines, HOG_SECONDS, alone))
        pytest.fail("with cap=50 the hog printed only %d of its ~1 s interval lines in %d s "
                    "(it should print about %d at half speed: the capped vCPU is starved); "
                    "see build/test-logs/sched-hog-cap50.log" % (lines, HOG_SECONDS, HOG_SECONDS - 1))
    capped = hog_rate(out, 1, "hog-cap50")
    record("hog cap=50 + blocked domain %.1f iterations/tick, %.1f %% of alone (%.1f)"
           % (capped, 100 * capped / alone, alone))
    assert abs(capped / alone - 0.5) <= TOLERANCE, \
        "with cap=50 the hog got %.1f %% of its uncapped rate, not 50 +- 10 %%" \
        % (100 * capped / alone)


# -------------------------------------------------------------- null scheduler

def test_null_refuses_more_vcpus_than_cpus():
    status, out = run("null-refuse", [spec(ISO_SCAN, cpus=2), spec(BLOCKED)], smp=2,
                      timeout=30, xen_extra="sched=null")
    assert "(domus) scheduler: null" in out, out[-2000:]
    m = re.search(r"(?m)^\(domus\) [^\n]*not started: the null scheduler needs a free "
                  r"physical CPU[^\n]*$", out)
    assert m, "no 'not started: the null scheduler needs a free physical CPU' line:\n%s" \
        % out[-3000:]
    assert "domU2 (d2)" in m.group(0), m.group(0)
    assert "blocked: sleeping" not in out
    assert printed(out, "domus-test: sys_iso_scan: PASS"), out[-2000:]
    assert status == 0, "status %s: d1 powered off, so Domus should have too" % status


def test_null_runs_two_one_vcpu_domains_on_two_cpus():
    status, out = run("null-two", [spec(ISO_WRITE), spec(ISO_SCAN)], smp=2, timeout=30,
                      xen_extra="sched=null")
    assert "(domus) scheduler: null" in out, out[-2000:]
    assert "not started" not in out, out[-2000:]
    assert printed(out, "domus-test: sys_iso_write: PASS"), out[-3000:]
    assert printed(out, "domus-test: sys_iso_scan: PASS"), out[-3000:]
    assert status == 0, "status %s, not 0" % status


# ------------------------------------------------------------------- isolation

def test_domain_cannot_see_another_domains_memory():
    status, out = run("isolation", [spec(ISO_WRITE, memory=32), spec(ISO_SCAN, memory=32)],
                      smp=2, timeout=30)
    m = re.search(r"\(d1\) iso_write: pattern written to (\d+) pages", out)
    assert m and int(m.group(1)) > 1000, out[-3000:]
    assert printed(out, "domus-test: sys_iso_write: PASS"), out[-3000:]
    assert re.search(r"\(d2\) iso_scan: scanned 32 MiB of own RAM: 0 copies", out), out[-3000:]
    assert printed(out, "domus-test: sys_iso_scan: PASS"), out[-3000:]
    assert status == 0, "status %s, not 0" % status
