"""Debian's own xl (xen-utils-4.17, unmodified) in Dom0 creates, watches,
changes and ends Linux DomUs on Domus, as on Xen 4.17: the stock Debian
kernel boots as a DomU to its shell on hvc0 through xenconsoled, with
xenstore and xenbus working in it.  Dom0 is the judged configuration (2
CPUs, 2 GiB, dom0_mem=512M); its disk is the set-up's (cache/dom0-disk.img,
opened read-only): the guests' kernel and initramfs and dom0/guest.cfg."""
import os
import re
import subprocess
import time

import pytest

from conftest import PROMPT, build_guests, guest_bin
from test_dom0 import DOM0, LINUX_BOOT, REPO, XEN_BOOTARGS, qemu

pytestmark = pytest.mark.hv

GUEST_PROMPT = re.compile(r"domus-guest:[^\r\n#]*# ")
CFG = "/mnt/guest.cfg"          # dom0/guest.cfg: memory 128, vcpus 1, maxvcpus 2
DOMU_BOOT = 240


@pytest.fixture(scope="module")
def dom0(cache_files, request):
    from conftest import Session
    r = subprocess.run(["make", "-s", "-C", str(REPO), "dom0"], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True)
    if r.returncode:
        pytest.fail("make dom0 failed:\n" + r.stdout[-3000:])
    build_guests("sys_crash_loop")
    crash = os.path.join(REPO, "build", "test-xl-crash.img")    # sector-sized, for a disk
    with open(guest_bin("sys_crash_loop"), "rb") as f:
        image = f.read()
    with open(crash, "wb") as f:
        f.write(image + bytes(-len(image) % 512))
    s = Session(["--dom0", DOM0, "--xen-bootargs", XEN_BOOTARGS, "--smp", "2", "--mem", "2048M"]
                + qemu("-drive", "file=%s/cache/dom0-disk.img,if=none,id=hd0,format=raw,"
                       "snapshot=on" % REPO, "-device", "virtio-blk-device,drive=hd0",
                       "-drive", "file=%s,if=none,id=hd1,format=raw,readonly=on" % crash,
                       "-device", "virtio-blk-device,drive=hd1"),
                "dom0-xl", timeout=LINUX_BOOT, qemu_timeout=LINUX_BOOT + 1200)
    request.addfinalizer(s.kill)
    s.expect(PROMPT, LINUX_BOOT, what="Dom0's shell prompt on hvc0")
    status, out = s.shell("mount -o ro /dev/vda /mnt 2>/dev/null || mount -o ro /dev/vdb /mnt;"
                          " ls /mnt")
    assert status == 0 and "guest.cfg" in out.split(), out
    return s


def xl(s, cmd, timeout=120):
    status, out = s.shell("xl " + cmd, timeout=timeout)
    assert status == 0, "xl %s: exit %d\n%s" % (cmd, status, out)
    return out


def domains(s):
    """xl list as {name: (id, mem MiB, vcpus, state)}."""
    rows = re.findall(r"(?m)^(\S+)\s+(\d+)\s+(\d+)\s+(\d+)\s+([-rbpscd]{6})\s+[\d.]+\s*$",
                      xl(s, "list"))
    return {n: (int(i), int(m), int(v), st) for n, i, m, v, st in rows}


def wait_for(s, what, check, timeout=60):
    end = time.monotonic() + timeout
    while True:
        got = domains(s)
        if check(got):
            return got
        if time.monotonic() > end:
            s.fail("timeout waiting for %s: xl list says %r" % (what, got))
        time.sleep(1)


def free_memory(s):
    return int(re.search(r"(?m)^free_memory\s+:\s+(\d+)$", xl(s, "info")).group(1))


def in_console(s, name, cmd):
    """Attaches to name's console, runs cmd at its shell, detaches (Ctrl-])."""
    s.child.sendline("xl console %s" % name)
    time.sleep(1)
    s.child.sendline("")
    s.expect(GUEST_PROMPT, 60, what="%s's shell through xl console" % name)
    status, out = s.shell(cmd, prompt=GUEST_PROMPT)
    s.child.send("\x1d")
    detached = s.shell("echo detached", timeout=30)
    assert detached == (0, "detached"), detached
    return status, out


