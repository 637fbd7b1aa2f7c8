package jaio.bench.report;

import org.HdrHistogram.Histogram;

/**
 * fio's latency distribution buckets (stat.c: the "lat (usec)" lines, JSON latency_ns,
 * latency_us, latency_ms, and terse's I/O latencies): the percent of I/Os at or below each
 * bound and above the previous one, from the completion latency histogram.
 */
final class LatencyBuckets {
    /** The bounds of each scale, in that scale's unit. */
    static final long[] NS = {2, 4, 10, 20, 50, 100, 250, 500, 750, 1000};
    static final long[] US = NS;
    static final long[] MS = {2, 4, 10, 20, 50, 100, 250, 500, 750, 1000, 2000};

    final double[] ns = new double[10];
    final double[] us = new double[10];
    /** Eleven bounded buckets and ">=2000". */
    final double[] ms = new double[12];

    LatencyBuckets(Histogram h) {
        long total = h.getTotalCount();
        if (total == 0) {
            return;
        }
        long prev = 0;
        // each bucket counts values in (previous bound, bound]; below 1 ns (none) falls in the first
        for (int i = 0; i < NS.length; i++) {
            long upTo = countAtOrBelow(h, i == NS.length - 1 ? 999 : NS[i]);
            ns[i] = 100.0 * (upTo - prev) / total;
            prev = upTo;
        }
        for (int i = 0; i < US.length; i++) {
            long upTo = countAtOrBelow(h, i == US.length - 1 ? 999_999 : US[i] * 1000);
            us[i] = 100.0 * (upTo - prev) / total;
            prev = upTo;
        }
        for (int i = 0; i < MS.length; i++) {
            long upTo = countAtOrBelow(h, MS[i] * 1_000_000);
            ms[i] = 100.0 * (upTo - prev) / total;
            prev = upTo;
        }
        ms[11] = 100.0 * (total - prev) / total;
    }

    private static long countAtOrBelow(Histogram h, long v) {
        return v < h.getMinValue() ? 0 : h.getCountBetweenValues(0, v);
    }
}
