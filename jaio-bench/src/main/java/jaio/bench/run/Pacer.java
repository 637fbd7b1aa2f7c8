package jaio.bench.run;

import jaio.bench.plan.FioRandom;
import jaio.bench.plan.JobSpec;
import jaio.bench.plan.Seeds;

/**
 * When the next I/O of a rate-limited job may be issued (fio's usec_for_io): with a linear
 * process, the bytes issued so far at the rate, from the start of the job; with a Poisson
 * process, exponential gaps with mean 1/IOPS drawn from fio's Poisson stream (seeded as fio
 * seeds it). One job thread.
 */
final class Pacer {
    private final long[] bps;
    private final boolean poisson;
    private final long[] minBs;
    private final long[] issuedBytes = new long[2];
    private final long[] lastUsec = new long[2];
    private final FioRandom[] poissonStream = new FioRandom[2];
    private long start;

    Pacer(JobSpec job, Seeds seeds) {
        this.bps = job.pace().bytesPerSec().clone();
        this.poisson = job.pace().poisson();
        this.minBs = new long[] {job.bs().read().min(), job.bs().write().min()};
        for (int d = 0; d < 2; d++) {
            poissonStream[d] = FioRandom.seeded(seeds.poisson(d == 1), false);
        }
    }

    boolean limited() {
        return bps[0] > 0 || bps[1] > 0;
    }

    /** Counts from {@code now}: the job's start, and again at the end of its ramp (fio resets its rate counters there). */
    void start(long now) {
        start = now;
        for (int d = 0; d < 2; d++) {
            issuedBytes[d] = 0;
            lastUsec[d] = 0;
        }
    }

    /** Nanoseconds until an I/O of direction {@code dir} may be issued (0 or less: now). */
    long wait(int dir, long now) {
        if (dir > 1 || bps[dir] == 0) {
            return 0;
        }
        return start + usecFor(dir) * 1000 - now;
    }

    private long usecFor(int dir) {
        if (poisson) {
            return lastUsec[dir];
        }
        long b = issuedBytes[dir];
        long secs = b / bps[dir];
        long rem = b % bps[dir];
        return rem * 1_000_000 / bps[dir] + secs * 1_000_000;
    }

    /** An I/O of {@code bytes} in {@code dir} was issued. */
    void issued(int dir, long bytes) {
        if (dir > 1 || bps[dir] == 0) {
            return;
        }
        issuedBytes[dir] += bytes;
        if (poisson) {
            long iops = Math.max(1, bps[dir] / minBs[dir]);
            // fio: (int64_t) (1000000 / iops) * -logf(u), logf being single precision
            float u = (float) poissonStream[dir].uniform01();
            long val = (long) ((1_000_000 / iops) * -(float) Math.log(u));
            lastUsec[dir] += val;
        }
    }
}
