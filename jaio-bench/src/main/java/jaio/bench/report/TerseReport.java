package jaio.bench.report;

import java.io.PrintStream;
import java.util.Locale;
import jaio.bench.run.IoStats;
import jaio.bench.run.JobStats;
import jaio.bench.run.Moments;
import jaio.bench.run.RunResult;
import jaio.bench.run.Rusage;

/**
 * fio's terse output, version 3 (HOWTO, "Terse output"): one line per job (or group with
 * group_reporting), semicolon separated: version, fio version, job name, group, error; per
 * direction (read, write) KiB, KiB/s, IOPS, runtime, slat, clat, 20 clat percentiles, lat (in
 * microseconds) and the bandwidth samples; cpu; I/O depths; the latency distribution in
 * microseconds and milliseconds. jaio has no disk statistics: the disk fields are left out,
 * as fio leaves them out where it has none. A description, when the job has one, ends the line.
 */
public final class TerseReport {
    /** Fields on a line without disk statistics and description. */
    public static final int FIELDS = 121;

    private TerseReport() {}

    public static void write(RunResult r, PrintStream out) {
        for (Groups.Group g : Groups.of(r)) {
            for (Entry e : g.entries()) {
                out.println(line(e));
            }
        }
    }

    static String line(Entry e) {
        StringBuilder b = new StringBuilder();
        JobStats st = e.stats();
        b.append("3;fio-").append(Version.FIO).append(';').append(e.name()).append(';').append(e.groupId()).append(';')
                .append(st.errors() > 0 ? 1 : 0);
        direction(b, st.read(), st.samples().bw(0), e);
        direction(b, st.write(), st.samples().bw(1), e);
        Rusage p = e.process();
        double window = Math.max(1, e.windowNanos());
        b.append(';').append(pct(p.known() ? 100.0 * p.userNanos() / window : 0))
                .append(';').append(pct(p.known() ? 100.0 * p.systemNanos() / window : 0))
                .append(';').append(p.known() ? p.contextSwitches() : 0)
                .append(';').append(p.known() ? p.majorFaults() : 0)
                .append(';').append(p.known() ? p.minorFaults() : 0);
        long[] lv = st.depthLevels();
        long total = 0;
        for (long v : lv) {
            total += v;
        }
        for (int i = 0; i < lv.length; i++) {
            double v = total == 0 ? (i == 0 ? 100 : 0) : 100.0 * lv[i] / total;
            b.append(';').append(String.format(Locale.ROOT, "%.1f%%", v));
        }
        org.HdrHistogram.Histogram all = st.read().clat().copy();
        all.add(st.write().clat());
        LatencyBuckets lb = new LatencyBuckets(all);
        for (double v : lb.us) {
            b.append(';').append(String.format(Locale.ROOT, "%.2f%%", v));
        }
        for (double v : lb.ms) {
            b.append(';').append(String.format(Locale.ROOT, "%.2f%%", v));
        }
        if (e.spec().description() != null) {
            b.append(';').append(e.spec().description());
        }
        return b.toString();
    }

    private static void direction(StringBuilder b, IoStats d, Moments bw, Entry e) {
        double rt = e.runtimeNanos() / 1e9;
        long kib = d.bytes() / 1024;
        b.append(';').append(kib).append(';').append(rt > 0 ? Math.round(d.bytes() / 1024.0 / rt) : 0)
                .append(';').append(rt > 0 ? Math.round(d.ios() / rt) : 0)
                .append(';').append(d.ios() > 0 ? Math.round(rt * 1000) : 0);
        usec(b, d.slat());
        usec(b, d.clatMoments());
        double[] ps = e.spec().percentiles();
        for (int i = 0; i < 20; i++) {
            if (i < ps.length && d.ios() > 0) {
                b.append(';').append(String.format(Locale.ROOT, "%.6f%%=%d", ps[i],
                        d.clat().getValueAtPercentile(ps[i]) / 1000));
            } else {
                b.append(";0%=0");
            }
        }
        usec(b, d.lat());
        double total = rt > 0 ? d.bytes() / 1024.0 / rt : 0;
        boolean any = d.ios() > 0 && bw.count() > 0;
        b.append(';').append(any ? bw.min() : 0).append(';').append(any ? bw.max() : 0)
                .append(';').append(pct(any && total > 0 ? 100.0 * bw.mean() / total : 0))
                .append(';').append(String.format(Locale.ROOT, "%.6f", any ? bw.mean() : 0.0))
                .append(';').append(String.format(Locale.ROOT, "%.6f", any ? bw.stddev() : 0.0));
    }

    private static void usec(StringBuilder b, Moments m) {
        b.append(';').append(m.min() / 1000).append(';').append(m.max() / 1000)
                .append(';').append(String.format(Locale.ROOT, "%.6f", m.mean() / 1000))
                .append(';').append(String.format(Locale.ROOT, "%.6f", m.stddev() / 1000));
    }

    private static String pct(double v) {
        return String.format(Locale.ROOT, "%.6f%%", v);
    }
}