def create(s, name, memory=128):
    """xl create (not attached); waits for the DomU's shell through its console."""
    xl(s, "create %s 'name=\"%s\"' memory=%d" % (CFG, name, memory))
    status, out = in_console(s, name, "cat /sys/hypervisor/type")
    assert (status, out) == (0, "xen"), out


def test_xl_create_c_boots_a_linux_domu_to_its_shell(dom0):
    """xl create -c: libxl builds it (createdomain, populate, foreign maps,
    setvcpucontext, grant seeding, unpause) and attaches its console."""
    free = free_memory(dom0)
    dom0.child.sendline("xl create -c %s 'name=\"alpha\"' memory=256" % CFG)
    dom0.expect(GUEST_PROMPT, DOMU_BOOT, what="alpha's shell prompt through xl create -c")
    status, out = dom0.shell("cat /sys/hypervisor/type; grep MemTotal /proc/meminfo; "
                             "cat /sys/hypervisor/properties/features; "
                             "ls /sys/bus/xen/drivers", prompt=GUEST_PROMPT)
    lines = out.split("\n")
    assert status == 0 and lines[0] == "xen", out
    # 256 MiB less the kernel's own.
    assert 200 * 1024 < int(re.search(r"MemTotal:\s+(\d+)", out).group(1)) <= 256 * 1024, out
    features = int(lines[2], 16)
    assert not features & (1 << 11), hex(features)         # not dom0
    dom0.child.send("\x1d")
    assert dom0.shell("echo detached", timeout=30) == (0, "detached")
    assert free - free_memory(dom0) >= 256


def test_xl_list_domid_domname_and_rename(dom0):
    got = domains(dom0)
    domid, mem, vcpus, state = got["alpha"]
    assert domid >= 1 and mem == 256 and vcpus == 1 and state in ("r-----", "-b----"), got
    assert xl(dom0, "domid alpha") == str(domid)
    assert xl(dom0, "domname %d" % domid) == "alpha"
    out = xl(dom0, "list -l alpha")
    assert '"name": "alpha"' in out and '"type": "pvh"' in out, out
    xl(dom0, "rename alpha renamed")
    got = domains(dom0)
    assert "renamed" in got and "alpha" not in got and got["renamed"][0] == domid, got
    xl(dom0, "rename renamed alpha")
    assert "alpha" in domains(dom0)


def test_xl_console_attaches_and_detaches_again_and_again(dom0):
    for i in range(3):
        status, out = in_console(dom0, "alpha", "echo round-$((%d + 1))" % i)
        assert (status, out) == (0, "round-%d" % (i + 1)), out


def test_xl_pause_and_unpause(dom0):
    xl(dom0, "pause alpha")
    assert domains(dom0)["alpha"][3] == "--p---"
    xl(dom0, "unpause alpha")
    assert "p" not in domains(dom0)["alpha"][3]


def test_xl_mem_set_balloons_the_guest_down(dom0):
    """The target goes through xenstore; the guest's balloon driver gives the
    pages back and xl list follows."""
    status, before = in_console(dom0, "alpha", "grep MemTotal /proc/meminfo")
    xl(dom0, "mem-set alpha 192m")
    wait_for(dom0, "alpha at 192 MiB", lambda d: d["alpha"][1] == 192, 90)
    status, after = in_console(dom0, "alpha", "grep MemTotal /proc/meminfo")
    kib = [int(re.search(r"(\d+) kB", t).group(1)) for t in (before, after)]
    assert kib[0] - kib[1] >= 60 * 1024, (before, after)
    out = xl(dom0, "list -l alpha")
    assert re.search(r'"target_memkb": 196608', out), out


