"""Milestone 1: Debian's arm64 kernel boots under Domus to a busybox shell.

One boot (the default domain of domus_run.py: cache/Image + the busybox
initramfs, 512 MiB, 2 vCPUs, vpl011 console) is shared by the tests in this
file, which run in order and end with poweroff.
"""
import re
import time
import uuid

import pexpect
import pytest

from conftest import DOMUS_LINE, GUEST_START, PROMPT, Session

BOOT_TIMEOUT = 300        # Domus start + Linux boot to the prompt
POWEROFF_TIMEOUT = 120

pytestmark = [pytest.mark.slow, pytest.mark.hv]


class Boot:
    def __init__(self):
        self.session = None
        self.first = None         # "domus" or "guest": which printed first
        self.prompt = False       # the shell prompt appeared
        self.shell_up = False     # ... and the shell answers typed commands
        self.error = None
        self.seconds = None

    def require_shell(self):
        if not self.shell_up:
            self.session.fail("the guest shell is not usable: %s" % self.error)
        return self.session


@pytest.fixture(scope="module")
def guest(cache_files):
    b = Boot()
    s = b.session = Session(["--single"], "test_boot", timeout=BOOT_TIMEOUT, qemu_timeout=900)
    start = time.monotonic()
    try:
        i = s.child.expect([DOMUS_LINE, GUEST_START], timeout=BOOT_TIMEOUT)
        b.first = ("domus", "guest")[i]
        left = max(1, BOOT_TIMEOUT - (time.monotonic() - start))
        s.child.expect(PROMPT, timeout=left)
        b.seconds = time.monotonic() - start
        b.prompt = True
        # First command: a wide terminal, so that busybox's line editor never
        # wraps our lines. It also proves that the console takes input.
        s.shell("stty columns 250 2>/dev/null", timeout=60)
        b.shell_up = True
    except pexpect.TIMEOUT:
        b.error = "timeout after %d s" % BOOT_TIMEOUT
    except pexpect.EOF:
        b.error = "the run ended (exit status %s)" % s._reap()
    except pytest.fail.Exception as e:                 # from shell()
        b.error = "the shell does not answer typed input (%s)" % str(e).split("\n")[0]
    yield b
    s.kill()


def test_domus_banner_before_guest(guest):
    s = guest.session
    if guest.first is None:
        s.fail("neither a '(domus)' line nor the Linux banner appeared: %s" % guest.error)
    assert guest.first == "domus", "the guest printed before any '(domus)' line"
    assert DOMUS_LINE.search(s.text())


def test_boots_to_shell_prompt(guest):
    if not guest.prompt:
        guest.session.fail("no shell prompt: %s" % guest.error)
    print("boot to shell prompt: %.1f s" % guest.seconds)


def test_cpuinfo_lists_two_cpus(guest):
    s = guest.require_shell()
    status, out = s.shell("cat /proc/cpuinfo | grep -c ^processor")
    assert (status, out.strip()) == (0, "2")


def test_nproc(guest):
    s = guest.require_shell()
    status, out = s.shell("nproc")
    assert (status, out.strip()) == (0, "2")


def test_console_echoes_input(guest):
    s = guest.require_shell()
    marker = "mk" + uuid.uuid4().hex[:10]
    line = "echo %s-$((6*7))" % marker
    s.child.sendline(line)
    s.expect(re.compile(re.escape(line)), 30, what="the typed line echoed back")
    s.expect(re.compile(r"\n[^\n]*%s-42\r*\n" % marker), 30, what="the output of the typed command")
    s.expect(PROMPT, 30)


def test_poweroff_exits_qemu_with_status_0(guest):
    s = guest.require_shell()
    s.child.sendline("poweroff")
    status = s.wait_exit(POWEROFF_TIMEOUT)
    assert status == 0, "QEMU exited with status %s after poweroff" % status
