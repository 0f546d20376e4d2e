"""Console switching: three Ctrl-A move typed input from the guest to Domus,
which answers its debug keys, and three more give it back to the guest.

One boot of the default domain (cache/Image + the busybox initramfs); the
steps run in order in a single test and end with poweroff.
"""
import re

import pytest

from conftest import PROMPT, Session

BOOT_TIMEOUT = 300
STEP_TIMEOUT = 30
CTRL_A3 = "\x01\x01\x01"

pytestmark = [pytest.mark.slow, pytest.mark.hv]


def domus_line(text):
    """A regex for a '(domus) <text>...' line (text is literal)."""
    return re.compile(r"\(domus\) %s[^\r\n]*\r*\n" % re.escape(text))


@pytest.fixture
def booted(cache_files):
    s = Session(["--single"], "test_console", timeout=BOOT_TIMEOUT, qemu_timeout=900)
    try:
        s.expect(PROMPT, BOOT_TIMEOUT, what="the guest shell prompt")
        s.shell("stty columns 250 2>/dev/null")
        yield s
    finally:
        s.kill()


def test_ctrl_a_switches_input_to_domus_and_back(booted):
    s = booted

    s.child.send(CTRL_A3)
    s.expect(domus_line("input to Domus (h for help"), STEP_TIMEOUT)

    s.child.send("h")
    s.expect(domus_line("'h': "), STEP_TIMEOUT, what="the help line for 'h'")
    s.expect(domus_line("'q': "), STEP_TIMEOUT, what="the help line for 'q'")
    s.expect(domus_line("'m': "), STEP_TIMEOUT, what="the help line for 'm'")

    s.child.send("q")
    s.expect(domus_line("domU1 (d1)"), STEP_TIMEOUT, what="'q': a line for domU1 (d1)")
    s.expect(re.compile(r"\(domus\) +vCPU 0 [^\r\n]*\r*\n"), STEP_TIMEOUT,
             what="'q': a line for vCPU 0")

    s.child.send("m")
    s.expect(re.compile(r"\(domus\) [^\r\n]*free:[^\r\n]*\r*\n"), STEP_TIMEOUT,
             what="'m': a line with 'free:'")

    s.child.send(CTRL_A3)
    s.expect(domus_line("input to domU1"), STEP_TIMEOUT)

    # The keys Domus took ('h', 'q', 'm') must not have reached the shell:
    # "hqmecho ..." would be "not found", not 42.
    s.child.sendline("echo $((6*7))")
    s.expect(re.compile(r"\n42\r*\n"), STEP_TIMEOUT, what="42 from the guest shell")
    s.expect(PROMPT, STEP_TIMEOUT)

    s.child.sendline("poweroff")
    status = s.wait_exit(120)
    assert status == 0, "QEMU exited with status %s after poweroff" % status