def test_xl_mem_max_bounds_what_mem_set_may_ask(dom0):
    """mem-max: the limit in xenstore (static-max) and max_mem in Domus;
    libxl then refuses a target above it, as on Xen."""
    domid = domains(dom0)["alpha"][0]
    xl(dom0, "mem-max alpha 200m")
    status, out = dom0.shell("xenstore-read /local/domain/%d/memory/static-max" % domid)
    assert (status, out) == (0, "204800"), out
    status, out = dom0.shell("xl mem-set alpha 220m")
    assert status != 0 and "memory_dynamic_max must be less than or equal to " \
        "memory_static_max" in out, out
    assert domains(dom0)["alpha"][1] == 192


def test_xl_vcpu_pin_set_and_list(dom0):
    xl(dom0, "vcpu-pin alpha 0 1")
    out = xl(dom0, "vcpu-list alpha")
    assert re.search(r"(?m)^alpha\s+\d+\s+0\s+1\s+[-rb]{2}-\s+[\d.]+\s+1 / all$", out), out
    status, out = in_console(dom0, "alpha", "echo pinned")      # it still runs, on CPU 1
    assert out == "pinned"
    # Up to maxvcpus: the guest sees cpu/1 available and onlines it (PSCI CPU_ON).
    xl(dom0, "vcpu-set alpha 2")
    status, out = in_console(dom0, "alpha", "sleep 1; echo 1 > /sys/devices/system/cpu/cpu1/online;"
                             " cat /sys/devices/system/cpu/online")
    assert out == "0-1", out
    out = xl(dom0, "vcpu-list alpha")
    assert re.search(r"(?m)^alpha\s+\d+\s+1\s+\d\s+[-rb]{2}-\s", out), out
    assert domains(dom0)["alpha"][2] == 2
    xl(dom0, "vcpu-set alpha 1")
    wait_for(dom0, "alpha back at 1 vCPU", lambda d: d["alpha"][2] == 1, 60)
    # Soft affinity: any CPU allowed, CPU 1 preferred.
    out = xl(dom0, "vcpu-pin alpha 0 all 1")
    assert "warning" not in out.lower(), out
    out = xl(dom0, "vcpu-list alpha")
    assert re.search(r"(?m)^alpha\s+\d+\s+0\s+\d\s+[-rb]{2}-\s+[\d.]+\s+all / 1$", out), out


def test_xl_sched_credit_sets_and_reads_back(dom0):
    xl(dom0, "sched-credit -d alpha -w 512 -c 50")
    out = xl(dom0, "sched-credit -d alpha")
    assert re.search(r"(?m)^alpha\s+\d+\s+512\s+50$", out), out
    out = xl(dom0, "sched-credit")
    assert re.search(r"(?m)^Domain-0\s+0\s+256\s+0$", out), out


