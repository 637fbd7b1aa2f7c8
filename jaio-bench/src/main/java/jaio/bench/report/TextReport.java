package jaio.bench.report;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import jaio.ContextStats;
import jaio.bench.plan.BlockSizes;
import jaio.bench.plan.JobSpec;
import jaio.bench.run.CloneResult;
import jaio.bench.run.IoStats;
import jaio.bench.run.JobStats;
import jaio.bench.run.Moments;
import jaio.bench.run.RunResult;
import jaio.bench.run.Rusage;
import jaio.bench.run.Samples;

/**
 * The human report, laid out like fio's normal output so a fio user reads it at a glance:
 * one line per job saying what it does, then per job (or per group with group_reporting) IOPS
 * and bandwidth per direction, slat/clat/lat, clat percentiles, bandwidth and IOPS samples,
 * the latency distribution, cpu (with fio's ctx) and I/O depths; then jaio's own lines
 * (context switches per I/O, allocation, the context's counters), verify results, and a
 * "Run status" block per group.
 */
public final class TextReport {
    private TextReport() {}

    public static void write(RunResult r, PrintStream out) {
        List<Groups.Group> groups = Groups.of(r);
        boolean headed = false;
        for (Groups.Group g : groups) {
            for (CloneResult c : g.clones()) {
                if (c.unit().index() == 0) {
                    header(out, c, g.id());
                    headed = true;
                }
            }
        }
        if (headed) {
            out.println("jaio-bench " + Version.get() + " (fio " + Version.FIO + " report format)");
        }
        for (String n : r.notes()) {
            out.println("note: " + n);
        }
        for (Groups.Group g : groups) {
            for (Entry e : g.entries()) {
                entry(out, e);
            }
        }
        for (Groups.Group g : groups) {
            out.println();
            out.printf("Run status group %d (all jobs):%n", g.id());
            status(out, "READ", g, 0);
            status(out, "WRITE", g, 1);
        }
    }

    private static void header(PrintStream out, CloneResult c, int group) {
        JobSpec s = c.unit().spec();
        String engine = s.engine().engine().cliName().equals(c.engine()) ? c.engine()
                : s.engine().engine().cliName() + " -> " + c.engine();
        out.printf(Locale.ROOT, "%s: (g=%d): rw=%s, bs=(R) %s, (W) %s, (T) %s, ioengine=%s, iodepth=%d%n", s.name(), group,
                s.rw().fioName(), BlockSizes.describe(s.bs().read()), BlockSizes.describe(s.bs().write()),
                BlockSizes.describe(s.bs().write()), engine, s.depth().iodepth());
        String files = c.unit().layout().files().size() == 1 ? c.unit().layout().files().get(0).path().toString()
                : c.unit().layout().files().size() + " files";
        out.printf(Locale.ROOT, "  file: %s, size=%s, %s, invalidate=%d; batch: submit=%d, complete_min=%d,"
                + " complete_max=%d; numjobs=%d%n", files, Units.binary(c.unit().layout().size()),
                s.direct() ? "direct" : "buffered", s.invalidate() ? 1 : 0, s.depth().batchSubmit(), s.depth().completeMin(),
                s.depth().completeMax(), s.numjobs());
        for (String p : c.passedOver()) {
            out.println("  auto passed over: " + p);
        }
    }

    private static void entry(PrintStream out, Entry e) {
        JobStats st = e.stats();
        out.println();
        out.printf(Locale.ROOT, "%s: (groupid=%d, jobs=%d): err=%2d%n", e.name(), e.groupId(), e.jobs(), st.errors() > 0 ? 1 : 0);
        if (e.spec().description() != null) {
            out.println("  Description  : [" + e.spec().description() + "]");
        }
        if (st.firstError() != null) {
            out.printf("  error: %s (%d failed requests)%n", st.firstError(), st.errors());
        }
        direction(out, "read", st.read(), st.samples(), 0, e);
        direction(out, "write", st.write(), st.samples(), 1, e);
        IoStats sync = st.sync();
        if (sync.ios() > 0) {
            out.printf(Locale.ROOT, "  sync: %d fsyncs%n", sync.ios());
            latencyLine(out, "     lat", sync.lat());
        }
        buckets(out, e);
        cpu(out, e);
        depths(out, st);
        verify(out, e);
    }

