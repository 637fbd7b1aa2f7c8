package jaio.bench.report;

import java.io.PrintStream;
import java.util.Locale;
import jaio.ContextStats;
import jaio.bench.cli.JobSpec;
import jaio.bench.run.IoStats;
import jaio.bench.run.Moments;
import jaio.bench.run.RunResult;
import jaio.bench.run.Rusage;

/**
 * The human report, laid out like fio's normal output so a fio user reads it at a glance:
 * a job line, then per direction IOPS and bandwidth, slat/clat/lat, clat percentiles, then
 * cpu (with fio's ctx), then jaio's own lines (context switches per I/O, allocation, the
 * context's counters), verify results and the run status line.
 */
public final class TextReport {
    private TextReport() {}

    public static void write(RunResult r, PrintStream out) {
        JobSpec s = r.spec();
        String engine = s.engine().cliName().equals(r.engine()) ? r.engine() : s.engine().cliName() + " -> " + r.engine();
        out.printf(Locale.ROOT, "%s: (g=0): rw=%s, bs=%dB-%dB, engine=%s, iodepth=%d, numjobs=%d%n", s.name(), s.rw().fioName(),
                s.bs(), s.bs(), engine, s.iodepth(), s.numjobs());
        out.printf(Locale.ROOT, "  file: %s, size=%s, %s, invalidate=%d; batch: submit=%d, complete_min=%d, complete_max=%d%n",
                s.file(), Units.binary(s.size()), s.direct() ? "direct" : "buffered", s.invalidate() ? 1 : 0,
                s.batchSubmit(), s.completeMin(), s.completeMax());
        for (String p : r.passedOver()) {
            out.println("  auto passed over: " + p);
        }
        for (String n : r.notes()) {
            out.println("  note: " + n);
        }
        out.printf(Locale.ROOT, "%s: (groupid=0, jobs=%d): err=%2d%n", s.name(), s.numjobs(), r.stats().errors() > 0 ? 1 : 0);
        if (r.stats().firstError() != null) {
            out.printf("  error: %s (%d failed requests)%n", r.stats().firstError(), r.stats().errors());
        }
        direction(out, "read", r.stats().read(), r.runtimeNanos());
        direction(out, "write", r.stats().write(), r.runtimeNanos());
        IoStats sync = r.stats().sync();
        if (sync.ios() > 0) {
            out.printf(Locale.ROOT, "  sync: %d fsyncs%n", sync.ios());
            latencyLine(out, "     lat", sync.lat());
        }
        cpu(out, r);
        verify(out, r);
        out.println();
        out.println("Run status group 0 (all jobs):");
        status(out, "READ", r.stats().read(), r);
        status(out, "WRITE", r.stats().write(), r);
    }

    private static void direction(PrintStream out, String name, IoStats d, long runtimeNanos) {
        if (d.ios() == 0) {
            return;
        }
        double rt = runtimeNanos / 1e9;
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
        double[] ps = Percentiles.FIO;
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
    }

    private static void latencyLine(PrintStream out, String label, Moments m) {
        String unit = Units.latencyUnit(m.mean());
        double div = Units.latencyDivisor(unit);
        out.printf(Locale.ROOT, "%s (%s): min=%d, max=%d, avg=%.2f, stdev=%.2f%n", label, unit, Math.round(m.min() / div),
                Math.round(m.max() / div), m.mean() / div, m.stddev() / div);
    }

    private static void cpu(PrintStream out, RunResult r) {
        Rusage p = r.process();
        long ios = r.totalIos();
        if (!p.known()) {
            out.println("  cpu          : not measured on this system");
            return;
        }
        double window = Math.max(1, r.windowNanos());
        out.printf(Locale.ROOT, "  cpu          : usr=%.2f%%, sys=%.2f%%, ctx=%d, majf=%d, minf=%d%n",
                100.0 * p.userNanos() / window, 100.0 * p.systemNanos() / window, p.contextSwitches(), p.majorFaults(),
                p.minorFaults());
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "  jaio         : ctx/io=%.4f (process; %d voluntary, %d involuntary)",
                ios > 0 ? (double) p.contextSwitches() / ios : 0, p.voluntary(), p.involuntary()));
        Rusage t = r.jobThreads();
        if (t.known()) {
            b.append(String.format(Locale.ROOT, ", job threads ctx/io=%.4f", ios > 0 ? (double) t.contextSwitches() / ios : 0));
        }
        if (r.allocatedBytes() >= 0 && ios > 0) {
            b.append(String.format(Locale.ROOT, ", allocated %.2f B/io", (double) r.allocatedBytes() / ios));
        }
        out.println(b);
        ContextStats c = r.context();
        if (c != null) {
            out.printf(Locale.ROOT, "  context      : submitted=%d, reaped=%d, wakeups=%d (%.4f/event), punted=%d, retries=%d, eagain=%d, bounced=%d%n",
                    c.submitted(), c.reaped(), c.wakeups(), c.reaped() > 0 ? (double) c.wakeups() / c.reaped() : 0,
                    c.punted(), c.retries(), c.eagain(), c.bounced());
        }
    }

    private static void verify(PrintStream out, RunResult r) {
        if (!r.spec().verify()) {
            return;
        }
        long after = r.readback() == null ? 0 : r.readback().verified();
        out.printf("  verify       : %d blocks checked as read, %d read back after the run, %d bad blocks%n",
                r.stats().verified(), after, r.mismatches());
        int shown = 0;
        java.util.List<String> all = new java.util.ArrayList<>(r.stats().mismatches());
        if (r.readback() != null) {
            all.addAll(r.readback().mismatches());
        }
        for (String m : all) {
            if (shown++ == 20) {
                out.printf("    ... and %d more%n", r.mismatches() - 20);
                break;
            }
            out.println("    mismatch: " + m);
        }
    }

    private static void status(PrintStream out, String name, IoStats d, RunResult r) {
        if (d.ios() == 0) {
            return;
        }
        double rt = r.runtimeNanos() / 1e9;
        out.printf(Locale.ROOT, "  %5s: bw=%s, io=%s (%s), run=%d-%dmsec%n", name, Units.bandwidth(d.bytes() / rt),
                Units.binary(d.bytes()).replace(" ", ""), Units.decimal(d.bytes()), r.runtimeMinNanos() / 1_000_000,
                r.runtimeNanos() / 1_000_000);
    }
}
