package jaio.bench.run;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

/**
 * The live line, rewritten once a second, for the jobs running now (one phase): elapsed time,
 * IOPS and MB/s over the last second, and the time left (when the jobs are time based).
 */
final class ProgressLine {
    private final PrintStream out;
    private final List<Job> jobs;
    private final long start;
    private final long rampEnd;
    private final long end;
    private final String label;
    private long lastAt;
    private long lastIos;
    private long lastBytes;
    private int width;

    /**
     * @param label   what runs ("group 0", or "" for a single group)
     * @param rampEnd when the last ramp ends
     * @param end     when the last job should end, or Long.MAX_VALUE when not known
     */
    ProgressLine(PrintStream out, List<Job> jobs, String label, long start, long rampEnd, long end) {
        this.out = out;
        this.jobs = jobs;
        this.label = label;
        this.start = start;
        this.rampEnd = rampEnd;
        this.end = end;
        this.lastAt = start;
    }

    void update(long now) {
        long ios = 0;
        long bytes = 0;
        for (Job j : jobs) {
            ios += j.progressIos();
            bytes += j.progressBytes();
        }
        double dt = Math.max(1e-9, (now - lastAt) / 1e9);
        double iops = (ios - lastIos) / dt;
        double mbs = (bytes - lastBytes) / dt / 1e6;
        lastAt = now;
        lastIos = ios;
        lastBytes = bytes;
        String phase = now - rampEnd < 0 ? " (ramp)" : "";
        String eta = end == Long.MAX_VALUE ? "?" : Math.max(0, (end - now + 999_999_999L) / 1_000_000_000L) + "s";
        String line = String.format(Locale.ROOT, "jaio:%s %.0fs elapsed%s, %s IOPS, %.1f MB/s, ETA %s", label,
                (now - start) / 1e9, phase, jaio.bench.report.Units.count(iops), mbs, eta);
        out.print("\r" + line + " ".repeat(Math.max(0, width - line.length())));
        out.flush();
        width = line.length();
    }

    void clear() {
        out.print("\r" + " ".repeat(width) + "\r");
        out.flush();
    }
}
