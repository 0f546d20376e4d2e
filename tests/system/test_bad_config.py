"""Domus refuses what it cannot run, says exactly why, and keeps going.

  * a host device tree that is not one: reported on QEMU virt's UART (the
    build-time fallback console), then power off;
  * a domain asking for more vCPUs than there are physical CPUs;
  * a module whose `reg` (in a host DTB edited with --host-dtb) overlaps
    Domus, overlaps another domain's module, or lies outside RAM;
  * one bad domain next to a good one: the good one still runs.

Each run ends with Domus powering the machine off: QEMU exits with status 0.
The micro-guest psci_basic (build/guests/, `make guests`) is the small good
kernel: it prints its PASS line and calls SYSTEM_OFF.
"""
import os
import re
import struct
import subprocess

import pytest

import domus_run  # scripts/, put on sys.path by conftest
from conftest import LOG_DIR, REPO, clean, fail_on_panic

EXIT_TIMEOUT = 60
GUEST = os.path.join(REPO, "build", "guests", "psci_basic.bin")
HV = os.path.join(REPO, "build", "domus.bin")
HV_LOAD = 0x40200000        # where QEMU puts an arm64 Image (RAM base + 2 MiB)
PASS_LINE = "domus-test: psci_basic: PASS"
NOTHING_TO_RUN = "(domus) nothing to run: powering off"

pytestmark = pytest.mark.hv


@pytest.fixture(scope="module")
def guest_bin():
    """build/guests/psci_basic.bin, built with `make guests` (incremental)."""
    r = subprocess.run(["make", "-s", "guests"], cwd=REPO, stdin=subprocess.DEVNULL,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=300)
    if r.returncode or not os.path.isfile(GUEST):
        pytest.fail("make guests failed:\n%s" % r.stdout[-3000:], pytrace=False)
    return GUEST


def run_to_exit(domus, *args):
    """Boot, wait for the power-off; return (exit status, cleaned '(domus)'
    lines, cleaned text, session)."""
    s = domus(*args, timeout=EXIT_TIMEOUT, qemu_timeout=EXIT_TIMEOUT + 30)
    status = s.wait_exit(EXIT_TIMEOUT)
    text = clean(s.text())
    lines = [ln.strip() for ln in text.split("\n") if ln.strip().startswith("(domus)")]
    return status, lines, text, s


def require_line(s, lines, line):
    if line not in lines:
        s.fail("no line %r among the '(domus)' lines" % line)


def spec(kernel, **kw):
    return ",".join(["kernel=%s" % kernel] + ["%s=%s" % kv for kv in kw.items()])


# -------------------------------------------------------------- host DTB

def edited_host_dtb(tmp_path, argv, moves):
    """The DTB domus_run.py would generate for argv, with module regs moved:
    moves = {(domain index from 1, 'kernel' | 'ramdisk'): new address}.
    The modules themselves are still loaded where the launcher places them."""
    args = domus_run.parse_args(argv)
    text, placements = domus_run.host_dts(args, domus_run.domains_from_args(args))
    for (dom, kind), new in moves.items():
        addr, size = [(a, n) for k, _, a, n in placements[dom - 1] if k == kind][0]
        old_reg = "reg = <%s %s>;" % (domus_run.cells64(addr), domus_run.cells64(size))
        new_reg = "reg = <%s %s>;" % (domus_run.cells64(new), domus_run.cells64(size))
        node = "module@%x {" % addr
        start = text.index(node)
        end = text.index("};", start)
        assert text.count(node) == 1 and old_reg in text[start:end]
        text = text[:start] + text[start:end].replace(old_reg, new_reg) + text[end:]
    dts, dtb = tmp_path / "host.dts", tmp_path / "host.dtb"
    dts.write_text(text)
    subprocess.run(["dtc", "-q", "-I", "dts", "-O", "dtb", "-o", str(dtb), str(dts)],
                   check=True, timeout=60)
    return str(dtb)