def test_xl_cpupools_give_a_domu_a_cpu_of_its_own(dom0):
    """A null-scheduler pool with CPU 1 for one DomU; Pool-0 keeps CPU 0."""
    out = xl(dom0, "cpupool-list")
    assert re.search(r"(?m)^Pool-0\s+2\s+credit\s+y\s+\d+\s*$", out), out
    xl(dom0, "cpupool-cpu-remove Pool-0 1")
    xl(dom0, "cpupool-create 'name=\"rt\"' 'sched=\"null\"' 'cpus=[\"1\"]'")
    out = xl(dom0, "cpupool-list -c")
    assert re.search(r"(?m)^Pool-0\s+0\s*$", out) and re.search(r"(?m)^rt\s+1\s*$", out), out
    xl(dom0, "create %s 'name=\"rt1\"' 'pool=\"rt\"' maxvcpus=1" % CFG)
    status, out = in_console(dom0, "rt1", "cat /sys/hypervisor/type")
    assert (status, out) == (0, "xen"), out
    out = xl(dom0, "cpupool-list")
    assert re.search(r"(?m)^rt\s+1\s+null\s+y\s+1\s*$", out), out
    out = xl(dom0, "list -c")
    assert re.search(r"(?m)^rt1\s+\d+\s+\d+\s+1\s+[-rbpscd]{6}\s+[\d.]+\s+rt\s*$", out), out
    out = xl(dom0, "vcpu-list")
    cpus = {(n, int(c)) for n, c in re.findall(r"(?m)^(\S+)\s+\d+\s+\d+\s+(\d+)\s+[-rb]", out)}
    assert ("rt1", 1) in cpus and all(c == 0 for n, c in cpus if n != "rt1"), out
    # Back to Pool-0 (CPU 0, with credit) and to rt again; it runs throughout.
    xl(dom0, "cpupool-migrate rt1 Pool-0")
    out = xl(dom0, "list -c")
    assert re.search(r"(?m)^rt1\s.*\sPool-0\s*$", out), out
    status, out = in_console(dom0, "rt1", "echo moved")
    assert out == "moved"
    xl(dom0, "cpupool-migrate rt1 rt")
    out = xl(dom0, "vcpu-list rt1")
    assert re.search(r"(?m)^rt1\s+\d+\s+0\s+1\s", out), out
    # A pool with a domain keeps its last CPU and cannot go.
    status, out = dom0.shell("xl cpupool-cpu-remove rt 1")
    assert "Error removing cpu 1 from cpupool: Device or resource busy" in out, out
    xl(dom0, "destroy rt1")
    xl(dom0, "cpupool-destroy rt")
    xl(dom0, "cpupool-cpu-add Pool-0 1")
    out = xl(dom0, "cpupool-list")
    assert re.search(r"(?m)^Pool-0\s+2\s+credit\s+y\s+\d+\s*$", out), out
    assert "rt" not in out.split()
    # One NUMA node: numa-split has nothing to split and names the pool after it.
    xl(dom0, "cpupool-numa-split")
    out = xl(dom0, "cpupool-list")
    assert re.search(r"(?m)^Pool-node0\s+2\s+credit\s+y\s+\d+\s*$", out), out
    xl(dom0, "cpupool-rename Pool-node0 Pool-0")


def test_xl_shutdown_waits_for_the_guest_to_power_off(dom0):
    """Through the guest's PV shutdown watch; on_poweroff=destroy."""
    out = xl(dom0, "shutdown -w alpha", timeout=120)
    assert re.search(r"Domain \d+ has been shut down, reason code 0", out), out
    wait_for(dom0, "alpha gone", lambda d: "alpha" not in d, 30)


def test_xl_reboot_restarts_the_domain(dom0):
    create(dom0, "beta")
    old = domains(dom0)["beta"][0]
    xl(dom0, "reboot beta")
    got = wait_for(dom0, "beta back under a new id",
                   lambda d: "beta" in d and d["beta"][0] != old, DOMU_BOOT)
    status, out = in_console(dom0, "beta", "echo rebooted")
    assert out == "rebooted"
    xl(dom0, "destroy beta")
    wait_for(dom0, "beta gone", lambda d: "beta" not in d, 30)


def test_three_domus_at_once_and_destroy(dom0):
    free = free_memory(dom0)
    for name in ("one", "two", "three"):
        create(dom0, name)
    got = domains(dom0)
    ids = {got[n][0] for n in ("one", "two", "three")}
    assert len(ids) == 3 and all(got[n][1] == 128 for n in ("one", "two", "three")), got
    for name in ("one", "two", "three"):
        xl(dom0, "destroy %s" % name)
    wait_for(dom0, "all three gone", lambda d: set(d) == {"Domain-0"}, 30)
    time.sleep(2)
    assert free_memory(dom0) == free


def test_twenty_create_destroy_cycles_give_all_memory_back(dom0):
    free = free_memory(dom0)
    seen = set()
    for i in range(20):
        xl(dom0, "create %s 'name=\"cycle\"'" % CFG)
        seen.add(domains(dom0)["cycle"][0])
        xl(dom0, "destroy cycle")
    # A destroyed domain stays listed, dying, until xenconsoled lets go of its page.
    wait_for(dom0, "every cycle gone", lambda d: set(d) == {"Domain-0"}, 30)
    time.sleep(2)
    assert len(seen) == 20, seen        # ids are not reused soon, as Xen's rover
    assert free_memory(dom0) == free


