package jaio.bench.run;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import jaio.bench.plan.JobSpec;

/**
 * One clone's fio-format logs (HOWTO, "Log File Formats"): {@code NAME_bw.N.log},
 * {@code NAME_iops.N.log}, {@code NAME_lat.N.log}, {@code NAME_clat.N.log},
 * {@code NAME_slat.N.log}, N the thread number; each line "time (ms), value, direction, block
 * size, offset". Latency lines are per I/O, or averages over log_avg_msec windows (then block
 * size and offset are 0); bandwidth (KiB/s) and IOPS lines are per window (log_avg_msec, or
 * 500 ms). Times count from the end of the ramp. Lines are buffered and written in chunks,
 * so the job thread does not wait on the disk per I/O. One job thread.
 */
final class JobLogs implements AutoCloseable {
    private static final int FLUSH_AT = 1 << 16;

    private final List<Out> outs = new ArrayList<>();
    private final Out bw;
    private final Out iops;
    private final Out lat;
    private final Out clat;
    private final Out slat;
    private final boolean offsets;
    private final boolean perIoLatency;
    private final long window;
    private long start = -1;
    private long windowStart;
    private final long[] bytes = new long[2];
    private final long[] ios = new long[2];
    private final long[][] latSum = new long[3][2];
    private final long[] latN = new long[2];

    /** One log file, buffered. */
    private static final class Out {
        final Path path;
        final StringBuilder buf = new StringBuilder();
        Writer w;

        Out(Path path) throws IOException {
            this.path = path;
            Path parent = path.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            this.w = new BufferedWriter(Files.newBufferedWriter(path, StandardCharsets.US_ASCII), 1 << 16);
        }

        void line(long ms, long value, int dir, long bs, long offset) {
            buf.append(ms).append(", ").append(value).append(", ").append(dir).append(", ").append(bs).append(", ")
                    .append(offset).append('\n');
            if (buf.length() >= FLUSH_AT) {
                flush();
            }
        }

        void flush() {
            try {
                w.append(buf);
                buf.setLength(0);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + path, e);
            }
        }
    }

    /** The logs a job asks for, for thread number {@code thread}; null when it asks for none. */
    static JobLogs open(JobSpec job, int thread) throws IOException {
        return job.logs().any() ? new JobLogs(job.logs(), thread) : null;
    }

    private JobLogs(JobSpec.LogSpec spec, int thread) throws IOException {
        this.offsets = spec.logOffset();
        this.window = spec.avgMsec() > 0 ? spec.avgMsec() * 1_000_000L : Samples.WINDOW_NANOS;
        this.bw = spec.bw() == null ? null : add(Path.of(spec.bw() + "_bw." + thread + ".log"));
        this.iops = spec.iops() == null ? null : add(Path.of(spec.iops() + "_iops." + thread + ".log"));
        boolean l = spec.lat() != null;
        this.lat = l ? add(Path.of(spec.lat() + "_lat." + thread + ".log")) : null;
        this.clat = l ? add(Path.of(spec.lat() + "_clat." + thread + ".log")) : null;
        this.slat = l ? add(Path.of(spec.lat() + "_slat." + thread + ".log")) : null;
        this.perIoLatency = l && spec.avgMsec() == 0;
    }

    private Out add(Path p) throws IOException {
        Out o = new Out(p);
        outs.add(o);
        return o;
    }

    /** Logging starts (the ramp is over). */
    void start(long now) {
        start = now;
        windowStart = now;
    }

    /**
     * One completion.
     *
     * @param slat submission latency, or -1 when there is none (synchronous engines)
     */
    void completed(long now, int dir, long len, long offset, long slat, long clat) {
        if (start < 0 || dir > 1) {
            return;
        }
        roll(now);
        bytes[dir] += len;
        ios[dir]++;
        long s = Math.max(0, slat);
        if (perIoLatency) {
            long ms = (now - start) / 1_000_000;
            long off = offsets ? offset : 0;
            lat.line(ms, s + clat, dir, len, off);
            this.clat.line(ms, clat, dir, len, off);
            if (slat >= 0) {
                this.slat.line(ms, slat, dir, len, off);
            }
        } else {
            latSum[0][dir] += s + clat;
            latSum[1][dir] += clat;
            latSum[2][dir] += s;
            latN[dir]++;
        }
    }

    private void roll(long now) {
        while (now - windowStart >= window) {
            long ms = (windowStart + window - start) / 1_000_000;
            double secs = window / 1e9;
            for (int d = 0; d < 2; d++) {
                if (bw != null && ios[d] > 0) {
                    bw.line(ms, Math.round(bytes[d] / 1024.0 / secs), d, 0, 0);
                }
                if (iops != null && ios[d] > 0) {
                    iops.line(ms, Math.round(ios[d] / secs), d, 0, 0);
                }
                if (lat != null && !perIoLatency && latN[d] > 0) {
                    lat.line(ms, latSum[0][d] / latN[d], d, 0, 0);
                    clat.line(ms, latSum[1][d] / latN[d], d, 0, 0);
                    slat.line(ms, latSum[2][d] / latN[d], d, 0, 0);
                }
                bytes[d] = 0;
                ios[d] = 0;
                latSum[0][d] = 0;
                latSum[1][d] = 0;
                latSum[2][d] = 0;
                latN[d] = 0;
            }
            windowStart += window;
        }
    }

    /** Writes what is left (a last partial window is dropped, as fio drops it). */
    @Override
    public void close() {
        for (Out o : outs) {
            o.flush();
            try {
                o.w.close();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + o.path, e);
            }
        }
    }
}