@pytest.mark.parametrize("head, error", [
    (b"", "FDT_ERR_BADMAGIC"),                                  # 4 KiB of garbage
    (b"\xd0\x0d\xfe\xed" + struct.pack(">I", 4096) + bytes(16), "FDT_ERR_BADVERSION"),
])
def test_invalid_host_device_tree(tmp_path, head, error):
    """QEMU refuses an invalid -dtb itself ("load_device_tree: Unable to copy
    device tree into memory"), so Domus is started without one: loaded with
    QEMU's generic loader, which enters it with x0 = 0, where the garbage is."""
    garbage = bytearray(os.urandom(4096))
    garbage[:len(head)] = head
    if not head:
        garbage[:4] = b"\0\0\0\0"             # certainly no FDT magic
    bad = tmp_path / "garbage.dtb"
    bad.write_bytes(bytes(garbage))

    argv, _ = domus_run.build_command(domus_run.parse_args([]), domains=[])
    i = argv.index("-kernel")
    assert argv[i:i + 3:2] == ["-kernel", "-dtb"]
    del argv[i:i + 4]
    argv += ["-device", "loader,file=%s,addr=0x%x,force-raw=on" % (HV, HV_LOAD),
             "-device", "loader,addr=0x%x,cpu-num=0" % HV_LOAD,
             "-device", "loader,file=%s,addr=0x0,force-raw=on" % bad]
    log = os.path.join(LOG_DIR, "system-invalid-dt-%s.log" % error)
    os.makedirs(LOG_DIR, exist_ok=True)
    try:
        r = subprocess.run(argv, cwd=REPO, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=EXIT_TIMEOUT)
        out, status = r.stdout.decode("utf-8", "replace"), r.returncode
    except subprocess.TimeoutExpired as e:
        out, status = (e.stdout or b"").decode("utf-8", "replace"), "timeout"
    out = clean(out)
    with open(log, "w") as f:
        f.write("# %s\n%s\n[exit status: %s]\n" % (" ".join(argv), out, status))
    fail_on_panic(out, log)
    want = "(domus) the device tree at 0 is not valid (%s): nothing to run" % error
    assert want in out.split("\n"), "%r missing (exit status %s):\n%s" % (want, status, out[-1500:])
    assert status == 0, "QEMU exit status %s, not 0 (power off); see %s" % (status, log)


def test_module_overlapping_domus(domus, guest_bin, tmp_path):
    argv = ["--domain", spec(guest_bin, memory=64)]
    dtb = edited_host_dtb(tmp_path, argv, {(1, "kernel"): HV_LOAD})
    status, lines, _, s = run_to_exit(domus, *argv, "--host-dtb", dtb)
    banner = [re.search(r"\(image ([0-9a-f]+)-([0-9a-f]+)\)", ln) for ln in lines]
    banner = [m for m in banner if m]
    if not banner:
        s.fail("no banner with 'image <start>-<end>'")
    start, end = (int(x, 16) for x in banner[0].groups())
    assert start <= HV_LOAD < end, "Domus's image %x-%x does not hold %x" % (start, end, HV_LOAD)
    require_line(s, lines, "(domus) domU1 (d1) not started: kernel module at %x overlaps Domus"
                 % HV_LOAD)
    require_line(s, lines, NOTHING_TO_RUN)
    assert status == 0, "QEMU exited with status %s, not 0" % status


def test_module_overlapping_another_domains_module(domus, guest_bin, tmp_path):
    argv = ["--domain", spec(guest_bin, memory=64), "--domain", spec(guest_bin, memory=64)]
    args = domus_run.parse_args(argv)
    placements = domus_run.place_modules(domus_run.domains_from_args(args),
                                         domus_run.parse_size(args.mem))
    d1_kernel = placements[0][0][2]
    dtb = edited_host_dtb(tmp_path, argv, {(2, "kernel"): d1_kernel})
    status, lines, _, s = run_to_exit(domus, *argv, "--host-dtb", dtb)
    require_line(s, lines, "(domus) domU2 (d2) not started: kernel module at %x overlaps "
                 "a module of domU1" % d1_kernel)
    assert status == 0, "QEMU exited with status %s, not 0" % status


def test_module_outside_ram(domus, guest_bin, tmp_path):
    argv = ["--domain", spec(guest_bin, memory=64)]
    dtb = edited_host_dtb(tmp_path, argv, {(1, "kernel"): 0x1000})
    status, lines, _, s = run_to_exit(domus, *argv, "--host-dtb", dtb)
    require_line(s, lines, "(domus) domU1 (d1) not started: kernel module at 1000 is not in RAM")
    require_line(s, lines, NOTHING_TO_RUN)
    assert status == 0, "QEMU exited with status %s, not 0" % status


# -------------------------------------------------------------- domains

