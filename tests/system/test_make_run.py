"""`make run`'s default configuration, as the Makefile spells it (DOM0_RUN):
Dom0 with Debian's Xen tools and the set-up's disk.  The command comes from
`make -n run`, without --interactive, so that it runs under a timeout here."""
import re
import shlex
import subprocess
from pathlib import Path

import pytest

from conftest import PROMPT

pytestmark = pytest.mark.hv

REPO = Path(__file__).resolve().parents[2]
LINUX_BOOT = 300


def make_run_args():
    out = subprocess.run(["make", "-s", "-n", "run"], cwd=REPO, stdin=subprocess.DEVNULL,
                         capture_output=True, text=True, timeout=600).stdout
    lines = [l for l in out.splitlines() if "scripts/domus_run.py" in l]
    assert len(lines) == 1, out
    argv = shlex.split(lines[0])
    args = argv[argv.index("scripts/domus_run.py") + 1:]
    args.remove("--interactive")
    return args


@pytest.fixture(scope="module")
def run(cache_files, request):
    from conftest import Session
    r = subprocess.run(["make", "-s", "all", "dom0"], cwd=REPO, stdin=subprocess.DEVNULL,
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:]
    s = Session(make_run_args(), "make-run", timeout=LINUX_BOOT, qemu_timeout=LINUX_BOOT + 200)
    request.addfinalizer(s.kill)
    s.expect(PROMPT, LINUX_BOOT, what="Dom0's shell prompt")
    return s


def test_make_run_boots_dom0_with_the_set_ups_disk(run):
    assert "domus-dom0: xen services started (oxenstored)" in run.text(), run.tail()
    assert re.search(r"domus-dom0: disks: vda\r*\n", run.text()), run.tail()
    status, out = run.shell("mount /dev/vda /mnt && cat /mnt/README && umount /mnt")
    assert status == 0 and "This is Dom0's virtio disk" in out, out
    status, out = run.shell("xl list")
    assert status == 0 and re.search(r"(?m)^Domain-0\s+0\s+\d+\s+2\s", out), out


def test_z_poweroff_in_dom0_ends_make_run(run):
    run.child.sendline("poweroff")
    run.expect(re.compile(r"Hardware Dom0 halted: halting machine"), 120,
               what="the machine halting after Dom0's poweroff")
    assert run.wait_exit(60) == 0
