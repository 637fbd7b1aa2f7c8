#!/usr/bin/env python3
"""Prints the Markdown table of medians and ratios for a compare-fio.sh output folder.

Usage: bench/fio-table.py DIR   (DIR holds rows.txt and TOOL__KEY__rROUND.json files)
The same fields are read from fio's JSON and jaio's: jobs[0].read/write.iops,
clat_ns.percentile["99.000000"], usr_cpu, sys_cpu, ctx.
"""
import glob, json, os, statistics, sys

out = sys.argv[1]
runs = {}
for path in glob.glob(os.path.join(out, "*.json")):
    tool, key, _round = os.path.basename(path)[:-5].split("__")
    try:
        with open(path) as f:
            job = json.load(f)["jobs"][0]
    except (ValueError, KeyError, IndexError):
        continue
    # The same fields in both tools' JSON: jobs[0].read/write.iops, clat_ns.percentile, usr_cpu, sys_cpu, ctx.
    iops = job["read"]["iops"] + job["write"]["iops"]
    d = job["read"] if job["read"]["iops"] >= job["write"]["iops"] else job["write"]
    p99 = d["clat_ns"].get("percentile", {}).get("99.000000", 0) / 1000.0
    ios = job["read"]["total_ios"] + job["write"]["total_ios"]
    runs.setdefault((tool, key), []).append((iops, p99, job["usr_cpu"] + job["sys_cpu"], job["ctx"] / max(ios, 1)))

def med(tool, key, i):
    v = [r[i] for r in runs.get((tool, key), [])]
    return statistics.median(v) if v else None

def k(v):
    return "n/a" if v is None else ("%.1fk" % (v / 1000) if v < 1e6 else "%.2fM" % (v / 1e6))

print("| mode | iodepth | jaio engine | fio engine | batching | jaio IOPS | fio IOPS | jaio / fio | jaio p99 us | fio p99 us | jaio cpu% | fio cpu% | jaio ctx/io | fio ctx/io | rounds |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
for line in open(os.path.join(out, "rows.txt")):
    key, mode, depth, jeng, feng, extra = line.rstrip("\n").split("|")
    fkey = "%s-d1-psync" % mode if feng == "psync" else "%s-d%s-%s%s" % (mode, depth, feng, "-batch" if extra else "")
    ji, fi = med("jaio", key, 0), med("fio", fkey, 0)
    ratio = "%.2f" % (ji / fi) if ji and fi else "n/a"
    def f(v, fmt):
        return "n/a" if v is None else fmt % v
    print("| %s | %s | %s | %s%s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %d/%d |" % (
        mode, depth, jeng, feng, " (depth 1)" if feng == "psync" else "",
        "submit=complete_min=%s" % depth if extra else "fio defaults",
        k(ji), k(fi), ratio,
        f(med("jaio", key, 1), "%.1f"), f(med("fio", fkey, 1), "%.1f"),
        f(med("jaio", key, 2), "%.0f"), f(med("fio", fkey, 2), "%.0f"),
        f(med("jaio", key, 3), "%.3f"), f(med("fio", fkey, 3), "%.3f"),
        len(runs.get(("jaio", key), [])), len(runs.get(("fio", fkey), []))))
