#!/usr/bin/python3
"""Hypervisor-internal benchmarks of Domus (and, where possible, Xen 4.17).

    make bench                  # scripts/bench.py, then this script
    scripts/bench_hv.py [--iterations N] [--settle S] [--timeout S] [--no-xen]
                        [--only CASE[,CASE..]]

Micro-guests tests/bench/guests/bench_*.c (built into build/bench/guests/ by
`make guests`) print "bench: <name> key=value ..." lines;
this script boots them under Domus (scripts/domus_run.py) and under Xen 4.17
(the same QEMU, host DTB and images: domus_run.py --hv), reads the lines and
kills QEMU once it has them (hog domains never stop, and Xen does not power
QEMU off).  Each case runs once per iteration (default 3), each QEMU run after
a settle pause (default 2 s; bench.py's quiet-host wait) and bounded by
--timeout.  Figures are medians over the iterations; Domus/Xen ratios are the
median of the ratios within an iteration.  All times are CNTVCT ticks of the
guest's virtual counter (62.5 MHz on QEMU virt: 16 ns per tick), also in us.

Scheduler
  fairness   4 x bench_hog (1 vCPU each, equal weight) on --smp 2: Jain's
             fairness index (sum x)^2 / (n sum x^2) over each hog's
             iterations per tick in its 1 s intervals 2..9 (target >= 0.99)
  weight     2 x bench_hog, weight 512 and 256, on --smp 1: ratio of their
             rates (target 2.0)  [Domus only: Xen dom0less has no DT weight]
  vtlat_*    bench_vtlat (1000 virtual-timer deadlines 200-1200 us apart,
             latency = CNTVCT read in the IRQ handler - CNTV_CVAL) beside two
             bench_hog domains, 3 domains x 1 vCPU:
               vtlat_credit2  credit scheduler, --smp 2 (3 vCPUs on 2 pCPUs)
               vtlat_credit3  credit scheduler, --smp 3 (one pCPU each)
               vtlat_null3    sched=null, --smp 3 (one pCPU each; the latency
                              guest alone on its pCPU)
  sgi_*      bench_ipi: SGI ping-pong between the 2 vCPUs of one domain, each
             round trip timed on vCPU 0 (both sides sleep in WFI):
               sgi_1pcpu  --smp 1: both vCPUs on one pCPU, so every round
                          trip contains two vCPU context switches
               sgi_2pcpu  --smp 2, affinity 0x1:0x2: no switch (reference)
             "switch estimate" = (sgi_1pcpu - sgi_2pcpu) / 2 (crude: the
             2-pCPU path pays a cross-CPU wake instead)
PV (bench_pv_a as domain 1, bench_pv_b as domain 2, --smp 2)
  xen_version    HYPERVISOR_xen_version(XENVER_version): per call, median of
                 200 batches of 50
  psci_version   PSCI_VERSION over HVC #0 the same way (trap reference)
  evtchn_rtt     interdomain event-channel ping-pong (domain 2 echoes from its
                 upcall handler; both sleep in WFI), median of 1000
  grant_map_unmap  map + unmap of domain 2's granted page into a hole of
                 domain 1's RAM, median of 1000 pairs

Xen 4.17 (cache/xen/boot/xen-4.17-arm64, fetched by bench.py's prepare_xen):
  * sched=credit on its command line (its default is credit2; Domus
    implements credit1).  Debian's build has no null scheduler
    (CONFIG_SCHED_NULL unset), so vtlat_null3 has no Xen row.
  * PV case: the domains are NOT given xen,enhanced (pv=0): Xen 4.17 panics
    "At the moment, Xenstore support requires dom0 to be present" when a
    dom0less domU has it and there is no dom0.  Every Xen domU can make the
    hypercalls anyway.  And xsm=dummy: Debian's Xen defaults to the SILO XSM
    policy, which refuses event channels and grants between two domUs (-EPERM).
  * Domus runs the PV domains with pv=1.

Raw results: build/bench/hv-results.json; console logs build/bench/logs/hv-*.
"""
import argparse
import json
import os
import re
import shlex
import sys
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, "scripts"))
import bench  # noqa: E402  (paths, prepare_xen, launcher_argv: shared with bench.py)
import bench_harness  # noqa: E402  (Run, settle, git_rev, qemu_version)
from bench_harness import median  # noqa: E402
from bench_report import fmt, fmt_ratio  # noqa: E402
import domus_run  # noqa: E402

import pexpect  # noqa: E402  (bench.py already required it)