    private static void direction(PrintStream out, String name, IoStats d, Samples samples, int dir, Entry e) {
        if (d.ios() == 0) {
            return;
        }
        double rt = e.runtimeNanos() / 1e9;
        out.printf(Locale.ROOT, "  %s: IOPS=%s, BW=%s(%s/%dmsec)%n", name, Units.count(d.ios() / rt),
                Units.bandwidth(d.bytes() / rt), Units.binary(d.bytes()).replace(" ", ""), Math.round(rt * 1000));
        if (d.slat().count() > 0) {
            latencyLine(out, "    slat", d.slat());
        }
        latencyLine(out, "    clat", d.clatMoments());
        latencyLine(out, "     lat", d.lat());
        String unit = Units.latencyUnit(d.clat().getValueAtPercentile(50));
        double div = Units.latencyDivisor(unit);
        out.printf("    clat percentiles (%s):%n", unit);
        double[] ps = e.spec().percentiles();
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < ps.length; i++) {
            if (i % 4 == 0) {
                if (i > 0) {
                    out.println(b);
                    b.setLength(0);
                }
                b.append("     |");
            }
            b.append(String.format(Locale.ROOT, " %5.2fth=[%5d]%s", ps[i], Math.round(d.clat().getValueAtPercentile(ps[i]) / div),
                    i == ps.length - 1 ? "" : ","));
        }
        out.println(b);
        Moments bw = samples.bw(dir);
        if (bw.count() > 0) {
            double total = d.bytes() / 1024.0 / Math.max(rt, 1e-9);
            out.printf(Locale.ROOT, "   bw (  KiB/s): min=%d, max=%d, per=%.2f%%, avg=%.2f, stdev=%.2f, samples=%d%n", bw.min(),
                    bw.max(), total > 0 ? 100.0 * bw.mean() / total : 0, bw.mean(), bw.stddev(), bw.count());
            Moments io = samples.iops(dir);
            out.printf(Locale.ROOT, "   iops        : min=%5d, max=%5d, avg=%.2f, stdev=%.2f, samples=%d%n", io.min(), io.max(),
                    io.mean(), io.stddev(), io.count());
        }
    }

    private static void latencyLine(PrintStream out, String label, Moments m) {
        String unit = Units.latencyUnit(m.mean());
        double div = Units.latencyDivisor(unit);
        out.printf(Locale.ROOT, "%s (%s): min=%d, max=%d, avg=%.2f, stdev=%.2f%n", label, unit, Math.round(m.min() / div),
                Math.round(m.max() / div), m.mean() / div, m.stddev() / div);
    }

    /** fio's "lat (usec)   : 50=1.20%, 100=87.27%" lines: buckets above 0.01%, five to a line. */
    private static void buckets(PrintStream out, Entry e) {
        org.HdrHistogram.Histogram h = e.stats().read().clat().copy();
        h.add(e.stats().write().clat());
        if (h.getTotalCount() == 0) {
            return;
        }
        LatencyBuckets b = new LatencyBuckets(h);
        bucketLines(out, "nsec", LatencyBuckets.NS, b.ns, null);
        bucketLines(out, "usec", LatencyBuckets.US, b.us, null);
        bucketLines(out, "msec", LatencyBuckets.MS, b.ms, ">=2000");
    }

    private static void bucketLines(PrintStream out, String unit, long[] bounds, double[] pct, String last) {
        StringBuilder line = new StringBuilder();
        int n = 0;
        for (int i = 0; i < pct.length; i++) {
            if (pct[i] < 0.01) {
                continue;
            }
            String k = i < bounds.length ? Long.toString(bounds[i]) : last;
            if (n > 0 && n % 5 == 0) {
                out.printf("  lat (%s)   : %s%n", unit, line);
                line.setLength(0);
            }
            line.append(line.isEmpty() ? "" : ", ").append(String.format(Locale.ROOT, "%s=%.2f%%", k, pct[i]));
            n++;
        }
        if (!line.isEmpty()) {
            out.printf("  lat (%s)   : %s%n", unit, line);
        }
    }

    private static void cpu(PrintStream out, Entry e) {
        Rusage p = e.process();
        long ios = e.totalIos();
        if (!p.known()) {
            out.println("  cpu          : not measured on this system");
            return;
        }
        double window = Math.max(1, e.windowNanos());
        out.printf(Locale.ROOT, "  cpu          : usr=%.2f%%, sys=%.2f%%, ctx=%d, majf=%d, minf=%d%n",
                100.0 * p.userNanos() / window, 100.0 * p.systemNanos() / window, p.contextSwitches(), p.majorFaults(),
                p.minorFaults());
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "  jaio         : ctx/io=%.4f (process; %d voluntary, %d involuntary)",
                ios > 0 ? (double) p.contextSwitches() / ios : 0, p.voluntary(), p.involuntary()));
        Rusage t = e.jobThreads();
        if (t.known()) {
            b.append(String.format(Locale.ROOT, ", job threads ctx/io=%.4f", ios > 0 ? (double) t.contextSwitches() / ios : 0));
        }
        if (e.allocatedBytes() >= 0 && ios > 0) {
            b.append(String.format(Locale.ROOT, ", allocated %.2f B/io", (double) e.allocatedBytes() / ios));
        }
        out.println(b);
        ContextStats c = e.context();
        if (c != null) {
            out.printf(Locale.ROOT, "  context      : engine=%s, submitted=%d, reaped=%d, wakeups=%d (%.4f/event), punted=%d,"
                    + " retries=%d, eagain=%d, bounced=%d, caller-runs=%d%n", e.engine(), c.submitted(), c.reaped(),
                    c.wakeups(), c.reaped() > 0 ? (double) c.wakeups() / c.reaped() : 0, c.punted(), c.retries(), c.eagain(),
                    c.bounced(), c.callerRuns());
        }
    }

    private static void depths(PrintStream out, JobStats st) {
        long[] lv = st.depthLevels();
        long total = 0;
        for (long v : lv) {
            total += v;
        }
        String[] names = {"1", "2", "4", "8", "16", "32", ">=64"};
        StringBuilder b = new StringBuilder("  IO depths    : ");
        for (int i = 0; i < lv.length; i++) {
            double pct = total == 0 ? (i == 0 ? 100 : 0) : 100.0 * lv[i] / total;
            b.append(i == 0 ? "" : ", ").append(names[i]).append('=').append(String.format(Locale.ROOT, "%.1f%%", pct));
        }
        out.println(b);
        out.printf("     issued rwts: total=%d,%d,0,0 short=0,0,0,0 dropped=0,0,0,0%n", st.read().ios(), st.write().ios());
    }

    private static void verify(PrintStream out, Entry e) {
        if (!e.spec().verify().on()) {
            return;
        }
        JobStats st = e.stats();
        out.printf("  verify       : %s, %d blocks checked as read, %d read back after the run, %d bad blocks%n",
                e.spec().verify().method().fioName(), st.verified() - st.checkedAfterRun(), st.checkedAfterRun(),
                st.mismatchCount());
        int shown = 0;
        for (String m : st.mismatches()) {
            if (shown++ == 20) {
                out.printf("    ... and %d more%n", st.mismatchCount() - 20);
                break;
            }
            out.println("    mismatch: " + m);
        }
    }

    /** fio's group line: the group's bandwidth (all its bytes over its longest runtime), the range over clones, io, run. */
    private static void status(PrintStream out, String name, Groups.Group g, int dir) {
        long bytes = 0;
        long maxRt = 0;
        long minRt = Long.MAX_VALUE;
        double minBw = Double.MAX_VALUE;
        double maxBw = 0;
        for (CloneResult c : g.clones()) {
            IoStats d = dir == 0 ? c.stats().read() : c.stats().write();
            if (d.ios() == 0) {
                continue;
            }
            bytes += d.bytes();
            maxRt = Math.max(maxRt, c.runtimeNanos());
            minRt = Math.min(minRt, c.runtimeNanos());
            double bw = d.bytes() / Math.max(1e-9, c.runtimeNanos() / 1e9);
            minBw = Math.min(minBw, bw);
            maxBw = Math.max(maxBw, bw);
        }
        if (bytes == 0) {
            return;
        }
        double rt = maxRt / 1e9;
        out.printf(Locale.ROOT, "  %5s: bw=%s, %s-%s (%s-%s), io=%s (%s), run=%d-%dmsec%n", name, Units.bandwidth(bytes / rt),
                Units.binary(minBw).replace(" ", "") + "/s", Units.binary(maxBw).replace(" ", "") + "/s",
                Units.decimal(minBw) + "/s", Units.decimal(maxBw) + "/s", Units.binary(bytes).replace(" ", ""),
                Units.decimal(bytes), minRt / 1_000_000, maxRt / 1_000_000);
    }
}
