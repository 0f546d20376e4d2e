"""The launcher itself (no hypervisor needed): domain specs, domains files,
module placement and the generated host device tree."""
import os
import re
import subprocess

import pytest

import domus_run  # scripts/, put on sys.path by conftest
from conftest import DOMUS_RUN, IMAGE, INITRAMFS, PYTHON, REPO


def run_launcher(*args, cwd=REPO):
    return subprocess.run([PYTHON, DOMUS_RUN, *args], cwd=cwd, stdin=subprocess.DEVNULL,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=60)


def test_spec_bootargs_last_keeps_commas(cache_files):
    d = domus_run.parse_spec("kernel=%s,memory=128,cpus=1,vpl011=0,"
                             "bootargs=console=ttyAMA0,115200 a=b,c" % IMAGE)
    assert (d.kernel, d.memory, d.cpus, d.vpl011) == (IMAGE, 128, 1, False)
    assert d.bootargs == "console=ttyAMA0,115200 a=b,c"
    assert d.ramdisk is None


@pytest.mark.parametrize("spec, problem", [
    ("ramdisk=x", "missing kernel"),
    ("kernel=K,colour=red", "unknown key 'colour'"),
    ("kernel=K,memory=lots", "memory must be"),
    ("kernel=K,cpus=0", "cpus must be"),
    ("kernel=K,vpl011=yes", "vpl011 must be"),
    ("kernel=K,memory=1,memory=2", "given twice"),
    ("kernel=/nonexistent/Image", "no such file"),
])
def test_spec_errors(spec, problem, cache_files):
    with pytest.raises(ValueError, match=re.escape(problem)):
        domus_run.parse_spec(spec.replace("K", IMAGE))


def test_domains_file_error_names_file_and_line(tmp_path, cache_files):
    f = tmp_path / "domains"
    f.write_text("# two domains\n\nkernel=%s,memory=256\nkernel=%s,memory=abc\n" % (IMAGE, IMAGE))
    r = run_launcher("--domains", str(f), "--print-cmd")
    assert r.returncode == 2
    assert "%s:4: memory must be" % f in r.stderr


def test_domains_file_missing_kernel_file(tmp_path):
    f = tmp_path / "domains"
    f.write_text("kernel=%s\n" % (tmp_path / "no-such-Image"))
    r = run_launcher("--domains", str(f))
    assert r.returncode == 2
    assert re.search(r"%s:1: kernel .*no-such-Image: no such file" % re.escape(str(f)), r.stderr)


def test_missing_hypervisor_says_run_make(cache_files, tmp_path):
    r = run_launcher("--hv", str(tmp_path / "domus.bin"))
    assert r.returncode == 2
    assert "run 'make' first" in r.stderr


def test_modules_past_end_of_ram_are_refused(cache_files):
    args = domus_run.parse_args(["--mem", "1G"] + ["--domain=kernel=%s" % IMAGE] * 40)
    with pytest.raises(domus_run.DomusRunError, match="does not fit in RAM"):
        domus_run.build_command(args)


def test_host_dtb_has_dom0less_nodes(cache_files):
    args = domus_run.parse_args([
        "--domain", "kernel=%s,ramdisk=%s,memory=256,cpus=1,bootargs=console=ttyAMA0 x=1,2"
                    % (IMAGE, INITRAMFS),
        "--domain", "kernel=%s,vpl011=0" % IMAGE,
        "--xen-bootargs", "console=dtuart loglvl=all"])
    argv, dtb = domus_run.build_command(args)
    assert argv[argv.index("-dtb") + 1] == dtb
    assert "-append" not in argv
    loads = [a for a in argv if a.startswith("loader,")]
    addrs = [int(re.search(r"addr=(0x[0-9a-f]+)", a).group(1), 16) for a in loads]
    assert len(loads) == 3 and addrs[0] == 0x50000000
    assert all(a % (2 << 20) == 0 for a in addrs) and addrs == sorted(addrs)

    dts = subprocess.run(["dtc", "-q", "-I", "dtb", "-O", "dts", dtb], check=True,
                         stdout=subprocess.PIPE, text=True).stdout
    chosen = dts[dts.index("\tchosen {"):]
    assert 'xen,xen-bootargs = "console=dtuart loglvl=all";' in chosen
    d1 = chosen[chosen.index("domU1 {"):chosen.index("domU2 {")]
    d2 = chosen[chosen.index("domU2 {"):]
    assert 'compatible = "xen,domain";' in d1
    assert "memory = <0x00 0x40000>;" in d1          # 256 MiB in KiB, 64-bit
    assert "cpus = <0x01>;" in d1 and "vpl011;" in d1 and "vpl011;" not in d2
    size = os.path.getsize(IMAGE)
    assert "module@50000000 {" in d1
    assert "reg = <0x00 0x50000000 0x00 %s>;" % hex(size) in d1
    assert 'compatible = "multiboot,kernel\\0multiboot,module";' in d1
    assert 'bootargs = "console=ttyAMA0 x=1,2";' in d1
    assert 'compatible = "multiboot,ramdisk\\0multiboot,module";' in d1