def test_a_destroyed_domain_stays_dying_while_dom0_still_maps_its_pages(dom0):
    """xenconsoled maps the guest's console page; stopped, it cannot let go of
    it when the domain is destroyed, which then stays listed, dying and
    nameless, as on Xen, until xenconsoled runs again and unmaps it."""
    free = free_memory(dom0)
    create(dom0, "zombie")
    zid = domains(dom0)["zombie"][0]
    assert dom0.shell("kill -STOP $(pidof xenconsoled)")[0] == 0
    try:
        xl(dom0, "destroy zombie")
        got = wait_for(dom0, "zombie destroyed", lambda d: "zombie" not in d, 30)
        rows = [(n, v) for n, v in got.items() if v[0] == zid]
        assert rows and rows[0][0] == "(null)" and rows[0][1][3].endswith("d"), got
        assert rows[0][1][1] < 128, got         # only the pages still mapped (MiB)
        time.sleep(2)
        assert any(v[0] == zid for v in domains(dom0).values())
    finally:
        assert dom0.shell("kill -CONT $(pidof xenconsoled)")[0] == 0
    wait_for(dom0, "the dying domain gone", lambda d: all(v[0] != zid for v in d.values()), 60)
    time.sleep(2)
    assert free_memory(dom0) == free


CRASH_CFG = r'name="crashy"\ntype="pvh"\nkernel="/tmp/crash.bin"\nmemory=16\non_crash="%s"\n'


def test_on_crash_preserve_and_destroy(dom0):
    """A guest that faults in a loop, which Domus crashes (as Xen's
    domain_crash): xl applies the config's on_crash."""
    dom0.shell("for b in vda vdb; do [ $(cat /sys/block/$b/size) -lt 4096 ] && "
               "dd if=/dev/$b of=/tmp/crash.bin 2>/dev/null; done; ls -l /tmp/crash.bin")
    for action in ("preserve", "destroy"):
        status, out = dom0.shell("printf '%s' > /tmp/crash.cfg" % (CRASH_CFG % action))
        assert status == 0, out
        xl(dom0, "create /tmp/crash.cfg")
        if action == "preserve":
            got = wait_for(dom0, "crashy crashed and kept", lambda d: "crashy" in d and
                           d["crashy"][3] == "---sc-", 60)
            crashed = got["crashy"][0]
            xl(dom0, "destroy crashy")
        wait_for(dom0, "crashy gone", lambda d: "crashy" not in d, 60)
    out = xl(dom0, "dmesg")
    assert "crash_loop: boot" in out, out[-2000:]       # it ran (console_io)
    assert re.search(r"\(d%d\) crashed" % crashed, out), out[-2000:]


def test_xl_dmesg_and_uptime(dom0):
    out = xl(dom0, "dmesg")
    assert "created by the toolstack" in out, out[-2000:]
    out = xl(dom0, "uptime")
    assert re.search(r"(?m)^Domain-0\s+0\s+", out), out


def test_xl_debug_keys_answer_in_xl_dmesg(dom0):
    """sysctl debug_keys: the keys Domus's console takes (h, q, m, r), answered in its history."""
    xl(dom0, "dmesg -c >/dev/null")
    xl(dom0, "debug-keys qmr")
    out = xl(dom0, "dmesg")
    assert re.search(r"\(domus\) .*Domain-0 \(d0\): running, 512 MiB RAM", out), out
    assert re.search(r"\(domus\) .*free: \d+ KiB of 2097152 KiB", out), out
    assert re.search(r"\(domus\) .*CPU1: (running|idle)", out), out
    assert "this help" not in out, out


def test_xl_set_parameters_changes_domus_log_level_at_once(dom0):
    """hypfs /params/loglvl: at "error" Domus's own informational lines (a
    debug key's answer) are not printed, at "info" again they are."""
    xl(dom0, "set-parameters loglvl=error")
    xl(dom0, "dmesg -c >/dev/null")
    xl(dom0, "debug-keys m")
    assert "free:" not in xl(dom0, "dmesg")
    status, out = dom0.shell("xl set-parameters loglvl=loud")
    assert status != 0 and "setting parameters" in out, out
    xl(dom0, "set-parameters loglvl=info")
    xl(dom0, "debug-keys m")
    assert re.search(r"\(domus\) .*free: \d+ KiB", xl(dom0, "dmesg")), "no 'm' answer at info"


