"""scripts/bench.py's figures: per-variant medians, ratios taken within an
iteration, each benchmark's summary entries and table rows, the table, and
the verdicts against the targets."""
from bench_harness import log, median


def summarize(runs, variants, value):
    """Per-variant medians of value(run) and per-iteration ratios vs bare/xen."""
    by_iter = {}
    for r in runs:
        by_iter.setdefault(r["iteration"], {})[r["variant"]] = r
    out = {}
    for v in variants:
        vals = [value(r) for r in runs if r["variant"] == v and r["ok"]]
        out[v] = {"median": median(vals), "values": vals,
                  "failed": sum(1 for r in runs if r["variant"] == v and not r["ok"])}
    return out, by_iter


def iteration_ratios(by_iter, num, den, vnum, vden):
    out = []
    for it in sorted(by_iter):
        a, b = by_iter[it].get(num), by_iter[it].get(den)
        if a and b and a["ok"] and b["ok"] and vden(b):
            out.append(vnum(a) / vden(b))
    return out


def fmt(x, spec):
    return "-" if x is None else format(x, spec)


def fmt_ratio(ratios, spec=".3f"):
    """The median of per-iteration ratios, with their range when there are several."""
    if not ratios:
        return "-"
    if len(ratios) == 1:
        return format(ratios[0], spec)
    return "%s (%s..%s)" % (format(median(ratios), spec), format(min(ratios), spec),
                            format(max(ratios), spec))


def loop_summary(runs, variants, value, spec, has_xen):
    """A guest loop's figure: its summary entry, and its table row's cells."""
    med, by_iter = summarize(runs, variants, value)
    rb = iteration_ratios(by_iter, "domus", "bare", value, value)
    rx = iteration_ratios(by_iter, "domus", "xen", value, value)
    entry = {
        "variants": med,
        "ratio_domus_bare": {"median": median(rb), "per_iteration": rb},
        "ratio_domus_xen": {"median": median(rx), "per_iteration": rx},
    }
    return entry, (fmt(med["domus"]["median"], spec), fmt(med["bare"]["median"], spec),
                   fmt_ratio(rb),
                   fmt(med.get("xen", {}).get("median"), spec) if has_xen else None,
                   fmt_ratio(rx) if has_xen else None)


def summarize_boot(runs, variants, n, has_xen, summary, rows):
    med, by_iter = summarize(runs, variants, lambda r: r["shell_s"])
    banner_med, _ = summarize(runs, variants, lambda r: r["banner_s"])
    start_med, _ = summarize(runs, variants, lambda r: r["linux_start_s"])
    rb = iteration_ratios(by_iter, "domus", "bare", lambda r: r["shell_s"], lambda r: r["shell_s"])
    rx = iteration_ratios(by_iter, "domus", "xen", lambda r: r["banner_s"], lambda r: r["banner_s"])
    summary["boot_to_shell_s"] = {
        "variants": med, "banner_s": banner_med, "linux_start_s": start_med,
        "ratio_domus_bare": {"median": median(rb), "per_iteration": rb},
        "ratio_domus_xen_banner": {"median": median(rx), "per_iteration": rx},
    }
    rows.append(("boot to shell (s, median of %d)" % n,
                 fmt(med["domus"]["median"], ".2f"), fmt(med["bare"]["median"], ".2f"),
                 fmt_ratio(rb),
                 fmt(med.get("xen", {}).get("median"), ".2f") if has_xen else None,
                 fmt_ratio(rx) if has_xen else None))
    rows.append(("  of which until Linux starts (s)",
                 fmt(start_med["domus"]["median"], ".2f"), fmt(start_med["bare"]["median"], ".2f"),
                 "", fmt(start_med.get("xen", {}).get("median"), ".2f") if has_xen else None, ""))
    summary["boot_to_shell_s"]["domus_setup_ms"] = setup_rows(runs, has_xen, rows)


def setup_rows(runs, has_xen, rows):
    """The medians of Domus's own start by phase (its domus runs' account), as rows; them."""
    setup = {}
    for part, what in SETUP_PARTS:
        vals = [r["domus_setup_ms"][part] for r in runs
                if r["variant"] == "domus" and r["ok"] and r.get("domus_setup_ms")]
        setup[part] = median(vals)
        if vals:
            rows.append((what, fmt(setup[part], ".1f"), "", "", "" if has_xen else None, ""))
    return setup