OUT_DIR = bench.OUT_DIR
LOG_DIR = bench.LOG_DIR
GUESTS = bench.GUESTS
HV = bench.HV
XEN_IMAGE = bench.XEN_IMAGE
XEN_CONFIG = XEN_IMAGE + ".config"

BASE_BOOTARGS = domus_run.DEFAULT_XEN_BOOTARGS
HOG_FIRST, HOG_LAST = 2, 9          # hog intervals used (1 s each)

LINE = re.compile(r"(?:\(d(\d+)\) |DOM(\d+): )?bench: (\S+)([^\r\n]*)\r*\n")
# Domus's own figure at power-off (core/domain_reap.c): the longest a hypercall part held a CPU.
EL2_HOLD = re.compile(r"\(domus\) hypercalls: the longest held its CPU (\d+) us")
# A guest's failure, Xen's panic, or Domus's (domus_run.PANIC)
BAD = re.compile(r"domus-test: (\S+): (FAIL|SKIP)([^\r\n]*)|Panic on CPU[^\r\n]*\r*\n[^\r\n]*|"
                 + domus_run.PANIC.pattern)


def log(msg=""):
    print(msg, flush=True)


def guest(name):
    return os.path.join(GUESTS, name + ".bin")


def dspec(name, **kw):
    s = "kernel=%s,memory=64,cpus=%d" % (guest(name), kw.pop("cpus", 1))
    for k, v in kw.items():
        s += ",%s=%s" % (k, v)
    return s


# ---------------------------------------------------------------- cases

def hog_done(n):
    def done(lines):
        last = {}
        for dom, name, kv in lines:
            if name == "hog":
                last[dom] = max(last.get(dom, -1), int(kv["sec"]))
        return len(last) >= n and all(last.get(d, -1) >= HOG_LAST for d in range(1, n + 1))
    return done


def line_done(*names):
    def done(lines):
        seen = {name for _d, name, kv in lines}
        return all(n in seen for n in names)
    return done


def hog_rates(lines):
    """{dom: iterations per tick over intervals HOG_FIRST..HOG_LAST}."""
    cnt, tck = {}, {}
    for dom, name, kv in lines:
        if name == "hog" and HOG_FIRST <= int(kv["sec"]) <= HOG_LAST:
            cnt[dom] = cnt.get(dom, 0) + int(kv["count"])
            tck[dom] = tck.get(dom, 0) + int(kv["ticks"])
    return {d: cnt[d] / tck[d] for d in cnt if tck[d]}


def parse_fairness(lines):
    r = hog_rates(lines)
    xs = [r[d] for d in sorted(r)]
    if len(xs) < 4:
        raise RuntimeError("only %d hogs reported" % len(xs))
    jain = sum(xs) ** 2 / (len(xs) * sum(x * x for x in xs))
    mean = sum(xs) / len(xs)
    return {"jain": jain, "min_share": min(xs) / mean, "max_share": max(xs) / mean,
            "rates": xs}


def parse_weight(lines):
    r = hog_rates(lines)
    if 1 not in r or 2 not in r:
        raise RuntimeError("hog rates missing: %s" % r)
    return {"ratio": r[1] / r[2], "error_pct": 100.0 * (r[1] / r[2] - 2.0) / 2.0}


def stat(lines, name):
    for _d, n, kv in lines:
        if n == name:
            if "error" in kv:
                raise RuntimeError("%s: %s" % (name, kv["error"]))
            return kv
    raise RuntimeError("no 'bench: %s' line" % name)


def parse_vtlat(lines):
    kv = stat(lines, "vtimer_lat")
    top = stat(lines, "vtimer_lat_top5")
    return {"median": int(kv["median"]), "p99": int(kv["p99"]), "max": int(kv["max"]),
            "min": int(kv["min"]), "over1ms": int(kv["over1ms"]), "freq": int(kv["freq"]),
            "top5": [int(top["t%d" % i]) for i in range(1, 6)]}


def parse_longcall(lines):
    out = parse_vtlat(lines)
    out["el2_hold_us"] = int(stat(lines, "el2_hold")["us"])
    out["longcall_calls"] = int(stat(lines, "longcall")["calls"])
    return out


def parse_sgi(lines):
    kv = stat(lines, "sgi_rtt")
    return {"median": int(kv["median"]), "p99": int(kv["p99"]), "max": int(kv["max"]),
            "min": int(kv["min"]), "freq": int(kv["freq"])}


