"""Dom0: a stock Debian kernel booted as Xen boots its Dom0 (modules directly
in /chosen, xen,dom0-bootargs, dom0_mem= and dom0_max_vcpus= on the command
line), with the configuration the project is judged with: 2 CPUs, 2 GiB,
"dom0_mem=512M dom0_max_vcpus=2 console_timestamps=boot loglvl=all
guest_loglvl=all", console=hvc0.  Its shell answers on hvc0 through
console_io, Linux sees what Xen 4.17 tells a Dom0, and Debian's own Xen 4.17
tools run in it unmodified: oxenstored, xen-init-dom0 and xenconsoled started
by its init (dom0/rc.local), then xl."""
import re
import subprocess
import time
from pathlib import Path

import pytest

from conftest import PROMPT

pytestmark = pytest.mark.hv

XEN_BOOTARGS = ("console=dtuart dtuart=/pl011@9000000 dom0_mem=512M dom0_max_vcpus=2 "
                "console_timestamps=boot loglvl=all guest_loglvl=all")
# The guests' initramfs plus tests/dom0's tools (make dom0).
DOM0 = ("kernel=cache/Image,ramdisk=build/dom0/initramfs.cpio.gz,"
        "bootargs=console=hvc0 rdinit=/sbin/init")
LINUX_BOOT = 300
REPO = Path(__file__).resolve().parents[2]
XENFEAT_DOM0 = 1 << 11
XENFEAT_DIRECT_MAPPED = 1 << 17
XENFEAT_NOT_DIRECT_MAPPED = 1 << 16


DISK_SECTORS = 8192                     # a 4 MiB virtio-blk disk
MARKS = {0: b"DOMUS-DISK-START!!", 2048: b"DOMUS-DISK-AT-1MiB"}    # sector: bytes
FS_TEXT = "a file on an ext2 disk that Dom0 mounts"




def make_disk(path, tag):
    data = bytearray(DISK_SECTORS * 512)
    for sector, mark in MARKS.items():
        data[sector * 512:sector * 512 + len(mark)] = mark
    data[3 * 512:3 * 512 + len(tag)] = tag
    path.write_bytes(bytes(data))
    return path


@pytest.fixture(scope="module")
def disk(tmp_path_factory):
    """On virtio-mmio (-device virtio-blk-device)."""
    return make_disk(tmp_path_factory.mktemp("dom0") / "mmio.img", b"ON-VIRTIO-MMIO")


