package jaio.bench.run;

import org.HdrHistogram.Histogram;

/**
 * What one direction (read, write or sync) did: requests, bytes, and fio's three latencies:
 * slat (inside the submit call), clat (from the end of the submit call to the reap that saw the
 * completion) with percentiles, and lat (the two together). One writer thread; recording
 * allocates nothing (the histogram is sized up front and values are clamped to its range).
 */
public final class IoStats {
    /** The longest latency the histogram holds; longer ones are recorded as this. */
    public static final long MAX_TRACKED_NANOS = 600_000_000_000L;

    private long ios;
    private long bytes;
    private final Histogram clat = new Histogram(1, MAX_TRACKED_NANOS, 3);
    private final Moments clatMoments = new Moments();
    private final Moments slat = new Moments();
    private final Moments lat = new Moments();

    /** One completed request of {@code bytes}, submitted in {@code slatNanos} and completed {@code clatNanos} later. */
    public void record(long bytes, long slatNanos, long clatNanos) {
        ios++;
        this.bytes += bytes;
        long c = clatNanos < 1 ? 1 : Math.min(clatNanos, MAX_TRACKED_NANOS);
        clat.recordValue(c);
        clatMoments.record(c);
        if (slatNanos >= 0) {
            slat.record(slatNanos);
            lat.record(slatNanos + c);
        } else {
            lat.record(c);
        }
    }

    public void add(IoStats o) {
        ios += o.ios;
        bytes += o.bytes;
        clat.add(o.clat);
        clatMoments.add(o.clatMoments);
        slat.add(o.slat);
        lat.add(o.lat);
    }

    public void reset() {
        ios = 0;
        bytes = 0;
        clat.reset();
        clatMoments.reset();
        slat.reset();
        lat.reset();
    }

    public long ios() {
        return ios;
    }

    public long bytes() {
        return bytes;
    }

    /** Completion latencies in nanoseconds. */
    public Histogram clat() {
        return clat;
    }

    /** Exact min/mean/max of clat (the histogram's are rounded to 3 digits). */
    public Moments clatMoments() {
        return clatMoments;
    }

    /** Submission latencies; empty for synchronous calls, where fio reports none either. */
    public Moments slat() {
        return slat;
    }

    public Moments lat() {
        return lat;
    }
}
