#!/usr/bin/env python3
"""Prints the Markdown table of medians and ratios for a compare-fio.sh output folder.

Usage: bench/fio-table.py DIR          (DIR holds rows.txt and TOOL__KEY__rROUND.json files;
                                        notes.txt, when there, is printed under the table)
       bench/fio-table.py --jobs DIR   (job-file mode: DIR holds jobrows.txt; one row per job
                                        as the tools report it, matched by position)
       bench/fio-table.py --growth DIR (bench/cost-growth.sh: DIR holds points.txt)
The same fields are read from fio's JSON and jaio's: jobs[].read/write.iops,
clat_ns.percentile["99.000000"], usr_cpu, sys_cpu, ctx, job_runtime, total_ios. With numjobs
and group_reporting both tools give one entry: IOPS summed over the jobs, p99 of them all;
CPU is taken as cores busy (cpu_cores).
"""
import glob, json, os, statistics, sys


def load(path):
    """The jobs of a result; fio may print notes before its JSON."""
    try:
        with open(path) as f:
            text = f.read()
        return json.loads(text[text.index("{"):])["jobs"]
    except (ValueError, KeyError, IndexError):
        return None


def cpu_seconds(job):
    """CPU time of a job entry in seconds. jaio's usr_cpu and sys_cpu are its whole process's
    over the measured window and its job_runtime that window (the longest job's); fio's are, for
    a group, its jobs' CPU time over their summed job_runtime. Either way share x job_runtime."""
    return (job["usr_cpu"] + job["sys_cpu"]) / 100.0 * job.get("job_runtime", 0) / 1000.0


def cpu_cores(job):
    """Cores busy during a job entry (1.0 = one core): CPU time over the entry's runtime (for a
    group the longest job's, read or write); fio's group figure alone would be per job."""
    wall = max(job["read"].get("runtime", 0), job["write"].get("runtime", 0)) / 1000.0
    if wall <= 0 or job.get("job_runtime", 0) <= 0:
        return (job["usr_cpu"] + job["sys_cpu"]) / 100.0
    return cpu_seconds(job) / wall


def ios_of(job):
    return job["read"]["total_ios"] + job["write"]["total_ios"]


def measures(job):
    """(IOPS, p99 clat in us, cpu %, ctx per I/O) of one job entry, the same fields in both tools' JSON."""
    iops = job["read"]["iops"] + job["write"]["iops"]
    d = job["read"] if job["read"]["iops"] >= job["write"]["iops"] else job["write"]
    p99 = d["clat_ns"].get("percentile", {}).get("99.000000", 0) / 1000.0
    return (iops, p99, 100.0 * cpu_cores(job), job["ctx"] / max(ios_of(job), 1))


def k(v):
    return "n/a" if v is None else ("%.1fk" % (v / 1000) if v < 1e6 else "%.2fM" % (v / 1e6))


def f(v, fmt):
    return "n/a" if v is None else fmt % v


def runs_of(out):
    runs = {}
    for path in glob.glob(os.path.join(out, "*.json")):
        name = os.path.basename(path)[:-5]
        if name.count("__") != 2:
            continue
        tool, key, _round = name.split("__")
        jobs = load(path)
        if jobs:
            runs.setdefault((tool, key), []).append(jobs)
    return runs


def writes_per_sync(job):
    """Writes per fsync/fdatasync of a job entry, or None without syncs."""
    syncs = job.get("sync", {}).get("total_ios", 0)
    return job["write"]["total_ios"] / syncs if syncs else None


