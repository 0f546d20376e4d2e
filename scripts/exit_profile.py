#!/usr/bin/python3
"""Where a Linux boot spends its exits under Domus.

    scripts/exit_profile.py [--timeout S]

Boots the benchmark's Linux domain (the Debian kernel and initramfs, 512
MiB, 2 vCPUs, as `make bench`'s boot) with Domus's `exit_profile` option,
powers it off from its shell, and prints the profile Domus reports at
power-off: per exit class, how many exits and the EL2 time they took
(from the exit to the end of its handling, plus the entry path), and the
hypercalls among them by name (memory_op by command).  make
bench runs it after its timed runs; it is not timed itself (the profile
costs two counter reads per exit).
"""
import argparse
import os
import re
import sys
import time

import pexpect

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, "scripts"))
import domus_run  # noqa: E402

PROMPT = re.compile(r"domus-guest:[^\r\n#]*# ")
ROW = re.compile(r"exit profile: (\S+) (\d+) (\d+) (\d+)\r*\n")
DONE = re.compile(r"no domain left to run: powering off")


def profile(spec, timeout, log_path):
    """{class: (count, total_us, ns_per_exit)} of one boot to the shell and poweroff."""
    argv, _dtb = domus_run.build_command(domus_run.parse_args(
        ["--domain", spec, "--xen-bootargs", "exit_profile"]))
    child = pexpect.spawn(argv[0], argv[1:], cwd=REPO, encoding="utf-8",
                          codec_errors="replace", timeout=timeout)
    with open(log_path, "w", encoding="utf-8") as log:
        child.logfile_read = log
        try:
            child.expect(PROMPT)
            for ch in "poweroff\r":             # the emulated UART's FIFO is small
                child.send(ch)
                time.sleep(0.02)
            child.expect(DONE)
            child.expect(pexpect.EOF, timeout=30)
        finally:
            domus_run.kill_spawned(child)
    with open(log_path, encoding="utf-8") as f:
        rows = ROW.findall(f.read())
    if not rows:
        raise RuntimeError("no exit profile in %s" % log_path)
    return {c: (int(n), int(us), int(ns)) for c, n, us, ns in rows}


def table(prof):
    """Exit classes, then (indented) the hypercalls among them by name, memory_op by
    command, and the system registers whose accesses trapped."""
    classes = {c: v for c, v in prof.items() if ":" not in c}
    total_n = sum(n for n, _, _ in classes.values())
    total_us = sum(us for _, us, _ in classes.values())
    lines = ["%-24s %9s %10s %9s %7s" % ("exit class", "exits", "EL2 ms", "ns/exit", "time %")]

    def row(name, n, us, ns):
        lines.append("%-24s %9d %10.1f %9d %6.1f%%" % (name, n, us / 1000, ns,
                                                        100.0 * us / total_us if total_us else 0))
    for c, (n, us, ns) in sorted(classes.items(), key=lambda kv: -kv[1][1]):
        row(c, n, us, ns)
        subs = {"hypercall": ("hypercall:", "memory_op:"), "sysreg": ("sysreg:",)}.get(c)
        for d, (n, us, ns) in sorted(prof.items(), key=lambda kv: -kv[1][1]):
            if subs and d.startswith(subs):
                row("  " + d, n, us, ns)
    lines.append("%-24s %9d %10.1f" % ("all", total_n, total_us / 1000))
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(prog="exit_profile.py")
    ap.add_argument("--timeout", type=float, default=300)
    args = ap.parse_args()
    import bench
    os.makedirs(bench.LOG_DIR, exist_ok=True)
    print(table(profile(bench.boot_spec(), args.timeout,
                        os.path.join(bench.LOG_DIR, "exit-profile.log"))))


if __name__ == "__main__":
    main()