def test_xl_list_n_shows_every_domain_on_the_one_node(dom0):
    """getnodeaffinity: one NUMA node, which every domain has."""
    out = xl(dom0, "list -n")
    assert re.search(r"(?m)^Domain-0\s+0\s.*\sall$", out) and "error" not in out, out


def sector(s, path, n):
    status, out = s.shell("dd if=%s bs=512 skip=%d count=1 2>/dev/null | head -c 16 | tr -d '\\000'" % (path, n))
    assert status == 0, out
    return out


def test_xl_disk_gives_a_domu_a_disk_kept_in_a_file(dom0):
    """disk= in the config, and block-attach / block-detach at run time: the
    block hotplug script (Debian's, bash) puts each file on a loop device,
    Dom0's blkback serves it through grants the DomU's blkfront gives, and
    what either side writes the other reads."""
    free = free_memory(dom0)
    for disk, mark in (("/tmp/disk-a.img", "disk-a-in-dom0"), ("/tmp/disk-b.img", "disk-b-in-dom0")):
        status, out = dom0.shell("dd if=/dev/zero of=%s bs=1M count=8 2>/dev/null && "
                                 "printf %s | dd of=%s conv=notrunc 2>/dev/null" % (disk, mark, disk))
        assert status == 0, out
    xl(dom0, "create %s 'name=\"disky\"' 'disk=[\"/tmp/disk-a.img,raw,xvda,rw\"]'" % CFG)
    status, out = in_console(dom0, "disky", "for i in $(seq 30); do [ -b /dev/xvda ] && break; "
                             "sleep 1; done; cat /sys/block/xvda/size; head -c 14 /dev/xvda; echo; "
                             "printf written-by-domu | dd of=/dev/xvda bs=512 seek=1 conv=fsync "
                             "2>/dev/null")
    assert status == 0 and out.split("\n")[:2] == ["16384", "disk-a-in-dom0"], out
    out = xl(dom0, "block-list disky")
    assert re.search(r"(?m)^51712\s+0\s+\d+\s+4\s", out), out          # xvda, connected
    xl(dom0, "block-attach disky /tmp/disk-b.img,raw,xvdb,ro")
    status, out = in_console(dom0, "disky", "for i in $(seq 30); do [ -b /dev/xvdb ] && break; "
                             "sleep 1; done; head -c 14 /dev/xvdb; echo; "
                             "printf x | dd of=/dev/xvdb conv=fsync 2>/dev/null && echo WROTE")
    assert out.split("\n")[0] == "disk-b-in-dom0" and "WROTE" not in out, out
    xl(dom0, "block-detach disky xvdb")
    status, out = in_console(dom0, "disky", "for i in $(seq 30); do [ -b /dev/xvdb ] || break; "
                             "sleep 1; done; cat /proc/partitions")
    assert "xvda" in out and "xvdb" not in out, out
    xl(dom0, "destroy disky")
    wait_for(dom0, "disky gone", lambda d: "disky" not in d, 30)
    assert sector(dom0, "/tmp/disk-a.img", 1) == "written-by-domu"
    assert sector(dom0, "/tmp/disk-b.img", 0) == "disk-b-in-dom0"
    status, out = dom0.shell("losetup -a; cat /var/log/xen/xen-hotplug.log; rm /tmp/disk-?.img")
    assert status == 0 and "/dev/loop" not in out, out            # both loop devices let go
    time.sleep(2)
    assert free_memory(dom0) == free


