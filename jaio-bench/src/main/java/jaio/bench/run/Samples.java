package jaio.bench.run;

/**
 * fio's bandwidth and IOPS samples: bytes and I/Os per direction over windows of 500 ms
 * (fio's bw_avg_time and iops_avg_time), giving min, max, mean and deviation of the per-window
 * rates for the reports. Recording allocates nothing; one writer thread.
 */
public final class Samples {
    /** fio's default averaging window. */
    public static final long WINDOW_NANOS = 500_000_000L;

    private final long[] bytes = new long[2];
    private final long[] ios = new long[2];
    private final Moments[] bw = {new Moments(), new Moments()};
    private final Moments[] iops = {new Moments(), new Moments()};
    private long windowStart = -1;

    /** Starts (or restarts) sampling at {@code now}. */
    public void start(long now) {
        windowStart = now;
        for (int d = 0; d < 2; d++) {
            bytes[d] = 0;
            ios[d] = 0;
            bw[d].reset();
            iops[d].reset();
        }
    }

    /** A completion of {@code len} bytes in {@code dir} at {@code now}. */
    public void record(int dir, long len, long now) {
        if (windowStart < 0) {
            return;
        }
        roll(now);
        bytes[dir] += len;
        ios[dir]++;
    }

    /** Closes the windows that ended by {@code now}. */
    public void roll(long now) {
        if (windowStart < 0) {
            return;
        }
        while (now - windowStart >= WINDOW_NANOS) {
            for (int d = 0; d < 2; d++) {
                if (ios[d] > 0 || bw[d].count() > 0) {
                    bw[d].record(Math.round(bytes[d] / 1024.0 * 1e9 / WINDOW_NANOS));
                    iops[d].record(Math.round(ios[d] * 1e9 / WINDOW_NANOS));
                }
                bytes[d] = 0;
                ios[d] = 0;
            }
            windowStart += WINDOW_NANOS;
        }
    }

    /** KiB/s per window of a direction (fio's bw_min, bw_max, bw_mean, bw_dev, bw_samples). */
    public Moments bw(int dir) {
        return bw[dir];
    }

    /** IOPS per window of a direction. */
    public Moments iops(int dir) {
        return iops[dir];
    }

    public void add(Samples o) {
        for (int d = 0; d < 2; d++) {
            bw[d].add(o.bw[d]);
            iops[d].add(o.iops[d]);
        }
    }
}
