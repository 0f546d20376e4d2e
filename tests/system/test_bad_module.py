"""Domus rejects a domain it cannot build, says why, and powers off.

Each run has a single domain (domU1) that cannot be built, so once Domus has
rejected it no domain is left and the machine must power off: QEMU exits
with status 0. Domus's message is a '(domus)' line naming the domain
(domU1, or Xen-style d1) and the problem.
"""
import os
import re

import pytest

from conftest import clean

EXIT_TIMEOUT = 60
NAME = re.compile(r"\bdomU1\b|\bd1\b")

pytestmark = pytest.mark.hv


def rejected(domus, spec, problem, *extra):
    """Boot Domus with one bad domain; check the message and the power-off."""
    s = domus("--domain", spec, *extra, timeout=EXIT_TIMEOUT, qemu_timeout=EXIT_TIMEOUT + 30)
    status = s.wait_exit(EXIT_TIMEOUT)
    lines = [ln for ln in clean(s.text()).split("\n") if "(domus)" in ln]
    if not lines:
        s.fail("no '(domus)' line at all (exit status %s)" % status)
    hits = [ln for ln in lines if NAME.search(ln) and re.search(problem, ln, re.I)]
    if not hits:
        s.fail("no '(domus)' line names domU1 and matches /%s/ (exit status %s)" % (problem, status))
    assert status == 0, "QEMU exited with status %s, not 0 (power off)" % status
    return hits


def test_garbage_kernel_is_rejected(domus, tmp_path):
    bad = tmp_path / "garbage.img"
    data = bytearray(os.urandom(4096))
    data[56:60] = b"\0\0\0\0"           # certainly no "ARM\x64" magic
    bad.write_bytes(bytes(data))
    rejected(domus, "kernel=%s" % bad, r"not an arm64 image|invalid|bad")


def test_truncated_kernel_is_rejected(domus, tmp_path, cache_files):
    image, _ = cache_files
    bad = tmp_path / "truncated-Image"
    with open(image, "rb") as f:
        bad.write_bytes(f.read(1 << 20))
    rejected(domus, "kernel=%s" % bad,
             r"truncat|too (small|short)|smaller|larger|exceed|invalid|bad|not an arm64 image")


def test_memory_larger_than_ram_is_rejected(domus, cache_files):
    image, initramfs = cache_files
    rejected(domus, "kernel=%s,ramdisk=%s,memory=4096" % (image, initramfs), r"memory",
             "--mem", "2G")