def parse_pv(lines):
    out = {}
    for name in ("xen_version", "psci_version"):
        kv = stat(lines, name)
        b = int(kv["batch"])
        out[name] = int(kv["median"]) / b
        out[name + "_p90"] = int(kv["p90"]) / b
        out["freq"] = int(kv["freq"])
    errors = {}
    for name in ("evtchn_rtt", "grant_map_unmap"):
        try:
            kv = stat(lines, name)
            out[name] = int(kv["median"])
            out[name + "_p99"] = int(kv["p99"])
            out[name + "_max"] = int(kv["max"])
        except RuntimeError as e:
            errors[name] = str(e)
    if errors:
        out["errors"] = errors
    return out


def xen_has_null():
    try:
        with open(XEN_CONFIG) as f:
            return "CONFIG_SCHED_NULL=y" in f.read()
    except OSError:
        return False


def cases(xen):
    """[(case, {variant: launcher args}, done, parse, xen_skip_reason)]"""
    hog = dspec("bench_hog")
    xen_credit = BASE_BOOTARGS + " sched=credit"
    c = []

    def add(name, args, done, parse, xen_args=None, xen_skip=None):
        v = {"domus": args + ["--hv", HV]}
        if xen and xen_args is not None:
            v["xen"] = xen_args + ["--hv", XEN_IMAGE]
        c.append((name, v, done, parse, None if (xen_args is not None or not xen) else xen_skip))

    four = ["--smp", "2"] + ["--domain", hog] * 4
    add("fairness", four, hog_done(4), parse_fairness,
        xen_args=four + ["--xen-bootargs", xen_credit])
    add("weight", ["--smp", "1", "--domain", dspec("bench_hog", weight=512),
                   "--domain", dspec("bench_hog", weight=256)],
        hog_done(2), parse_weight, xen_skip="Xen's dom0less DT has no per-domain weight")
    lat = ["--domain", dspec("bench_vtlat"), "--domain", hog, "--domain", hog]
    for smp in (2, 3):
        add("vtlat_credit%d" % smp, ["--smp", str(smp)] + lat, line_done("vtimer_lat_top5"),
            parse_vtlat, xen_args=["--smp", str(smp), "--xen-bootargs", xen_credit] + lat)
    null_xen = None
    if xen_has_null():
        null_xen = ["--smp", "3", "--xen-bootargs", BASE_BOOTARGS + " sched=null"] + lat
    add("vtlat_null3", ["--smp", "3", "--xen-bootargs", BASE_BOOTARGS + " sched=null"] + lat,
        line_done("vtimer_lat_top5"), parse_vtlat, xen_args=null_xen,
        xen_skip="this Xen build has no null scheduler (CONFIG_SCHED_NULL unset)")
    # The latency guest shares its only pCPU with a guest making the longest hypercalls.
    longcall = ["--smp", "1", "--domain", dspec("bench_vtlat")]
    add("vtlat_longcall", longcall + ["--domain", dspec("bench_longcall", pv=1)],
        line_done("vtimer_lat_top5", "longcall", "el2_hold"), parse_longcall,
        xen_skip="Xen prints no figure for its longest hypercall (the latency is comparable: "
                 "run it by hand)")
    ipi = dspec("bench_ipi", cpus=2)
    add("sgi_1pcpu", ["--smp", "1", "--domain", ipi], line_done("sgi_rtt"), parse_sgi,
        xen_args=["--smp", "1", "--xen-bootargs", xen_credit, "--domain", ipi])
    ipi2 = dspec("bench_ipi", cpus=2, affinity="0x1:0x2")
    add("sgi_2pcpu", ["--smp", "2", "--domain", ipi2], line_done("sgi_rtt"), parse_sgi,
        xen_args=["--smp", "2", "--xen-bootargs", xen_credit, "--domain", ipi2])
    pv = ["--smp", "2"]
    add("pv", pv + ["--domain", dspec("bench_pv_a", pv=1), "--domain", dspec("bench_pv_b", pv=1)],
        line_done("pv_done"), parse_pv,
        xen_args=pv + ["--xen-bootargs", xen_credit + " xsm=dummy",
                       "--domain", dspec("bench_pv_a"), "--domain", dspec("bench_pv_b")])
    return c


# ---------------------------------------------------------------- running

