"""Dom0 on a board with nothing above 4 GiB (QEMU's virt with highmem=off):
Domus's stage 2 for it is walked from level 2 while everything mapped lies
below 16 GiB (arch/arm64/p2m.c).  Then Dom0 maps a DomU's page at a frame
of its own above 16 GiB: from then on its walks start at level 1, on each
CPU as it next faults there, and Dom0 reads the page."""
import pytest

from test_dom0 import (DOM0, LINUX_BOOT, PATTERN, PATTERN_GFN, XEN_BOOTARGS,  # noqa: F401
                       dom0_initramfs, pattern_written, peek_above_16_gib)
from conftest import PROMPT

pytestmark = pytest.mark.hv


@pytest.fixture(scope="module")
def dom0_low(cache_files, dom0_initramfs):
    from conftest import Session, build_guests, guest_bin
    build_guests("sys_pattern")
    s = Session(["--dom0", DOM0, "--xen-bootargs", XEN_BOOTARGS, "--smp", "2", "--mem", "2048M",
                 "--domain", "kernel=%s,memory=64,cpus=1" % guest_bin("sys_pattern")]
                + ["--machine-opts", "highmem=off"],
                "dom0-low", timeout=LINUX_BOOT, qemu_timeout=LINUX_BOOT + 300)
    yield s
    s.kill()


def test_dom0_reads_a_page_it_maps_above_16_gib_once_all_was_below(dom0_low):
    dom0_low.expect(PROMPT, LINUX_BOOT, what="Dom0's shell prompt on hvc0")
    pattern_written(dom0_low)
    status, out = dom0_low.shell("xenctl peek 1 0x%x" % PATTERN_GFN)      # below first
    assert status == 0 and out == PATTERN, out
    assert peek_above_16_gib(dom0_low) < 4 << 30    # nothing of the board's above 4 GiB