def rows_table(out):
    raw = runs_of(out)
    runs = {key: [measures(j[0]) for j in v] for key, v in raw.items()}

    def med(tool, key, i):
        v = [r[i] for r in runs.get((tool, key), [])]
        return statistics.median(v) if v else None

    def syncs(tool, key):
        v = [w for w in (writes_per_sync(j[0]) for j in raw.get((tool, key), [])) if w]
        return statistics.median(v) if v else None

    differ = []

    print("| mode | iodepth | jaio engine | fio engine | batching | jaio IOPS | fio IOPS | jaio / fio | jaio p99 us | fio p99 us | jaio cpu% | fio cpu% | jaio ctx/io | fio ctx/io | rounds |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for line in open(os.path.join(out, "rows.txt")):
        key, mode, depth, jeng, feng, extra = line.rstrip("\n").split("|")
        fkey = "%s-d1-psync" % mode if feng == "psync" else "%s-d%s-%s%s" % (mode, depth, feng, "-batch" if extra else "")
        ji, fi = med("jaio", key, 0), med("fio", fkey, 0)
        ratio = "%.2f" % (ji / fi) if ji and fi else "n/a"
        js, fs = syncs("jaio", key), syncs("fio", fkey)
        if js and fs and abs(js / fs - 1) > 0.10:
            # fio 3.33 on io_uring and posixaio: several fsyncs where one is asked (the note says why)
            ratio += "*"
            differ.append("%s: fio %s issued an fsync every %.1f writes, jaio every %.1f" % (key, feng, fs, js))
        print("| %s | %s | %s | %s%s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %d/%d |" % (
            mode, depth, jeng, feng, " (depth 1)" if feng == "psync" else "",
            "submit=complete_min=%s" % depth if extra else "fio defaults",
            k(ji), k(fi), ratio,
            f(med("jaio", key, 1), "%.1f"), f(med("fio", fkey, 1), "%.1f"),
            f(med("jaio", key, 2), "%.0f"), f(med("fio", fkey, 2), "%.0f"),
            f(med("jaio", key, 3), "%.3f"), f(med("fio", fkey, 3), "%.3f"),
            len(runs.get(("jaio", key), [])), len(runs.get(("fio", fkey), []))))
    if differ:
        print("\n\\* Not the same work: " + "; ".join(differ) + ". (fio 3.33 marks its last I/O a sync only"
              " when the fsync completes, so where the engine queues the fsync (io_uring, posixaio) it puts"
              " another fsync into each free slot until the first is done; libaio and psync run fsync"
              " synchronously. fio 3.38 fixed it: commit 704a8cfe, 'io_u: Ensure fsync only after write(s)'.)")
    # The POSIX facade against jaio's own context API on the same engine (the -ctx rows).
    for line in open(os.path.join(out, "rows.txt")):
        key, mode, depth, jeng, feng, extra = line.rstrip("\n").split("|")
        if jeng == "posix":
            pi, ci = med("jaio", key, 0), med("jaio", key + "-ctx", 0)
            if pi and ci:
                print("\n%s iodepth %s: posix facade / jaio context API = %.2f" % (mode, depth, pi / ci))
    notes = os.path.join(out, "notes.txt")
    if os.path.exists(notes):
        lines = [l.rstrip("\n") for l in open(notes) if l.strip()]
        if lines:
            print()
            for l in lines:
                print(l)


def jobs_table(out):
    """One row per job entry of each job file: the n-th entry of jaio's report against fio's n-th."""
    runs = runs_of(out)
    print("| job file | job | group | jaio IOPS | fio IOPS | jaio / fio | within 10% | jaio p99 us | fio p99 us | jaio cpu% | fio cpu% | rounds |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for line in open(os.path.join(out, "jobrows.txt")):
        key, _path = line.rstrip("\n").split("|", 1)
        j_runs, f_runs = runs.get(("jaio", key), []), runs.get(("fio", key), [])
        entries = max([len(r) for r in j_runs + f_runs] or [0])
        for n in range(entries):
            def med(rs, i):
                v = [measures(r[n])[i] for r in rs if n < len(r)]
                return statistics.median(v) if v else None
            sample = next((r[n] for r in f_runs + j_runs if n < len(r)), None)
            ji, fi = med(j_runs, 0), med(f_runs, 0)
            ratio = ji / fi if ji and fi else None
            print("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %d/%d |" % (
                key, sample["jobname"], sample["groupid"], k(ji), k(fi), f(ratio, "%.2f"),
                "n/a" if ratio is None else ("yes" if abs(ratio - 1) <= 0.10 else "no"),
                f(med(j_runs, 1), "%.1f"), f(med(f_runs, 1), "%.1f"),
                f(med(j_runs, 2), "%.0f"), f(med(f_runs, 2), "%.0f"), len(j_runs), len(f_runs)))


def growth_table(out):
    """bench/cost-growth.sh: one row per point of points.txt (sweep|engine|iodepth|contexts|jaio
    key|why jaio cannot|fio engine|fio key|why fio cannot; the fio fields empty where fio has no
    row), IOPS and CPU time per I/O as medians over the rounds. jaio's runs may start with a
    warm-up phase: the measured entry is the one named cmp."""
    runs = {key: [next((j for j in jobs if j["jobname"] == "cmp"), jobs[-1]) for jobs in v]
            for key, v in runs_of(out).items()}

    def med(tool, key, fn):
        v = [fn(j) for j in runs.get((tool, key), []) if ios_of(j) > 0]
        return statistics.median(v) if v else None

    def iops(job):
        return job["read"]["iops"] + job["write"]["iops"]

    def us_per_io(job):
        return 1e6 * cpu_seconds(job) / ios_of(job)

    def slowest(job):
        """The share of the window its slowest context measured (jaio's runtime_min_ms)."""
        return job.get("jaio", {}).get("runtime_min_ms", job["job_runtime"]) / max(job["job_runtime"], 1)

    cores = 0
    machine = os.path.join(out, "machine.txt")
    if os.path.exists(machine):
        for l in open(machine):
            if l.startswith("cpus: "):
                cores = int(l[6:].split(",")[0])

    def overlapped(job):
        """Whether the jobs of an entry can have run at once: their CPU time fits in the cores
        over the entry's runtime. fio starts its jobs one after another, and with hundreds of
        them on a few cores the last start long after the first: each job's own runtime is
        right, but the group's IOPS (all I/Os over the longest job's runtime) counts jobs that
        did not run together."""
        wall = max(job["read"].get("runtime", 0), job["write"].get("runtime", 0)) / 1000.0
        return not cores or not wall or cpu_seconds(job) <= 1.1 * cores * wall

    def failure(tool, key):
        for err in sorted(glob.glob(os.path.join(out, "%s__%s__r*.json.err" % (tool, key)))):
            lines = [l.strip() for l in open(err, errors="replace") if l.strip()]
            if lines:
                return "%s failed: %s" % (tool, lines[-1][:200])
        return "no %s result" % tool

    print("| sweep | engine | iodepth | contexts | jaio IOPS | jaio CPU us/IO | fio engine | fio IOPS | fio CPU us/IO"
          " | jaio / fio IOPS | notes |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for line in open(os.path.join(out, "points.txt")):
        sweep, eng, depth, ctxs, jkey, jwhy, feng, fkey, fwhy = line.rstrip("\n").split("|")
        notes = [w for w in (jwhy, fwhy) if w]
        ji = None if jwhy else med("jaio", jkey, iops)
        fi = None if not fkey or fwhy else med("fio", fkey, iops)
        if not jwhy and ji is None:
            notes.append(failure("jaio", jkey))
        if fkey and not fwhy and fi is None:
            notes.append(failure("fio", fkey))
        low = med("jaio", jkey, slowest) if ji else None
        if low is not None and low < 0.5:
            notes.append("jaio's slowest context measured %.0f%% of the window" % (100 * low))
        apart = [tool for tool, key, v in (("jaio", jkey, ji), ("fio", fkey, fi))
                 if v and not all(overlapped(j) for j in runs.get((tool, key), []))]
        for tool in apart:
            key = jkey if tool == "jaio" else fkey
            j = runs[(tool, key)][0]
            notes.append("%s's jobs did not all run at once (%.1f s of CPU, more than %d cores over the group's"
                         " %.1f s): its IOPS adds up jobs that ran at different times, fewer of them at once than asked"
                         % (tool, cpu_seconds(j), cores, max(j["read"]["runtime"], j["write"]["runtime"]) / 1000.0))
        print("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
            sweep, eng, depth, ctxs, k(ji) if ji else "", f(med("jaio", jkey, us_per_io), "%.2f") if ji else "",
            feng, k(fi) if fi else "", f(med("fio", fkey, us_per_io), "%.2f") if fi else "",
            "%.2f" % (ji / fi) if ji and fi and not apart else "", "; ".join(notes)))


if sys.argv[1] == "--jobs":
    jobs_table(sys.argv[2])
elif sys.argv[1] == "--growth":
    growth_table(sys.argv[2])
else:
    rows_table(sys.argv[1])