def test_xl_vif_puts_a_domu_on_dom0s_bridge(dom0):
    """vif= in the config: netback's vifN.0 goes on Dom0's xenbr0 (Debian's
    vif-bridge script) and the DomU's netfront is eth0 with the MAC asked for;
    they ping each other and a megabyte crosses each way intact (netback's
    grant copies and maps)."""
    free = free_memory(dom0)
    xl(dom0, "create %s 'name=\"netty\"' 'vif=[\"mac=00:16:3e:00:00:42\"]'" % CFG)
    nid = domains(dom0)["netty"][0]
    status, out = in_console(dom0, "netty", "cat /sys/class/net/eth0/address; "
                             "ip addr add 10.0.100.2/24 dev eth0 && ip link set eth0 up && "
                             "ping -c 2 -W 10 10.0.100.1 | grep -c 'bytes from'")
    assert status == 0 and out.split("\n") == ["00:16:3e:00:00:42", "2"], out
    out = xl(dom0, "network-list netty")
    assert re.search(r"(?m)^0\s+0\s+00:16:3e:00:00:42\s+0\s+4\s", out), out   # connected
    status, out = dom0.shell("ls /sys/class/net/xenbr0/brif")       # the bridge's ports
    assert status == 0 and "vif%d.0" % nid in out.split(), out
    status, out = dom0.shell("ping -c 2 -W 10 10.0.100.2 | grep -c 'bytes from'")
    assert (status, out) == (0, "2"), out
    # A megabyte each way, each side fetching the other's over HTTP.
    status, out = dom0.shell("mkdir -p /tmp/www && dd if=/dev/urandom of=/tmp/www/out bs=1k "
                             "count=1024 2>/dev/null && httpd -p 8080 -h /tmp/www && "
                             "md5sum < /tmp/www/out")
    assert status == 0, out
    dom0_sum = out.split()[0]
    status, out = in_console(dom0, "netty", "mkdir -p /tmp/www && wget -q -O /tmp/www/got "
                             "http://10.0.100.1:8080/out && md5sum < /tmp/www/got && "
                             "dd if=/dev/urandom of=/tmp/www/back bs=1k count=1024 2>/dev/null && "
                             "md5sum < /tmp/www/back && httpd -p 8080 -h /tmp/www")
    assert status == 0, out
    got_sum, domu_sum = [line.split()[0] for line in out.split("\n")[:2]]
    assert got_sum == dom0_sum, out
    status, out = dom0.shell("wget -q -O /tmp/back http://10.0.100.2:8080/back && "
                             "md5sum < /tmp/back; kill $(pidof httpd); rm -r /tmp/www /tmp/back")
    assert status == 0 and out.split()[0] == domu_sum, out
    # xentop (what xl top shows), in batch mode: the domain's memory, its one
    # interface, and at least the megabyte each way (in KiB).
    status, out = dom0.shell("xentop -b -i 1 | grep -w netty")
    f = out.split()
    assert status == 0 and f[0] == "netty" and int(f[4]) // 1024 == 128, out
    assert int(f[9]) == 1 and int(f[10]) >= 1024 and int(f[11]) >= 1024, out
    # A second interface at run time, and away again.
    xl(dom0, "network-attach netty mac=00:16:3e:00:00:43")
    status, out = in_console(dom0, "netty", "for i in $(seq 30); do [ -e /sys/class/net/eth1 ] && "
                             "break; sleep 1; done; cat /sys/class/net/eth1/address")
    assert out == "00:16:3e:00:00:43", out
    xl(dom0, "network-detach netty 1")
    status, out = in_console(dom0, "netty", "for i in $(seq 30); do [ -e /sys/class/net/eth1 ] || "
                             "break; sleep 1; done; ls /sys/class/net")
    assert out.split() == ["eth0", "lo"], out
    assert len(re.findall(r"(?m)^\d+\s+0\s+00:16:3e", xl(dom0, "network-list netty"))) == 1
    xl(dom0, "destroy netty")
    wait_for(dom0, "netty gone", lambda d: "netty" not in d, 30)
    status, out = dom0.shell("ls /sys/class/net/xenbr0/brif")
    assert status == 0 and "vif%d.0" % nid not in out.split(), out
    time.sleep(2)
    assert free_memory(dom0) == free