def run_case(argv, done, timeout, log_path):
    """Boot, collect bench lines until done(lines); kill QEMU.  Returns
    (lines, error or None, seconds)."""
    run = bench_harness.Run(argv, timeout, log_path)
    lines = []
    err = None
    try:
        while not done(lines):
            run.expect([LINE, BAD, EL2_HOLD], "the benchmark lines")
            m = run.child.match
            if run.index == 1:
                raise RuntimeError("guest or hypervisor failed: %s" % m.group(0).strip())
            if run.index == 2:
                lines.append((0, "el2_hold", {"us": m.group(1)}))
                continue
            dom = int(m.group(1) or m.group(2) or 0)
            kv = dict(x.split("=", 1) for x in m.group(4).split() if "=" in x)
            lines.append((dom, m.group(3), kv))
    except RuntimeError as e:
        err = str(e)
    finally:
        secs = run.elapsed()
        run.kill()
    if err is None:
        with open(log_path, encoding="utf-8", errors="replace") as f:
            panic = domus_run.find_panic(f.read())
        if panic:
            err = "Domus panicked: %s" % panic.splitlines()[0]
    return lines, err, secs


# The table: (label, case, key, unit); unit "t" = ticks (also us), "" = plain.
ROWS = [
    ("(a) Jain fairness, 4 hogs / 2 pCPUs", "fairness", "jain", ".4f"),
    ("    lowest share / mean", "fairness", "min_share", ".3f"),
    ("(b) weight 512:256 rate ratio (2.0)", "weight", "ratio", ".3f"),
    ("(c) vtimer lat median, credit 2 pCPU", "vtlat_credit2", "median", "t"),
    ("    vtimer lat p99, credit 2 pCPU", "vtlat_credit2", "p99", "t"),
    ("    vtimer lat max, credit 2 pCPU", "vtlat_credit2", "max", "t"),
    ("    vtimer lat median, credit 3 pCPU", "vtlat_credit3", "median", "t"),
    ("    vtimer lat p99, credit 3 pCPU", "vtlat_credit3", "p99", "t"),
    ("    vtimer lat max, credit 3 pCPU", "vtlat_credit3", "max", "t"),
    ("    vtimer lat median, null 3 pCPU", "vtlat_null3", "median", "t"),
    ("    vtimer lat p99, null 3 pCPU", "vtlat_null3", "p99", "t"),
    ("    vtimer lat max, null 3 pCPU", "vtlat_null3", "max", "t"),
    ("(h) vtimer lat median beside long calls", "vtlat_longcall", "median", "t"),
    ("    vtimer lat p99 beside long calls", "vtlat_longcall", "p99", "t"),
    ("    vtimer lat max beside long calls", "vtlat_longcall", "max", "t"),
    ("    longest hypercall part at EL2 (us)", "vtlat_longcall", "el2_hold_us", ".0f"),
    ("(d) SGI round trip, 1 pCPU (2 sw)", "sgi_1pcpu", "median", "t"),
    ("    SGI round trip, 2 pCPUs (0 sw)", "sgi_2pcpu", "median", "t"),
    ("    switch estimate (1p-2p)/2", "sgi", "switch", "t"),
    ("(e) xen_version per call", "pv", "xen_version", "t"),
    ("    PSCI_VERSION (HVC #0) per call", "pv", "psci_version", "t"),
    ("(f) evtchn round trip median", "pv", "evtchn_rtt", "t"),
    ("    evtchn round trip p99", "pv", "evtchn_rtt_p99", "t"),
    ("(g) grant map+unmap median", "pv", "grant_map_unmap", "t"),
    ("    grant map+unmap p99", "pv", "grant_map_unmap_p99", "t"),
]


def value(results, case, variant, it, key):
    """One figure of one iteration's run (None if missing)."""
    if case == "sgi":
        a = value(results, "sgi_1pcpu", variant, it, "median")
        b = value(results, "sgi_2pcpu", variant, it, "median")
        return (a - b) / 2 if a is not None and b is not None else None
    for r in results:
        if r["case"] == case and r["variant"] == variant and r["iteration"] == it and r["ok"]:
            return r["metrics"].get(key)
    return None