def test_more_vcpus_than_a_domain_may_have(domus, guest_bin):
    # More vCPUs than physical CPUs is fine (the credit scheduler overcommits);
    # more than MAX_VCPUS (8) is not.
    status, lines, _, s = run_to_exit(domus, "--smp", "2",
                                      "--domain", spec(guest_bin, memory=64, cpus=9))
    require_line(s, lines, "(domus) domU1 (d1) not started: asks for more vCPUs than a "
                 "domain may have (8)")
    if NOTHING_TO_RUN not in lines and not any("no domain" in ln for ln in lines):
        s.fail("neither 'no domain' nor 'nothing to run' after the rejection")
    assert status == 0, "QEMU exited with status %s, not 0" % status


def test_bad_domain_does_not_stop_a_good_one(domus, guest_bin, tmp_path):
    bad = tmp_path / "garbage.img"
    data = bytearray(os.urandom(4096))
    data[56:60] = b"\0\0\0\0"           # no "ARM\x64" magic
    bad.write_bytes(bytes(data))
    status, lines, text, s = run_to_exit(domus, "--domain", spec(bad, memory=64),
                                         "--domain", spec(guest_bin, memory=64, cpus=2))
    require_line(s, lines, '(domus) domU1 (d1) not started: not an arm64 Image '
                 '(no "ARM\\x64" magic at offset 56)')
    if not any(ln.startswith("(domus) domU2 (d2): 2 vCPU(s), 64 MiB") for ln in lines):
        s.fail("domU2 was not started")
    if PASS_LINE not in [ln.strip() for ln in text.split("\n")]:
        s.fail("domU2 did not print %r" % PASS_LINE)
    assert status == 0, "QEMU exited with status %s, not 0 (power off)" % status


# -------------------------------------------------------------- Dom0

DOM0_ARGS = ["--xen-bootargs", "console=dtuart dtuart=/pl011@9000000 dom0_mem=64M"]


def test_dom0_kernel_that_is_not_an_image(domus, tmp_path):
    bad = tmp_path / "garbage.img"
    bad.write_bytes(bytes(4096))
    status, lines, _, s = run_to_exit(domus, "--dom0", "kernel=%s" % bad, *DOM0_ARGS)
    require_line(s, lines, '(domus) Domain-0 (d0) not started: not an arm64 Image '
                 '(no "ARM\\x64" magic at offset 56)')
    assert status == 0, "QEMU exited with status %s, not 0" % status


def test_dom0_mem_larger_than_free_ram(domus, guest_bin):
    status, lines, _, s = run_to_exit(domus, "--dom0", "kernel=%s" % guest_bin, "--xen-bootargs",
                                      "console=dtuart dtuart=/pl011@9000000 dom0_mem=3G")
    require_line(s, lines, "(domus) Domain-0 (d0) not started: dom0_mem= asks for more memory "
                 "than is free")
    assert status == 0, "QEMU exited with status %s, not 0" % status


def test_a_device_the_host_tree_puts_in_ram_is_not_given_to_dom0(domus, guest_bin, tmp_path):
    """A host tree that says a device's registers are RAM (Domus's own, other
    domains') is wrong: that device is not passed through, with a message
    naming it, and Dom0 still starts (a micro-guest: it has no console as
    Dom0, so the run is stopped once Dom0 is up)."""
    argv = ["--dom0", "kernel=%s" % guest_bin] + DOM0_ARGS
    args = domus_run.parse_args(argv)
    text, _ = domus_run.host_dts(args, domus_run.domains_from_args(args))
    bogus = ('\tbogus@48000000 {\n\t\tcompatible = "test,bogus";\n'
             '\t\treg = <0x00 0x48000000 0x00 0x1000>;\n\t};\n')
    text = text[:text.index("\tchosen {")] + bogus + text[text.index("\tchosen {"):]
    dts, dtb = tmp_path / "host.dts", tmp_path / "host.dtb"
    dts.write_text(text)
    subprocess.run(["dtc", "-q", "-I", "dts", "-O", "dtb", "-o", str(dtb), str(dts)],
                   check=True, timeout=60)
    s = domus(*argv, "--host-dtb", str(dtb), timeout=EXIT_TIMEOUT,
              qemu_timeout=EXIT_TIMEOUT + 30)
    s.expect(re.compile(r"\(domus\) Domain-0 \(d0\): 2 vCPU\(s\), 64 MiB"), EXIT_TIMEOUT,
             what="Dom0 starting")
    lines = [ln.strip() for ln in clean(s.text()).split("\n")]
    require_line(s, lines, "(domus) Dom0: bogus@48000000: registers 48000000+1000 are RAM: "
                 "not passed through")
    s.kill()