def test_bare_command_uses_physical_uart(cache_files):
    args = domus_run.parse_args(["--bare"])
    argv, dtb = domus_run.build_command(args)
    assert dtb is None
    assert argv[argv.index("-kernel") + 1] == IMAGE
    assert argv[argv.index("-initrd") + 1] == INITRAMFS
    assert "earlycon=pl011,0x9000000" in argv[argv.index("-append") + 1]


def test_host_dtb_option_replaces_only_the_tree(cache_files, tmp_path):
    spec = "--domain=kernel=%s,ramdisk=%s" % (IMAGE, INITRAMFS)
    args = domus_run.parse_args([spec])
    argv, dtb = domus_run.build_command(args)
    text, placements = domus_run.host_dts(args, domus_run.domains_from_args(args))
    assert "domU1 {" in text and [m[2] for m in placements[0]] == [0x50000000, 0x52000000]
    mine = tmp_path / "mine.dtb"
    mine.write_bytes(b"\xd0\x0d\xfe\xed" + bytes(60))
    argv2, dtb2 = domus_run.build_command(domus_run.parse_args([spec, "--host-dtb", str(mine)]))
    assert dtb2 == str(mine) and argv2[argv2.index("-dtb") + 1] == str(mine)
    # everything else, the module loads included, is unchanged
    i = argv.index("-dtb")
    assert argv2[:i + 1] + argv2[i + 2:] == argv[:i + 1] + argv[i + 2:]

    r = run_launcher(spec, "--host-dtb", str(tmp_path / "none.dtb"), "--print-cmd")
    assert r.returncode == 2
    assert re.search(r"host DTB .*none\.dtb: no such file", r.stderr)


def test_missing_kernel_file_exits_2_naming_it():
    """What `make run` shows when a kernel is missing (cache/ stays untouched)."""
    r = run_launcher("--domain", "kernel=/nonexistent/Image", "--print-cmd")
    assert r.returncode == 2
    assert "domus_run: --domain kernel=/nonexistent/Image: kernel /nonexistent/Image: " \
           "no such file; check the path" in r.stderr
    assert r.stdout == ""


def test_missing_cache_file_says_run_make_setup(monkeypatch, tmp_path, capsys):
    """The default domain with cache/Image gone: the launcher says how to get it."""
    monkeypatch.setattr(domus_run, "CACHE", str(tmp_path))
    monkeypatch.setattr(domus_run, "DEFAULT_KERNEL", str(tmp_path / "Image"))
    monkeypatch.setattr(domus_run, "DEFAULT_RAMDISK", str(tmp_path / "initramfs.cpio.gz"))
    assert domus_run.main(["--print-cmd"]) == 2
    err = capsys.readouterr().err
    assert "%s missing: run make setup" % (tmp_path / "Image") in err


# ----------------------------------------------- scheduling and lifecycle keys

def test_spec_scheduling_keys(cache_files):
    d = domus_run.parse_spec("kernel=%s,cpus=3,weight=512,cap=150,affinity=0x1:2,"
                             "on_poweroff=restart,on_reboot=destroy,on_crash=preserve" % IMAGE)
    assert (d.weight, d.cap, d.affinity) == (512, 150, [1, 2])
    assert (d.on_poweroff, d.on_reboot, d.on_crash) == ("restart", "destroy", "preserve")
    d = domus_run.parse_spec("kernel=%s" % IMAGE)
    assert (d.weight, d.cap, d.affinity, d.on_poweroff, d.on_reboot, d.on_crash) == (None,) * 6


@pytest.mark.parametrize("spec, problem", [
    ("kernel=K,weight=0", "weight must be a number from 1 to 65535, not '0'"),
    ("kernel=K,weight=65536", "weight must be"),
    ("kernel=K,weight=heavy", "weight must be"),
    ("kernel=K,cap=-5", "cap must be"),
    ("kernel=K,cap=101,cpus=1", "cap must be a percentage of one CPU from 0 (no cap) to 100"),
    ("kernel=K,affinity=0", "affinity must be non-zero"),
    ("kernel=K,affinity=0x1:", "affinity must be"),
    ("kernel=K,affinity=0xg", "affinity must be"),
    ("kernel=K,affinity=0x100000000", "affinity must be"),
    ("kernel=K,cpus=1,affinity=1:2", "affinity lists 2 masks for 1 vCPU"),
    ("kernel=K,on_crash=reboot", "on_crash must be one of destroy | restart | preserve"),
    ("kernel=K,on_poweroff=", "on_poweroff must be one of"),
    ("kernel=K,weight=1,weight=2", "given twice"),
])
def test_spec_scheduling_errors(spec, problem, cache_files):
    with pytest.raises(ValueError, match=re.escape(problem)):
        domus_run.parse_spec(spec.replace("K", IMAGE))