def main(argv=None):
    ap = argparse.ArgumentParser(prog="bench_hv.py",
                                 description="Domus hypervisor-internal benchmarks "
                                             "(scheduler, timer latency, PV) vs Xen 4.17.")
    ap.add_argument("--iterations", type=int, default=3, metavar="N",
                    help="runs of each case and variant (default 3)")
    ap.add_argument("--settle", type=float, default=2.0, metavar="S",
                    help="pause before every QEMU run, seconds (default 2)")
    ap.add_argument("--idle-wait", type=float, default=60.0, metavar="S",
                    help="wait at most this long for a quiet host before a run (default 60)")
    ap.add_argument("--timeout", type=float, default=120.0, metavar="S",
                    help="limit for each QEMU run, seconds (default 120)")
    ap.add_argument("--no-xen", action="store_true", help="leave out the Xen 4.17 reference")
    ap.add_argument("--only", metavar="CASES",
                    help="comma-separated cases: fairness, weight, vtlat_credit2, "
                         "vtlat_credit3, vtlat_null3, vtlat_longcall, sgi_1pcpu, sgi_2pcpu, pv")
    ap.add_argument("--output", default=os.path.join(OUT_DIR, "hv-results.json"), metavar="FILE")
    args = ap.parse_args(argv)
    if args.iterations < 1:
        ap.error("--iterations must be at least 1")

    need = [HV] + [guest(g) for g in ("bench_hog", "bench_vtlat", "bench_ipi",
                                      "bench_pv_a", "bench_pv_b", "bench_longcall")]
    missing = [os.path.relpath(p, REPO) for p in need if not os.path.isfile(p)]
    if missing:
        log("bench_hv.py: missing %s: run 'make all guests' (or 'make bench')" % ", ".join(missing))
        return 2
    os.makedirs(LOG_DIR, exist_ok=True)

    xen_reason = "--no-xen" if args.no_xen else bench.prepare_xen()[1]
    plan = cases(xen_reason is None)
    if args.only:
        want = set(args.only.split(","))
        unknown = want - {c[0] for c in plan}
        if unknown:
            ap.error("unknown case(s): %s" % ", ".join(sorted(unknown)))
        plan = [c for c in plan if c[0] in want]
    try:
        argvs = {(name, v): bench.launcher_argv(a) for name, vs, _d, _p, _s in plan
                 for v, a in vs.items()}
    except domus_run.DomusRunError as e:
        log("bench_hv.py: %s" % e)
        return 2

    log("Domus hypervisor benchmarks: %d iteration(s), %.0f s settle pause, %.0f s limit per run"
        % (args.iterations, args.settle, args.timeout))
    log("QEMU: %s (TCG); Domus %s" % (bench_harness.qemu_version(), bench_harness.git_rev()))
    if xen_reason:
        log("xen: skipped (%s)" % xen_reason)
    log()

    results = []
    xen_dead = {}
    for it in range(1, args.iterations + 1):
        for name, variants, done, parse, _skip in plan:
            for v in variants:
                if v == "xen" and name in xen_dead:
                    continue
                busy, note = bench_harness.settle(args.settle, args.idle_wait)
                lp = os.path.join(LOG_DIR, "hv-%s-%s-%d.log" % (name, v, it))
                lines, err, secs = run_case(argvs[(name, v)], done, args.timeout, lp)
                r = {"case": name, "variant": v, "iteration": it, "ok": False,
                     "log": os.path.relpath(lp, REPO), "seconds": round(secs, 1),
                     "host_busy_before_pct": round(busy, 1), "lines": lines}
                if note:
                    r["host_not_quiet"] = note
                if err is None:
                    try:
                        r["metrics"] = parse(lines)
                        r["ok"] = True
                    except (RuntimeError, KeyError, ValueError, ZeroDivisionError) as e:
                        err = "cannot read the results: %s" % e
                if err:
                    r["error"] = err
                results.append(r)
                m = r.get("metrics", {})
                shown = ", ".join("%s=%s" % (k, ("%.4g" % x) if isinstance(x, float) else x)
                                  for k, x in m.items() if not isinstance(x, (list, dict)))
                if m.get("errors"):
                    shown += "; " + "; ".join("%s: %s" % kv for kv in m["errors"].items())
                log("[%d] %-13s %-5s %5.1f s  %s%s" % (it, name, v, secs,
                                                        shown if r["ok"] else "FAILED: %s" % err,
                                                        "  (%s)" % note if note else ""))
                if v == "xen" and not r["ok"]:
                    xen_dead[name] = "%s; see %s" % (err, r["log"])

    # ------------------------------------------------------------ table
    iters = range(1, args.iterations + 1)
    case_names = {c[0] for c in plan}
    skips = {c[0]: c[4] for c in plan if c[4]}
    has_xen = xen_reason is None
    summary = {}
    log()
    log(("%-40s %14s %14s %s" % ("benchmark (median of %d)" % args.iterations,
                                   "domus", "xen 4.17" if has_xen else "",
                                   "ratio (min..max)" if has_xen else "")).rstrip())
    for label, case, key, unit in ROWS:
        if case not in case_names and not (case == "sgi" and {"sgi_1pcpu", "sgi_2pcpu"} <= case_names):
            continue
        d = median([value(results, case, "domus", i, key) for i in iters])
        x = median([value(results, case, "xen", i, key) for i in iters]) if has_xen else None
        rat = []
        for i in iters:
            a, b = value(results, case, "domus", i, key), value(results, case, "xen", i, key)
            if a is not None and b:
                rat.append(a / b)
        ratio = median(rat)
        freq = 62.5e6
        for r in results:
            if r["ok"] and "freq" in r["metrics"]:
                freq = r["metrics"]["freq"]
                break
        summary["%s.%s" % (case, key)] = {"domus": d, "xen": x, "ratio_domus_xen": ratio,
                                          "unit": "ticks" if unit == "t" else None,
                                          "per_iteration_ratios": rat}
        if unit == "t":
            def show(t):
                return "-" if t is None else "%.0f (%.2fus)" % (t, t * 1e6 / freq)
        else:
            def show(t, unit=unit):
                return fmt(t, unit)
        xs = show(x) if x is not None else ("-" if has_xen else "")
        base = case if case != "sgi" else "sgi_1pcpu"
        if has_xen and x is None and base in skips:
            xs = "skipped"
        log(("%-40s %14s %14s %s" % (label, show(d), xs,
                                     fmt_ratio(rat, ".2f") if has_xen else "")).rstrip())
    log()
    log("ticks: guest CNTVCT ticks (%.1f MHz); ratio = Domus/Xen (median of per-iteration "
        "ratios; >1 = Domus slower)." % (freq / 1e6))
    log("(a) 4 x 1-vCPU hogs, --smp 2, intervals %d-%d s; target >= 0.99.  (b) --smp 1, target 2.0."
        % (HOG_FIRST, HOG_LAST))
    log("(c) 1000 CNTV_CVAL deadlines 200-1200 us apart, latency read in the IRQ handler;"
        " two hog domains beside it; 3 x 1 vCPU; null: the latency guest alone on its pCPU.")
    log("(d) SGI ping-pong between the 2 vCPUs of one domain (both WFI); 1 pCPU = 2 context"
        " switches per round trip.  (e)-(g) bench_pv_a/bench_pv_b, --smp 2.")
    if has_xen:
        log("xen: sched=credit (like Domus's credit1); PV domains without xen,enhanced (Xen 4.17"
            " panics without dom0) and with xsm=dummy (SILO forbids domU-domU channels/grants).")
    for name, why in sorted(skips.items()):
        log("xen: skipped for %s (%s)" % (name, why))
    if xen_reason:
        log("xen: skipped (%s)" % xen_reason)
    for name, why in xen_dead.items():
        log("xen (%s): skipped after a failure (%s)" % (name, why))
    for r in results:
        if not r["ok"]:
            log("FAILED: %s %s iteration %d: %s (log %s)" % (r["case"], r["variant"],
                                                            r["iteration"], r["error"], r["log"]))
        for k, e in r.get("metrics", {}).get("errors", {}).items():
            log("partial: %s %s iteration %d: %s (log %s)" % (r["case"], r["variant"],
                                                             r["iteration"], e, r["log"]))
        if r.get("host_not_quiet"):
            log("note: %s %s iteration %d: %s" % (r["case"], r["variant"], r["iteration"],
                                                 r["host_not_quiet"]))

    os.makedirs(os.path.dirname(os.path.abspath(args.output)), exist_ok=True)
    doc = {
        "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "domus": bench_harness.git_rev(),
        "qemu": bench_harness.qemu_version(), "host_cpus": os.cpu_count(),
        "iterations": args.iterations, "settle_s": args.settle, "timeout_s": args.timeout,
        "xen": {"image": os.path.relpath(XEN_IMAGE, REPO), "skipped": xen_reason,
                "skipped_cases": skips, "stopped": xen_dead or None},
        "commands": {"%s/%s" % k: shlex.join(a) for k, a in argvs.items()},
        "summary": summary,
        "runs": results,
    }
    tmp = args.output + ".tmp"
    with open(tmp, "w") as f:
        json.dump(doc, f, indent=2)
        f.write("\n")
    os.replace(tmp, args.output)
    log("raw results: %s; logs: %s/hv-*" % (os.path.relpath(args.output, REPO),
                                            os.path.relpath(LOG_DIR, REPO)))
    ok = all(r["ok"] for r in results if r["variant"] == "domus")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
