"""Domus's exit_profile option (arch/arm64/exit_profile.c): at power-off
Domus prints, per exit class, how many exits there were and the EL2 time
they took, and the same per hypercall; make bench reads it
(scripts/exit_profile.py).  A micro-guest
whose own exits are known checks the counts."""
import os
import re

import pytest

from conftest import REPO, build_guests, guest_bin, run, spec

pytestmark = pytest.mark.hv

ROW = re.compile(r"exit profile: (\S+) (\d+) (\d+) (\d+)$", re.M)


@pytest.fixture(scope="module")
def guests():
    build_guests("psci_basic", "xen_version", "cpu_features")


def test_exits_are_counted_by_class_when_asked_for(guests):
    status, out = run("exit-profile", [spec(guest_bin("psci_basic"))], xen_extra="exit_profile",
                      prefix="profile")
    assert "domus-test: psci_basic: PASS" in out, out[-3000:]
    rows = {c: (int(n), int(us), int(ns)) for c, n, us, ns in ROW.findall(out)}
    # Every character the guest printed went through the vpl011 (two exits
    # each: the flag register, then the data register), and it made PSCI calls.
    printed = sum(len(line) + 1 for line in re.findall(r"(?m)^(?:info|domus-test): .*$", out))
    assert rows.get("mmio-uart", (0,))[0] >= printed, (printed, rows)
    assert rows.get("psci", (0,))[0] >= 3, rows
    assert all(ns > 0 for _, _, ns in rows.values()), rows
    assert out.count("exit profile: class") == 1, "one CPU reports, once"


def test_hypercalls_are_counted_by_number_too(guests):
    status, out = run("exit-profile-pv", [spec(guest_bin("xen_version"), pv=1)],
                      xen_extra="exit_profile", prefix="profile")
    assert "domus-test: xen_version: PASS" in out, out[-3000:]
    rows = {c: int(n) for c, n, _, _ in ROW.findall(out)}
    # The guest's own six XENVER_* calls, and each hypercall under its number.
    assert rows.get("hypercall:xen_version", 0) >= 6, rows
    by_number = sum(n for c, n in rows.items() if c.startswith("hypercall:"))
    assert by_number == rows["hypercall"], rows
    assert not any(c.startswith("memory_op:") for c in rows), rows


def test_system_register_traps_are_counted_by_register_too(guests):
    """cpu_features reads the ID registers Domus traps (HCR_EL2.TID3):
    ID_AA64PFR0_EL1 (S3_0_C0_C4_0) and ID_AA64ISAR2_EL1 (S3_0_C0_C6_2) have
    rows of their own, and the rows add up to the class's count."""
    status, out = run("exit-profile-sysreg", [spec(guest_bin("cpu_features"))],
                      xen_extra="exit_profile", prefix="profile")
    assert "domus-test: cpu_features: PASS" in out, out[-3000:]
    rows = {c: int(n) for c, n, _, _ in ROW.findall(out)}
    assert rows.get("sysreg:S3_0_C0_C4_0", 0) >= 1, rows
    assert rows.get("sysreg:S3_0_C0_C6_2", 0) >= 1, rows
    by_register = sum(n for c, n in rows.items() if c.startswith("sysreg:"))
    assert by_register == rows["sysreg"], rows


def test_no_profile_unless_asked_for(guests):
    status, out = run("no-exit-profile", [spec(guest_bin("psci_basic"))], prefix="profile")
    assert "domus-test: psci_basic: PASS" in out, out[-3000:]
    assert "exit profile:" not in out


def test_the_start_is_told_by_phase_as_make_bench_reads_it(guests):
    """Domus says where its start went (core/setup.c, core/domain.c); the
    phases add up to the whole, each domain's build to its parts, and
    scripts/bench.py reads the same figures back."""
    import bench

    status, out = run("start-phases", [spec(guest_bin("psci_basic")), spec(guest_bin("cpu_features"))],
                      smp=2, prefix="profile")
    assert "domus-test: psci_basic: PASS" in out, out[-3000:]
    done = bench.SETUP_DONE.search(out)
    assert done, out[:3000]
    total, early, memory, cpus, domains = (int(x) for x in done.groups())
    # Each part is rounded down to a microsecond on its own.
    assert total - 4 <= early + memory + cpus + domains <= total, done.group(0)
    built = [(int(a), int(b), int(c)) for a, b, c in re.findall(
        r"\(d\d+\): built in (\d+) us \(structures and RAM (\d+) us, images and device tree "
        r"(\d+) us\)", out)]
    assert len(built) == 2, out[:3000]
    assert all(whole - 2 <= ram + images <= whole for whole, ram, images in built), built
    assert sum(whole for whole, _, _ in built) <= domains, (built, domains)
    log = os.path.join(REPO, "build", "test-logs", "profile-start-phases.log")
    assert bench.domus_setup_ms(log) == pytest.approx({
        "total": total / 1000, "early": early / 1000, "memory": memory / 1000,
        "cpus": cpus / 1000, "domains": domains / 1000,
        "ram": sum(r for _, r, _ in built) / 1000, "images": sum(i for _, _, i in built) / 1000})
