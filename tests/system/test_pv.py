"""The stock Debian kernel as a PV guest (xen,enhanced): it finds Xen 4.17,
runs its console on hvc0 through the ring Domus serves, and powers off and
reboots through SCHEDOP_shutdown, following the domain's lifecycle policy.
A PV and an HVM-style guest run side by side in the same Domus."""
import re

import pytest

from conftest import IMAGE, INITRAMFS, PROMPT, clean

pytestmark = [pytest.mark.slow, pytest.mark.hv]

PV_BOOTARGS = "console=hvc0 rdinit=/sbin/init"


def linux(pv, hostname, **kw):
    args = "%s hostname=%s" % (PV_BOOTARGS if pv else
                               "console=ttyAMA0 rdinit=/sbin/init", hostname)
    keys = "".join(",%s=%s" % kv for kv in kw.items())
    return "kernel=%s,ramdisk=%s,memory=256,cpus=2,pv=%d%s,bootargs=%s" % (
        IMAGE, INITRAMFS, pv, keys, args)


def prompt(host):
    return re.compile(r"%s:[^\r\n#]*# " % host)


def test_pv_guest_finds_xen_and_uses_hvc0(domus, cache_files):
    s = domus("--domain", linux(1, "domus-guest"), timeout=180)
    s.expect("Xen 4.17 support found", what="Linux finding Xen")
    s.expect(re.compile(r"console \[hvc0\] enabled"), what="hvc0 as the console")
    s.expect("Using 2-level ABI", what="event channels (FIFO refused, 2-level used)")
    s.expect(PROMPT, what="the shell on hvc0")
    status, out = s.shell("cat /sys/hypervisor/type /sys/hypervisor/version/major "
                          "/sys/hypervisor/version/minor /sys/hypervisor/version/extra")
    assert (status, out.split()) == (0, ["xen", "4", "17", "-domus"])
    status, out = s.shell("cat /proc/consoles")
    assert status == 0 and out.startswith("hvc0"), out
    status, out = s.shell("echo typed-$((6*7)) | tr a-z A-Z")
    assert (status, out.strip()) == (0, "TYPED-42")       # input and output over the ring
    s.child.sendline("poweroff")
    s.expect(re.compile(r"\(domus\) domU1 \(d1\) powered off: destroying it"))
    assert s.wait_exit(60) == 0


def test_pv_and_hvm_side_by_side_reboot_follows_policy(domus, cache_files):
    s = domus("--domain", linux(1, "pv"), "--domain", linux(0, "hvm"), timeout=240)
    s.expect(prompt("pv"), what="the PV guest's shell (it has the input)")
    s.child.sendline("dmesg | grep -c 'Xen 4.17 support found'")
    s.expect(re.compile(r"\n(\(d1\) )?1\r*\n"), what="the PV guest saw Xen")
    s.child.send("\x01\x01\x01")
    s.expect(re.compile(r"\(domus\) input to domU2"))
    # Its shell may still be starting (a PL011 drops what comes before): a
    # prompt first, the one an empty line gets or its first.
    s.child.sendline("")
    s.expect(prompt("hvm"), what="the HVM guest's shell")
    s.child.sendline("dmesg | grep -c 'Xen 4.17 support found'; uname -n")
    s.expect(re.compile(r"\(d2\) 0\r*\n"), what="the HVM guest did not see Xen")
    s.expect(re.compile(r"\(d2\) hvm\r*\n"))
    s.child.send("\x01\x01\x01")
    s.expect(re.compile(r"\(domus\) input to Domus"))
    s.child.send("\x01\x01\x01")
    s.expect(re.compile(r"\(domus\) input to domU1"))
    s.child.sendline("reboot")
    s.expect(re.compile(r"\(domus\) domU1 \(d1\) rebooted: restarting it"))
    s.expect(re.compile(r"\(domus\) d1 destroyed"))
    s.expect("Xen 4.17 support found", timeout=120, what="the PV guest booting again")
    s.expect(prompt("pv"), timeout=120, what="the PV guest's shell again")
    s.child.sendline("poweroff")
    s.expect(re.compile(r"\(domus\) domU1 \(d1\) powered off: destroying it"))
    # The input moves on by itself, and says so, when its domain goes away.
    s.expect(re.compile(r"\(domus\) input to domU2"))
    s.child.sendline("poweroff")
    s.expect(re.compile(r"\(domus\) domU2 \(d2\) powered off: destroying it"))
    assert s.wait_exit(60) == 0
    assert "faulting in a loop" not in clean(s.text())


def test_pv_reboot_with_destroy_policy_does_not_come_back(domus, cache_files):
    s = domus("--domain", linux(1, "domus-guest", on_reboot="destroy"), timeout=180)
    s.expect(PROMPT)
    s.child.sendline("reboot")
    s.expect(re.compile(r"\(domus\) domU1 \(d1\) rebooted: destroying it"))
    s.expect(re.compile(r"\(domus\) no domain left to run: powering off"))
    assert s.wait_exit(60) == 0