@pytest.fixture(scope="module")
def fs_disk(tmp_path_factory):
    """An ext2 file system (mke2fs -d, from e2fsprogs) with one file in it."""
    top = tmp_path_factory.mktemp("dom0")
    (top / "files").mkdir()
    (top / "files" / "hello.txt").write_text(FS_TEXT + "\n")
    img = top / "fs.img"
    r = subprocess.run(["/sbin/mke2fs", "-q", "-F", "-t", "ext2", "-L", "DOMUSFS", "-d",
                        str(top / "files"), str(img), "4M"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    return img


@pytest.fixture(scope="module")
def pci_disk(tmp_path_factory):
    """On PCIe (-device virtio-blk-pci)."""
    return make_disk(tmp_path_factory.mktemp("dom0") / "pci.img", b"ON-VIRTIO-PCI")


def qemu(*args):
    return ["--extra-qemu=" + a for a in args]


@pytest.fixture(scope="module")
def dom0_initramfs():
    r = subprocess.run(["make", "-s", "-C", str(REPO), "dom0"], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True)
    if r.returncode:
        pytest.fail("make dom0 failed:\n" + r.stdout[-3000:])


# A dom0less DomU beside Dom0, with a known page for Dom0 to map (PATTERN_GFN).
PATTERN_GFN = 0x42000
PATTERN = "DOMUS-FOREIGN-PAGE-OF-DOMU1"


@pytest.fixture(scope="module")
def dom0(cache_files, dom0_initramfs, disk, pci_disk, fs_disk, request):
    from conftest import Session, build_guests, guest_bin
    build_guests("sys_pattern", "sys_xenstore")
    s = Session(["--dom0", DOM0, "--xen-bootargs", XEN_BOOTARGS, "--smp", "2", "--mem", "2048M",
                 "--domain", "kernel=%s,memory=64,cpus=1" % guest_bin("sys_pattern"),
                 "--domain", "kernel=%s,memory=64,cpus=1,pv=1" % guest_bin("sys_xenstore")]
                + qemu("-drive", "file=%s,if=none,id=hd0,format=raw" % disk,
                       "-device", "virtio-blk-device,drive=hd0",
                       "-drive", "file=%s,if=none,id=hd1,format=raw" % pci_disk,
                       "-device", "virtio-blk-pci,drive=hd1",
                       "-drive", "file=%s,if=none,id=hd2,format=raw" % fs_disk,
                       "-device", "virtio-blk-device,drive=hd2",
                       "-netdev", "user,id=n0", "-device", "virtio-net-device,netdev=n0"),
                "dom0-boot", timeout=LINUX_BOOT, qemu_timeout=LINUX_BOOT + 300)
    request.addfinalizer(s.kill)
    s.expect(PROMPT, LINUX_BOOT, what="Dom0's shell prompt on hvc0")
    return s


def test_dom0_is_built_as_xen_builds_it(dom0):
    text = dom0.text()
    assert re.search(r"\(domus\) \[\s*\d+\.\d{6}\] Domain-0 \(d0\): 2 vCPU\(s\), 512 MiB", text), \
        dom0.tail()
    assert "input to Domain-0" in text
    assert "Xen 4.17 support found" in text
    assert "Grant table initialized" in text and "add_to_physmap failed" not in text


def test_dom0_sees_a_privileged_direct_mapped_xen_guest(dom0):
    status, out = dom0.shell("cat /sys/hypervisor/type /sys/hypervisor/version/major "
                             "/sys/hypervisor/version/minor")
    assert status == 0 and out.split() == ["xen", "4", "17"], out
    status, out = dom0.shell("cat /sys/hypervisor/properties/features")
    features = int(out.strip(), 16)
    assert features & XENFEAT_DOM0 and features & XENFEAT_DIRECT_MAPPED, hex(features)
    assert not features & XENFEAT_NOT_DIRECT_MAPPED, hex(features)


def test_dom0_memory_is_its_own_host_range_and_has_two_vcpus(dom0):
    status, out = dom0.shell("grep -c ^processor /proc/cpuinfo; grep MemTotal /proc/meminfo")
    cpus, mem = out.split("\n")
    assert int(cpus) == 2
    assert 400 * 1024 < int(mem.split()[1]) <= 512 * 1024, mem
    # Guest physical = host physical: its RAM is where Domus took it from the host.
    m = re.search(r"Domain-0 \(d0\): 2 vCPU\(s\), 512 MiB, kernel at ([0-9a-f]+)", dom0.text())
    # (Linux's balloon may hotplug more System RAM where it finds no device, as on Xen.)
    status, out = dom0.shell("grep -B1 'Kernel code' /proc/iomem | head -1")
    start, end = (int(x, 16) for x in out.split()[0].split("-"))
    assert start <= int(m.group(1), 16) < end and end + 1 - start == 512 * 2**20, \
        (out, m.group(0))


def test_dom0_console_is_hvc0_with_virq_console_input(dom0):
    status, out = dom0.shell("grep -E 'hvc_console|events' /proc/interrupts; echo $((6*7))")
    assert status == 0 and "hvc_console" in out and "42" in out.split("\n"), out


def test_dom0_drives_the_hosts_devices(dom0):
    """The host's PL031 and PL061 are Dom0's: their registers mapped, their
    interrupts forwarded; Domus's own UART is not in its tree."""
    text = dom0.text()
    assert re.search(r"rtc-pl031 9010000\.pl031: registered as rtc0", text), dom0.tail()
    assert "pl061_gpio 9030000.pl061: PL061 GPIO chip registered" in text
    status, out = dom0.shell("ls /proc/device-tree | grep -c -E '^pl011@9000000$'; "
                             "ls /proc/device-tree | grep -c -E '^(virtio_mmio@|pl031@|pl061@)'")
    hidden, devices = out.split("\n")
    assert hidden == "0" and int(devices) >= 34, out


def disk_named(dom0, tag):
    """The /dev node of the disk whose sector 3 holds tag."""
    status, out = dom0.shell("for d in /sys/block/vd*; do n=${d##*/}; "
                             "echo $n $(dd if=/dev/$n bs=512 skip=3 count=1 2>/dev/null | "
                             "head -c 14); done")
    for line in out.split("\n"):
        if tag in line:
            return "/dev/" + line.split()[0]
    raise AssertionError("no disk with %r: %s" % (tag, out))


@pytest.fixture(scope="module")
def drivers(dom0):
    """Dom0's init loaded the virtio drivers (dom0/rc.local), each without a failure."""
    assert "domus-dom0: cannot load" not in dom0.text(), dom0.tail()
    m = re.search(r"domus-dom0: disks: ([^\r\n]*)", dom0.text())
    assert m and sorted(m.group(1).split()) == ["vda", "vdb", "vdc"], dom0.tail()
    status, out = dom0.shell("ls /sys/class/net")
    assert status == 0 and "eth0" in out.split(), out
    return out


def test_dom0_reads_and_writes_a_virtio_mmio_disk(dom0, drivers, disk):
    """The device DMAs into Dom0's 1:1 memory; its SPI is forwarded."""
    dev = disk_named(dom0, "ON-VIRTIO-MMIO")
    status, out = dom0.shell("cat /sys/block/%s/size" % dev[5:])
    assert out == str(DISK_SECTORS), out
    for sector, mark in MARKS.items():
        status, out = dom0.shell("dd if=%s bs=512 skip=%d count=1 2>/dev/null | head -c %d"
                                 % (dev, sector, len(mark)))
        assert out == mark.decode(), (sector, out)
    status, out = dom0.shell("echo DOM0-WROTE-THIS | dd of=%s bs=512 seek=4096 "
                             "conv=sync,fsync 2>/dev/null" % dev)
    assert status == 0, out
    assert disk.read_bytes()[4096 * 512:4096 * 512 + 15] == b"DOM0-WROTE-THIS"


def test_dom0_reads_a_virtio_pci_disk(dom0, drivers):
    """PCIe: ECAM and the bus window mapped, INTx forwarded (no ITS, so no MSIs)."""
    dev = disk_named(dom0, "ON-VIRTIO-PCI")
    status, out = dom0.shell("dd if=%s bs=512 skip=2048 count=1 2>/dev/null | head -c 18" % dev)
    assert out == MARKS[2048].decode(), out
    status, out = dom0.shell("dmesg | grep -c 'virtio-pci 0000:00:01.0: enabling device'")
    assert out == "1", out


def test_dom0_network_on_virtio_net(dom0, drivers):
    """virtio-net-device with QEMU's user network: Dom0 reaches its gateway."""
    status, out = dom0.shell("ip link set eth0 up && ip addr add 10.0.2.15/24 dev eth0 && "
                             "ping -c 2 -W 5 10.0.2.2", timeout=60)
    assert status == 0 and "2 packets received" in out, out


def test_dom0_user_space_asks_domus_through_privcmd(dom0, drivers):
    """tests/dom0/xenctl makes the toolstack's hypercalls from Dom0 user space
    (privcmd, pointers into its own memory): sysctl physinfo, getdomaininfolist
    and readconsole, domctl getdomaininfo."""
    status, out = dom0.shell("xenctl physinfo")
    assert status == 0, out
    m = re.match(r"nr_cpus (\d+) cpu_khz (\d+) caps (\S+) total_kib (\d+) free_kib (\d+)$", out)
    assert m, out
    cpus, khz, caps, total, free = m.groups()
    assert cpus == "2" and khz == "62500" and int(caps, 16) & 0x8, out   # PHYSCAP_hap
    assert 2000 * 1024 < int(total) <= 2048 * 1024 and int(free) < int(total) - 512 * 1024, out
    status, out = dom0.shell("xenctl list")
    assert status == 0 and re.match(r"dom 0 tot_kib (\d+) max_kib \d+ vcpus 2 flags", out), out
    assert 500 * 1024 <= int(out.split()[3]) <= 520 * 1024, out
    status, out = dom0.shell("xenctl info 0")
    assert status == 0 and out.startswith("dom 0 "), out
    status, out = dom0.shell("xenctl info 3")
    assert status == 1 and "error: domctl getdomaininfo" in out and "(3)" in out, out   # ESRCH
    status, out = dom0.shell("xenctl dmesg | grep -c 'a Xen 4.17-compatible hypervisor'")
    assert status == 0 and out == "1", out


def test_dom0_maps_a_domus_page_through_privcmd(dom0, drivers):
    """The toolstack's foreign mapping: privcmd MMAPBATCH_V2 (XENMEM
    add_to_physmap_range with gmfn_foreign), then munmap (remove_from_physmap)."""
    pattern_written(dom0)
    for _ in range(3):      # mapped and unmapped again: every reference comes back
        status, out = dom0.shell("xenctl peek 1 0x%x" % PATTERN_GFN)
        assert status == 0 and out == PATTERN, out
    status, out = dom0.shell("xenctl peek 1 0x%x" % (0x44000 + 5))    # past its 64 MiB
    assert status == 1 and "entry -22" in out, out
    status, out = dom0.shell("xenctl list")
    assert re.search(r"^dom 1 tot_kib \d+ max_kib \d+ vcpus 1 flags", out, re.M), out


def pattern_written(session):
    """Waits until the DomU has written its page (PATTERN_GFN)."""
    written = re.compile(r"\(d1\) pattern: written at gfn 0x%x" % PATTERN_GFN)
    if not written.search(session.text()):
        session.expect(written, 60, what="the DomU's page written")


def peek_above_16_gib(session):
    """Dom0 maps the DomU's page at a frame of its own above 16 GiB, in the
    extended region of its /hypervisor node, and reads it there through
    /dev/mem (twice), then below as before; returns the region's base."""
    status, out = session.shell("od -An -v -tx1 /proc/device-tree/hypervisor/reg | tr -d ' \\n'")
    assert status == 0 and len(out) == 64, out
    _, _, ext_base, ext_size = (int(out[i:i + 16], 16) for i in range(0, 64, 16))
    gpfn = max(ext_base, 16 << 30) // 4096 + 256
    assert (gpfn + 1) * 4096 <= ext_base + ext_size, (hex(ext_base), hex(ext_size))
    for _ in range(2):      # on whichever of its CPUs the shell runs
        status, out = session.shell("xenctl peekat 1 0x%x 0x%x" % (PATTERN_GFN, gpfn))
        assert status == 0 and out == PATTERN, out
    status, out = session.shell("xenctl peek 1 0x%x" % PATTERN_GFN)
    assert status == 0 and out == PATTERN, out
    return ext_base


def test_dom0_reads_a_domus_page_it_maps_above_16_gib(dom0, drivers):
    """With the board's PCIe window at 256 GiB, Domus walks Dom0's stage 2
    from level 1 from the start (arch/arm64/p2m.c); test_dom0_low.py boots
    a board without it."""
    pattern_written(dom0)
    peek_above_16_gib(dom0)


def test_dom0_mounts_an_ext2_file_system_on_a_virtio_disk(dom0, drivers, fs_disk):
    status, out = dom0.shell("mkdir -p /mnt/fs && for d in /dev/vd*; do "
                             "mount -t ext4 $d /mnt/fs 2>/dev/null && break; done; "
                             "cat /mnt/fs/hello.txt")
    assert status == 0 and out.split("\n")[-1] == FS_TEXT, out
    status, out = dom0.shell("echo written-by-dom0 > /mnt/fs/new.txt && umount /mnt/fs")
    assert status == 0, out
    r = subprocess.run(["/sbin/debugfs", "-R", "cat /new.txt", str(fs_disk)],
                       capture_output=True, text=True)
    assert r.stdout.strip() == "written-by-dom0", (r.stdout, r.stderr)


def test_dom0_reads_the_real_time_clock(dom0):
    """The PL031 is the host's: Dom0 reads the wall-clock time from it."""
    status, out = dom0.shell("cat /sys/class/rtc/rtc0/since_epoch")
    assert status == 0 and abs(int(out) - time.time()) < 600, out


def test_debians_xen_services_run_in_dom0(dom0):
    """dom0/rc.local started Debian's oxenstored, xen-init-dom0 (which writes
    Dom0's xenstore entries) and xenconsoled, unmodified."""
    assert "domus-dom0: xen services started (oxenstored)" in dom0.text(), dom0.tail()
    assert "Done setting up Dom0" in dom0.text()
    status, out = dom0.shell("cat /proc/xen/capabilities; ps -o args | grep -c -E "
                             "'^/usr/lib/xen-4.17/bin/(oxenstored|xenconsoled) '")
    assert out.split("\n") == ["control_d", "2"], out
    status, out = dom0.shell("xenstore-ls /local/domain/0")
    assert status == 0 and 'name = "Domain-0"' in out and 'domid = "0"' in out, out
    status, out = dom0.shell("xenstore-write /local/domain/0/data/test domus && "
                             "xenstore-read /local/domain/0/data/test")
    assert status == 0 and out == "domus", out


def xl_fields(out):
    return dict((k.strip(), v.strip()) for k, _, v in
                (line.partition(":") for line in out.split("\n")) if _)


def test_xl_info_describes_the_machine_and_domus(dom0):
    status, out = dom0.shell("xl info")
    assert status == 0, out
    f = xl_fields(out)
    assert f["nr_cpus"] == "2" and f["nr_nodes"] == "1" and f["total_memory"] == "2048", out
    assert 1024 < int(f["free_memory"]) < 2048 - 512, out
    assert f["xen_version"].startswith("4.17") and f["xen_scheduler"] == "credit", out
    assert f["virt_caps"].split()[:2] == ["hvm", "hap"], out
    assert f["xen_commandline"] == XEN_BOOTARGS, out
    elf = subprocess.run(["aarch64-linux-gnu-readelf", "-n", str(REPO / "build/domus.elf")],
                         capture_output=True, text=True).stdout
    assert f["build_id"] and "Build ID: " + f["build_id"] in elf, (f["build_id"], elf)
    status, out = dom0.shell("xl info -n 2>&1")
    assert status == 0 and re.search(r"(?m)^\s+1:\s+0\s+0\s+0$", out), out   # CPU 1's topology
    assert re.search(r"(?m)^\s+0:\s+2048\s+\d+\s+20$", out), out   # node 0 (Xen on Arm: 20)


def test_xl_list_uptime_and_sched_credit_show_the_domains(dom0):
    status, out = dom0.shell("xl list")
    m = re.search(r"(?m)^Domain-0\s+0\s+(\d+)\s+2\s+[rb-]{6}\s+[\d.]+$", out)
    assert status == 0 and m and 500 <= int(m.group(1)) <= 512, out
    assert re.search(r"(?m)^\S+\s+1\s+64\s+1\s+[rb-]{6}\s+[\d.]+$", out), out
    status, out = dom0.shell("xl uptime")
    assert status == 0 and re.search(r"(?m)^Domain-0\s+0\s+\d+:\d\d:\d\d$", out), out
    status, out = dom0.shell("xl sched-credit -d Domain-0")
    assert status == 0 and re.search(r"(?m)^Domain-0\s+0\s+256\s+0$", out), out
    status, out = dom0.shell("xl dmesg | grep -c 'a Xen 4.17-compatible hypervisor'")
    assert status == 0 and out == "1", out


def expect_once(session, text, timeout, what):
    """Wait for text unless it was already printed (a shell() may have read past it)."""
    if text not in session.text():
        session.expect(re.compile(re.escape(text)), timeout, what=what)


def xenstore_round_trip(session, domid, xenstored):
    """init-dom0less (Debian's, run by Dom0's init) populated the PV DomU's
    store page, set HVM_PARAM_STORE_PFN, named it and introduced it to
    xenstored, which notified the port Domus left unbound for Dom0; the guest
    (sys_xenstore) then reads and writes xenstore over its ring."""
    assert "domus-dom0: xen services started (%s)" % xenstored in session.text(), session.tail()
    assert "Init dom0less domain: %d" % domid in session.text(), session.tail()
    expect_once(session, "(d%d) info: xenstore: domid %d, name dom0less-%d" % (domid, domid, domid),
                120, "the DomU reading xenstore")
    status, out = session.shell("xl list")
    assert re.search(r"(?m)^dom0less-%d\s+%d\s+64\s+1\s+[rb-]{6}\s+[\d.]+$" % (domid, domid),
                     out), out
    expect_once(session, "xenstore: wrote data/hello", 60, "the DomU's write")
    status, out = session.shell("xenstore-read /local/domain/%d/data/hello" % domid)
    assert status == 0 and out == "from-domU", out
    status, out = session.shell("xenstore-write /local/domain/%d/data/reply from-dom0" % domid)
    assert status == 0, out
    expect_once(session, "(d%d) info: xenstore: data/reply = from-dom0" % domid, 60,
                "the DomU reading Dom0's reply")


def xl_console(session, domid):
    """Beside a Dom0 a PV DomU's console is Dom0's: its ring a page of its
    RAM, its port unbound for Dom0; dom0/rc.local writes the console nodes
    from its HVM parameters, xenconsoled serves it, `xl console` attaches and
    Ctrl-] detaches; what is typed reaches the guest."""
    expect_once(session, "(d%d) info: console: ticking" % domid, 60, "the DomU's console")
    status, out = session.shell("xenstore-read /local/domain/%d/console/tty" % domid)
    assert status == 0 and out.startswith("/dev/pts/"), out
    assert "(d%d) console: tick" % domid not in session.text()   # not on Domus's console
    session.child.sendline("xl console dom0less-%d" % domid)
    session.expect(re.compile(r"console: tick \d+, type q to end"), 30,
                   what="the DomU's ticks through xl console")
    session.child.send("q")
    expect_once(session, "(d%d) info: console: got the 'q'" % domid, 30,
                "the key typed in xl console reaching the DomU")
    session.child.send("\x1d")                             # Ctrl-]: detach
    status, out = session.shell("echo detached", timeout=30)
    assert status == 0 and out == "detached", out
    expect_once(session, "(d%d) domus-test: sys_xenstore: PASS" % domid, 60, "the DomU's PASS")


def test_a_pv_domu_beside_dom0_is_introduced_to_xenstore(dom0):
    xenstore_round_trip(dom0, 2, "oxenstored")


def test_xl_pause_and_unpause_a_domu(dom0):
    """The state column follows (domctl pausedomain / unpausedomain)."""
    state = r"(?m)^dom0less-2\s+2\s+64\s+1\s+(\S{6})\s"
    status, out = dom0.shell("xl pause dom0less-2 && xl list dom0less-2")
    m = re.search(state, out)
    assert status == 0 and m and m.group(1)[2] == "p", out
    status, out = dom0.shell("xl pause Domain-0 2>&1")         # not itself, as on Xen
    assert "Pausing domain: Invalid argument" in out, out
    status, out = dom0.shell("xl unpause dom0less-2 && xl list dom0less-2")
    m = re.search(state, out)
    assert status == 0 and m and m.group(1)[2] == "-", out


def test_xl_console_reaches_a_pv_domu_beside_dom0(dom0):
    xl_console(dom0, 2)


def test_z_dom0_poweroff_halts_the_machine(dom0):
    """Last (it ends the session): as on Xen, Dom0's poweroff is the machine's."""
    dom0.child.sendline("poweroff")
    dom0.expect(re.compile(r"\(domus\) \[\s*\d+\.\d+\] Hardware Dom0 halted: halting machine"),
                120, what="Domus halting the machine after Dom0's poweroff")
    assert dom0.wait_exit(60) == 0


@pytest.fixture(scope="module")
def dom0_pool(cache_files, dom0_initramfs, tmp_path_factory, request):
    """Dom0 (Pool-0, CPU 0) beside a PV DomU in a boot-time pool of the
    device tree (the null scheduler, CPU 1), as Xen 4.17's dom0less boots."""
    from conftest import Session, build_guests, guest_bin, pool_dtb
    build_guests("sys_xenstore")
    args = ["--dom0", DOM0, "--xen-bootargs", XEN_BOOTARGS, "--smp", "2", "--mem", "2048M",
            "--domain", "kernel=%s,memory=64,cpus=1,pv=1" % guest_bin("sys_xenstore")]
    s = Session(args + ["--host-dtb", pool_dtb(tmp_path_factory.mktemp("pool"), args)],
                "dom0-pool", timeout=LINUX_BOOT, qemu_timeout=LINUX_BOOT + 300)
    request.addfinalizer(s.kill)
    s.expect(PROMPT, LINUX_BOOT, what="Dom0's shell prompt on hvc0")
    return s


def test_xl_shows_the_device_trees_cpu_pools(dom0_pool):
    """xen-init-dom0 names every pool Domus has made, and xl sees them."""
    status, out = dom0_pool.shell("xl cpupool-list")
    assert status == 0 and re.search(r"(?m)^Pool-0\s+1\s+credit\s+y\s+1\s*$", out), out
    assert re.search(r"(?m)^Pool-1\s+1\s+null\s+y\s+1\s*$", out), out
    status, out = dom0_pool.shell("xl list -c")
    assert re.search(r"(?m)^\S+\s+1\s+\d+\s+1\s+\S+\s+[\d.]+\s+Pool-1\s*$", out), out
    assert re.search(r"(?m)^Domain-0\s+0\s.*\sPool-0\s*$", out), out
    status, out = dom0_pool.shell("xl vcpu-list")
    cpus = re.findall(r"(?m)^\S+\s+(\d+)\s+(\d+)\s+(\d+)\s+[-rb]", out)
    assert ("1", "0", "1") in cpus and all(c == "0" for d, _, c in cpus if d == "0"), out
    xenstore_round_trip(dom0_pool, 1, "oxenstored")


BIG_DOM0_MIB = 1800


@pytest.fixture(scope="module")
def dom0_c(cache_files, dom0_initramfs, request):
    """Dom0 with the C xenstored (xenstored=c in its bootargs) and a PV DomU;
    more RAM than any free run of the host's (the boot modules split it)."""
    from conftest import Session, build_guests, guest_bin
    build_guests("sys_xenstore")
    s = Session(["--dom0", DOM0 + " xenstored=c", "--xen-bootargs",
                 XEN_BOOTARGS.replace("dom0_mem=512M", "dom0_mem=%dM" % BIG_DOM0_MIB), "--smp", "2",
                 "--mem", "2048M",
                 "--domain", "kernel=%s,memory=64,cpus=1,pv=1" % guest_bin("sys_xenstore")],
                "dom0-c-xenstored", timeout=LINUX_BOOT, qemu_timeout=LINUX_BOOT + 300)
    request.addfinalizer(s.kill)
    s.expect(PROMPT, LINUX_BOOT, what="Dom0's shell prompt on hvc0")
    return s


def test_the_c_xenstored_serves_dom0_and_a_domu_too(dom0_c):
    """Debian's other xenstored, the C one, as Xen's xencommons can start it."""
    status, out = dom0_c.shell("xenstore-read /tool/xenstored/domid 2>/dev/null; "
                               "ps -o args | grep -c '^/usr/lib/xen-4.17/bin/xenstored '")
    assert out.split("\n")[-1] == "1", out
    xenstore_round_trip(dom0_c, 1, "xenstored")
    xl_console(dom0_c, 1)


def test_dom0_ram_comes_in_banks_when_no_free_run_is_long_enough(dom0_c):
    """As Xen's 1:1 Dom0: the longest free runs, all in Dom0's /memory, all used by Linux."""
    banks = [(int(b, 16), int(e, 16)) for b, e in
             re.findall(r"\(domus\) \[[ .\d]+\]   bank \d+: ([0-9a-f]+)-([0-9a-f]+)", dom0_c.text())]
    assert len(banks) >= 2 and sum(e - b for b, e in banks) == BIG_DOM0_MIB << 20, banks
    status, out = dom0_c.shell("grep 'System RAM' /proc/iomem; grep MemTotal /proc/meminfo")
    seen = [(int(b, 16), int(e, 16) + 1) for b, e in re.findall(r"([0-9a-f]+)-([0-9a-f]+) : System RAM", out)]
    # Each bank as one range; the balloon driver may hot-add a section of its own elsewhere.
    assert set(banks) <= set(seen), out
    assert int(re.search(r"MemTotal:\s+(\d+) kB", out).group(1)) > (BIG_DOM0_MIB - 64) * 1024, out