# Domus's start by phase (bench.domus_setup_ms()), as the boot table's rows.
SETUP_PARTS = (
    ("total", "    of which Domus's own (ms)"),
    ("early", "      early start, device tree (ms)"),
    ("memory", "      memory set-up (ms)"),
    ("cpus", "      GIC and secondary CPUs (ms)"),
    ("ram", "      domain structures, RAM (ms)"),
    ("images", "      domain images, DT (ms)"),
)


def summarize_cpu(runs, variants, n, has_xen, summary, rows):
    for key, label, field, spec in (
            ("cpu_loop_ticks", "cpu loop (ticks, median of %d)", "ticks", ".0f"),
            ("mem_loop_ticks", "page-strided loop (ticks, median of %d)", "mem_ticks", ".0f"),
            ("cpu_loop_wall_s", "cpu loop wall (s, median of %d)", "loop_wall_s", ".2f")):
        summary[key], row = loop_summary(runs, variants, lambda r, f=field: r[f], spec, has_xen)
        rows.append((label % n,) + row)


def summarize_dom0(runs, variants, n, has_xen, summary, rows):
    med, by_iter = summarize(runs, variants, lambda r: r["ready_s"])
    start_med, _ = summarize(runs, variants, lambda r: r["linux_start_s"])
    rx = iteration_ratios(by_iter, "domus", "xen", lambda r: r["ready_s"], lambda r: r["ready_s"])
    summary["dom0_ready_s"] = {
        "variants": med, "linux_start_s": start_med,
        "ratio_domus_xen": {"median": median(rx), "per_iteration": rx},
    }
    rows.append(("Dom0 to xenstored+xenconsoled (s)", fmt(med["domus"]["median"], ".2f"), "-", "",
                 fmt(med.get("xen", {}).get("median"), ".2f") if has_xen else None,
                 fmt_ratio(rx) if has_xen else None))
    rows.append(("  of which until Linux starts (s)", fmt(start_med["domus"]["median"], ".2f"),
                 "-", "", fmt(start_med.get("xen", {}).get("median"), ".2f") if has_xen else None,
                 ""))
    summary["dom0_ready_s"]["domus_setup_ms"] = setup_rows(runs, has_xen, rows)


def summarize_xl(runs, variants, n, has_xen, summary, rows):
    for key, label, value in (("xl_create_to_shell_s", "xl create -c to DomU shell (s)",
                               lambda r: r["create_s"]),
                              ("xl_destroy_s", "xl destroy (s)", lambda r: r["destroy_s"])):
        med, by_iter = summarize(runs, variants, value)
        rx = iteration_ratios(by_iter, "domus", "xen", value, value)
        summary[key] = {"variants": med, "ratio_domus_xen": {"median": median(rx),
                                                             "per_iteration": rx}}
        rows.append((label, fmt(med["domus"]["median"], ".2f"), "-", "",
                     fmt(med.get("xen", {}).get("median"), ".2f") if has_xen else None,
                     fmt_ratio(rx) if has_xen else None))


SUMMARIZERS = {"boot": summarize_boot, "cpu": summarize_cpu, "dom0": summarize_dom0,
               "xl": summarize_xl}


def log_table(rows, has_xen):
    log()
    head = "%-34s %11s %11s %-21s" % ("benchmark", "domus", "bare", "ratio (min..max)")
    if has_xen:
        head += " %11s %s" % ("(xen", "ratio (min..max))")
    log(head.rstrip())
    for label, d, b, r, x, xr in rows:
        line = "%-34s %11s %11s %-21s" % (label, d, b, r)
        if has_xen:
            line += " %11s %s" % (x or "-", "-" if xr is None else xr)
        log(line.rstrip())
    log()


def log_verdicts(summary):
    verdicts = []
    for key, label, target in (("boot_to_shell_s", "boot to shell", 1.10),
                               ("cpu_loop_ticks", "cpu loop", 1.003),
                               ("mem_loop_ticks", "page-strided loop", 1.2)):
        if key in summary:
            r = summary[key]["ratio_domus_bare"]["median"]
            if r is not None:
                verdicts.append("%s %.3f %s %g: %s" % (label, r, "<=" if r <= target else ">",
                                                      target, "met" if r <= target else "NOT met"))
    if verdicts:
        log("target (Domus/bare): " + "; ".join(verdicts))
