#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Print medians, ratios and target checks from the RESULT lines that bench/run.sh collects.

Usage: summarize.py RESULTS_FILE

Each line is "RESULT key=value ..." with at least label and rep. Ratios are computed within
each repetition, from runs that followed each other against the same resolver, and the median
over repetitions is printed.
"""

import statistics
import sys
from collections import defaultdict

MIB = 1024.0

# Engine runs at the probe rates that the blackbox_exporter baseline was measured at.
MATCHED = [
    ("raw", 1000), ("raw", 2000),
    ("validating", 1000), ("validating", 2000),
    ("local", 1000), ("local", 2000),
]
RAMP = {
    "raw": [1000, 2000, 10000, 20000, 30000, 40000],
    "validating": [1000, 2000, 4000],
    "local": [1000, 2000, 4000, 8000],
}
# Targets on a 2-core machine: probes per CPU second against the exporter's.
RATIO_TARGETS = {"raw": 20.0, "validating": 2.0, "local": 2.0}


def load(path):
    runs = defaultdict(dict)  # label -> rep -> fields
    with open(path, encoding="utf-8") as results:
        for line in results:
            if not line.startswith("RESULT "):
                continue
            fields = dict(item.split("=", 1) for item in line.split()[1:] if "=" in item)
            runs[fields["label"]][int(fields["rep"])] = fields
    return runs


def number(fields, key):
    try:
        return float(fields[key])
    except (KeyError, ValueError):
        return None


def median_of(runs, label, key):
    values = [number(fields, key) for fields in runs.get(label, {}).values()]
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def median_ratio(runs, label, baseline, key):
    """Median over repetitions of label's key divided by baseline's key in the same rep."""
    ratios = []
    for rep, fields in runs.get(label, {}).items():
        base = runs.get(baseline, {}).get(rep)
        top, bottom = number(fields, key), number(base, key) if base else None
        if top is not None and bottom:
            ratios.append(top / bottom)
    return statistics.median(ratios) if ratios else None


def sustained(fields):
    """Return whether a run kept up with its offered rate.

    That needs at least 99 % of the offered rate completed, 99 % of the outcomes as expected,
    and at most 1 % of the probes started late or skipped.
    """
    offered = number(fields, "offered_per_s") or 0
    completed = (number(fields, "completed_per_s") or 0) * (number(fields, "window_s") or 0)
    behind = (number(fields, "late") or 0) + (number(fields, "skipped") or 0)
    return (
        number(fields, "aborted") == 0
        and (number(fields, "completed_per_s") or 0) >= 0.99 * offered
        and (number(fields, "expected_pct") or 0) >= 99.0
        and behind <= 0.01 * completed
    )


def show(value, precision=1, suffix=""):
    return "-" if value is None else f"{value:,.{precision}f}{suffix}"


def print_table(headers, rows):
    widths = [max(len(str(cell)) for cell in column) for column in zip(headers, *rows)]
    print("| " + " | ".join(h.ljust(w) for h, w in zip(headers, widths)) + " |")
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for row in rows:
        print("| " + " | ".join(str(c).rjust(w) for c, w in zip(row, widths)) + " |")
    print()


def print_baselines(runs):
    print("Baselines (medians)\n")
    rows = []
    for label in ["dnsperf", "blackbox-max", "blackbox-1000", "blackbox-2000"]:
        if label not in runs:
            continue
        rows.append([
            label,
            show(median_of(runs, label, "completed_per_s"), 0),
            show(median_of(runs, label, "expected_pct"), 2),
            show(median_of(runs, label, "cpu_s_per_1000") * 1000, 1)
            if median_of(runs, label, "cpu_s_per_1000") is not None else "-",
            show(median_of(runs, label, "probes_per_cpu_s"), 0),
            show(median_of(runs, label, "resolver_cpu_s"), 2),
        ])
    print_table(["run", "queries or probes/s", "expected %", "CPU us per probe",
                 "probes per CPU s", "resolver CPU s"], rows)


def print_matched(runs):
    print("Engines at the exporter's rates (medians; ratio = probes per CPU second against "
          "blackbox-RATE of the same repetition)\n")
    rows = []
    for engine, rate in MATCHED:
        label = f"{engine}-{rate}"
        if label not in runs:
            continue
        cpu = median_of(runs, label, "cpu_s_per_1000")
        ratio = median_ratio(runs, label, f"blackbox-{rate}", "probes_per_cpu_s")
        target = RATIO_TARGETS[engine]
        rows.append([
            label,
            show(median_of(runs, label, "completed_per_s"), 0),
            show(median_of(runs, label, "expected_pct"), 2),
            show(cpu * 1000 if cpu is not None else None, 1),
            show(median_of(runs, label, "probes_per_cpu_s"), 0),
            show(ratio, 1, "x"),
            f">= {target:g}x: " + ("met" if ratio is not None and ratio >= target else "not met"),
        ])
    print_table(["run", "probes/s", "expected %", "CPU us per probe", "probes per CPU s",
                 "ratio", "target"], rows)


def print_ramp(runs):
    print("Rising rates (medians; sustained = at least 99 % of the offered rate completed, "
          "99 % expected outcomes, at most 1 % late or skipped, counted over repetitions; "
          "ratio = probes per CPU second against blackbox-max of the same repetition)\n")
    rows = []
    for engine, rates in RAMP.items():
        for rate in rates:
            label = f"{engine}-{rate}"
            if label not in runs:
                continue
            reps = runs[label].values()
            cpu = median_of(runs, label, "cpu_s_per_1000")
            rows.append([
                label,
                show(median_of(runs, label, "offered_per_s"), 0),
                show(median_of(runs, label, "completed_per_s"), 0),
                show(median_of(runs, label, "expected_pct"), 2),
                show(cpu * 1000 if cpu is not None else None, 1),
                show(median_of(runs, label, "core_pct"), 0),
                show((median_of(runs, label, "rss_kib") or 0) / MIB, 0),
                show(median_of(runs, label, "open_files_max"), 0),
                f"{sum(sustained(f) for f in reps)}/{len(reps)}",
                show(median_ratio(runs, label, "blackbox-max", "probes_per_cpu_s"), 1, "x"),
            ])
    print_table(["run", "offered/s", "completed/s", "expected %", "CPU us per probe",
                 "% of a core", "RSS MiB", "open files", "sustained",
                 "ratio to blackbox-max"], rows)
    for engine, rates in RAMP.items():
        best = None
        for rate in rates:
            reps = list(runs.get(f"{engine}-{rate}", {}).values())
            if reps and sum(sustained(f) for f in reps) * 2 > len(reps):
                best = rate
        print(f"  {engine}: highest rate sustained in most repetitions: "
              f"{show(best, 0, ' probes/s')}")
    print()


def slope_per_resolver(runs, small, large, small_count, large_count):
    """Median over repetitions of the resident memory added per resolver, in bytes."""
    slopes = []
    for rep, fields in runs.get(large, {}).items():
        base = runs.get(small, {}).get(rep)
        if base:
            added_kib = number(fields, "rss_kib") - number(base, "rss_kib")
            slopes.append(added_kib * 1024.0 / (large_count - small_count))
    return statistics.median(slopes) if slopes else None


def print_memory(runs):
    print("Resident memory per resolver (medians of the difference between two sizes)\n")
    rows = []
    for name, small, large, small_count, large_count in [
        ("validating context", "mem-validating-64", "mem-validating-256", 64, 256),
        ("raw-only resolver (4 targets)", "mem-raw-1000", "steady-raw", 1000, 10000),
        ("local-validation resolver (4 targets)", "mem-local-1000", "mem-local-10000", 1000,
         10000),
    ]:
        slope = slope_per_resolver(runs, small, large, small_count, large_count)
        rows.append([name, f"{small} -> {large}",
                     "-" if slope is None else f"{slope / 1024.0 / 1024.0:.2f} MiB"
                     if slope > 100 * 1024 else f"{slope / 1024.0:.1f} KiB"])
    print_table(["per", "runs", "resident memory"], rows)


def print_steady(runs):
    print("Steady state, 10,000 resolvers x 4 names every 60 s, 5 s timeout (medians)\n")
    rows = []
    for label in ["steady-raw", "steady-all", "dead-all"]:
        if label not in runs:
            continue
        core = median_of(runs, label, "core_pct")
        rss = (median_of(runs, label, "rss_kib") or 0) / MIB
        rows.append([
            label + ("" if label != "dead-all" else " (no answers)"),
            show(median_of(runs, label, "targets"), 0),
            f"{show(median_of(runs, label, 'raw_per_s'), 0)} / "
            f"{show(median_of(runs, label, 'validating_per_s'), 0)} / "
            f"{show(median_of(runs, label, 'local_per_s'), 0)}",
            show(median_of(runs, label, "expected_pct"), 2),
            show(core, 1),
            show(rss, 0),
            show((median_of(runs, label, "hwm_kib") or 0) / MIB, 0),
            show(median_of(runs, label, "open_files_max"), 0),
            ("met" if core is not None and core < 50 and rss < 1024 else "not met"),
        ])
    print_table(["run", "targets", "raw / validating / local per s", "expected %",
                 "% of a core", "RSS MiB", "peak RSS MiB", "open files",
                 "< 50 % core and < 1 GiB"], rows)


def print_path(runs):
    if "path-200" not in runs:
        return
    print("Path checks, 1,000 resolvers, one round each every 5 s (medians; ratio = CPU per "
          "round against CPU per raw probe of path-raw-200 in the same repetition)\n")
    rows = []
    for label in ["path-raw-200", "path-200"]:
        cpu = median_of(runs, label, "cpu_s_per_1000")
        is_path = label == "path-200"
        rows.append([
            label,
            show(median_of(runs, label, "completed_per_s"), 0),
            show(median_of(runs, label, "expected_pct"), 2),
            show(cpu * 1000 if cpu is not None else None, 1),
            show(median_of(runs, label, "path_queries_per_round"), 2) if is_path else "1",
            show(median_of(runs, label, "path_bytes_per_round"), 0) if is_path else "-",
            show(median_of(runs, label, "core_pct"), 2),
            show(median_ratio(runs, label, "path-raw-200", "cpu_s_per_1000"), 2)
            if is_path else "1.00",
        ])
    print_table(["run", "probes or rounds/s", "expected %", "CPU us each", "queries each",
                 "answer octets each", "% of a core", "CPU ratio"], rows)


def main():
    if len(sys.argv) != 2:
        print("Usage: summarize.py RESULTS_FILE", file=sys.stderr)
        return 2
    runs = load(sys.argv[1])
    if not runs:
        print(f"summarize.py: no RESULT lines in {sys.argv[1]}", file=sys.stderr)
        return 1
    reps = max(max(by_rep) for by_rep in runs.values())
    print(f"{reps} repetition(s); medians over repetitions\n")
    print_baselines(runs)
    print_matched(runs)
    print_ramp(runs)
    print_memory(runs)
    print_steady(runs)
    print_path(runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
