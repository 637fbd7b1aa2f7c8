package jaio.bench.run;

/**
 * Count, min, max, mean and standard deviation of a series of nanosecond values, in constant
 * space and without allocating (for slat and lat, which fio reports without percentiles).
 * One writer thread.
 */
public final class Moments {
    private long n;
    private long min = Long.MAX_VALUE;
    private long max;
    private double sum;
    private double sumSq;

    public void record(long v) {
        n++;
        if (v < min) {
            min = v;
        }
        if (v > max) {
            max = v;
        }
        sum += v;
        sumSq += (double) v * v;
    }

    /** Records {@code count} values equal to {@code v} (a batch submitted in one call). */
    public void record(long v, int count) {
        if (count <= 0) {
            return;
        }
        n += count;
        if (v < min) {
            min = v;
        }
        if (v > max) {
            max = v;
        }
        sum += (double) v * count;
        sumSq += (double) v * v * count;
    }

    public void add(Moments o) {
        n += o.n;
        min = Math.min(min, o.min);
        max = Math.max(max, o.max);
        sum += o.sum;
        sumSq += o.sumSq;
    }

    public void reset() {
        n = 0;
        min = Long.MAX_VALUE;
        max = 0;
        sum = 0;
        sumSq = 0;
    }

    public long count() {
        return n;
    }

    public long min() {
        return n == 0 ? 0 : min;
    }

    public long max() {
        return max;
    }

    public double mean() {
        return n == 0 ? 0 : sum / n;
    }

    public double stddev() {
        if (n < 2) {
            return 0;
        }
        double m = sum / n;
        return Math.sqrt(Math.max(0, (sumSq - n * m * m) / (n - 1)));
    }
}