def test_domains_file_bad_weight_names_file_and_line(tmp_path, cache_files):
    f = tmp_path / "domains"
    f.write_text("kernel=%s,weight=512\n# c\nkernel=%s,on_reboot=maybe\n" % (IMAGE, IMAGE))
    r = run_launcher("--domains", str(f), "--print-cmd")
    assert r.returncode == 2
    assert "%s:3: on_reboot must be one of destroy | restart | preserve, not 'maybe'" % f \
        in r.stderr


def test_host_dtb_has_scheduling_properties(cache_files):
    args = domus_run.parse_args([
        "--domain", "kernel=%s,cpus=2,weight=512,cap=50,affinity=0x1:0x2,on_poweroff=preserve,"
                    "on_reboot=destroy,on_crash=restart" % IMAGE,
        "--domain", "kernel=%s,cpus=4,affinity=3" % IMAGE,
        "--domain", "kernel=%s" % IMAGE])
    _argv, dtb = domus_run.build_command(args)
    dts = subprocess.run(["dtc", "-q", "-I", "dtb", "-O", "dts", dtb], check=True,
                         stdout=subprocess.PIPE, text=True).stdout
    chosen = dts[dts.index("\tchosen {"):]
    d1 = chosen[chosen.index("domU1 {"):chosen.index("domU2 {")]
    d2 = chosen[chosen.index("domU2 {"):chosen.index("domU3 {")]
    d3 = chosen[chosen.index("domU3 {"):]
    assert "domus,weight = <0x200>;" in d1 and "domus,cap = <0x32>;" in d1
    assert "domus,vcpu-affinity = <0x01 0x02>;" in d1
    assert 'domus,on-poweroff = "preserve";' in d1
    assert 'domus,on-reboot = "destroy";' in d1 and 'domus,on-crash = "restart";' in d1
    assert "domus,vcpu-affinity = <0x03>;" in d2 and "domus,weight" not in d2
    assert "domus," not in d3          # nothing given: Domus's defaults apply


def test_default_is_two_linux_domains_and_the_demo(cache_files):
    doms = domus_run.default_domains()
    assert [d.kernel for d in doms] == [IMAGE, IMAGE, domus_run.DEMO_GUEST]
    assert [(d.memory, d.cpus) for d in doms[:2]] == [(512, 2), (512, 2)]
    assert doms[0].ramdisk == doms[1].ramdisk == INITRAMFS and doms[2].ramdisk is None
    assert doms[0].bootargs.endswith(" hostname=alpha")
    assert doms[1].bootargs.endswith(" hostname=beta")
    single = domus_run.domains_from_args(domus_run.parse_args(["--single"]))
    assert len(single) == 1 and single[0].kernel == IMAGE
    assert single[0].bootargs == domus_run.DEFAULT_BOOTARGS


def test_find_panic_quotes_domus_panics_only():
    """The check every harness applies to a run's output (domus_run.find_panic):
    what panic() (core/panic.c) and hyp_trap() (arch/arm64/dump.c) print, and a leak."""
    trap = ("(d1) hog: count=1 ticks=2\r\r\n"
            "(domus) PANIC on CPU1: synchronous exception in Domus\r\r\n"
            "(domus)   ESR_EL2 0000000096000004  FAR_EL2 0000000000000000  HPFAR_EL2 0\r\r\n"
            "(d2) guest line\r\r\n"
            "(domus) PANIC: hypervisor fault\r\r\n")
    assert domus_run.find_panic(trap) == (
        "(domus) PANIC on CPU1: synchronous exception in Domus\n"
        "(domus)   ESR_EL2 0000000096000004  FAR_EL2 0000000000000000  HPFAR_EL2 0\n"
        "(domus) PANIC: hypervisor fault")
    assert domus_run.find_panic("(domus) PANIC: stack corruption detected\n") == \
        "(domus) PANIC: stack corruption detected"
    # A guest's crash, and lines that merely contain the word, are not Domus panics.
    assert domus_run.find_panic("(domus) domU1 (d1) vCPU 0: faulting in a loop\n"
                                "(domus) domU1 (d1) crashed: destroying it\n"
                                "(d1) Kernel panic - not syncing: VFS\n") is None
    # Memory not back after the last domain is as fatal to a run as a panic.
    assert domus_run.find_panic("(domus) LEAK: 8 KiB not back after every domain was "
                                "destroyed\r\n") == \
        "(domus) LEAK: 8 KiB not back after every domain was destroyed"
    assert domus_run.find_panic("(domus) all memory back: 2080768 KiB free\n") is None
