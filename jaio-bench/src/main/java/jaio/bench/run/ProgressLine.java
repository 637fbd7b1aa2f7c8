package jaio.bench.run;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

/**
 * The live line on a terminal, rewritten once a second: elapsed time, IOPS and MB/s over the
 * last second, and the time left. Only used when the output is a terminal.
 */
final class ProgressLine {
    private final PrintStream out;
    private final List<Job> jobs;
    private final Schedule schedule;
    private long lastAt;
    private long lastIos;
    private long lastBytes;
    private int width;

    ProgressLine(PrintStream out, List<Job> jobs, Schedule schedule) {
        this.out = out;
        this.jobs = jobs;
        this.schedule = schedule;
        this.lastAt = schedule.start();
    }

    void update(long now) {
        long ios = 0;
        long bytes = 0;
        for (Job j : jobs) {
            ios += j.progressIos.sum();
            bytes += j.progressBytes.sum();
        }
        double dt = Math.max(1e-9, (now - lastAt) / 1e9);
        double iops = (ios - lastIos) / dt;
        double mbs = (bytes - lastBytes) / dt / 1e6;
        lastAt = now;
        lastIos = ios;
        lastBytes = bytes;
        String phase = schedule.rampOver(now) ? "" : " (ramp)";
        String eta = schedule.end() == Long.MAX_VALUE ? "?" : Math.max(0, (schedule.end() - now + 999_999_999L) / 1_000_000_000L) + "s";
        String line = String.format(Locale.ROOT, "jaio: %.0fs elapsed%s, %s IOPS, %.1f MB/s, ETA %s",
                (now - schedule.start()) / 1e9, phase, jaio.bench.report.Units.count(iops), mbs, eta);
        out.print("\r" + line + " ".repeat(Math.max(0, width - line.length())));
        out.flush();
        width = line.length();
    }

    void clear() {
        out.print("\r" + " ".repeat(width) + "\r");
        out.flush();
    }
}
