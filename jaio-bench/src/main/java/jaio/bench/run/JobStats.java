package jaio.bench.run;

import java.util.ArrayList;
import java.util.List;
import jaio.ContextStats;

/**
 * Everything one job (or one completion thread of a job) measured: per direction statistics,
 * errors, and verify outcomes. One writer thread; {@link #add} merges after the writers ended.
 */
public final class JobStats {
    /** Mismatches kept with their details; the rest are only counted. */
    public static final int MAX_KEPT_MISMATCHES = 1000;

    final IoStats read = new IoStats();
    final IoStats write = new IoStats();
    final IoStats sync = new IoStats();
    private long errors;
    private String firstError;
    private long verified;
    private long checkedAfterRun;
    private long failedChecks;
    /** Requests in flight when each was submitted, in fio's iodepth_level buckets: 1, 2, 4, 8, 16, 32, >=64. */
    final long[] depthLevels = new long[7];
    /** Bandwidth and IOPS per 500 ms window. */
    final Samples samples = new Samples();
    /** The blocks that failed a check, each once, by offset: what was wrong (kept for the first ones only). */
    private final java.util.LinkedHashMap<Long, String> bad = new java.util.LinkedHashMap<>();
    /** Whether the ramp is over and this instance counts. */
    boolean measuring;
    /** When the last completion was seen (System.nanoTime). */
    long lastCompletion;

    public IoStats read() {
        return read;
    }

    public IoStats write() {
        return write;
    }

    public IoStats sync() {
        return sync;
    }

    /** Requests that failed or transferred fewer bytes than asked. */
    public long errors() {
        return errors;
    }

    /** A description of the first failure, or null. */
    public String firstError() {
        return firstError;
    }

    /** Blocks whose verify header was checked. */
    public long verified() {
        return verified;
    }

    /** Blocks checked in the read-back after the writes (fio's verify phase). */
    public long checkedAfterRun() {
        return checkedAfterRun;
    }

    /** fio's iodepth_level counts (1, 2, 4, 8, 16, 32, >=64 requests in flight at submission). */
    public long[] depthLevels() {
        return depthLevels.clone();
    }

    /** Bandwidth and IOPS per window. */
    public Samples samples() {
        return samples;
    }

    /** Counts a submission that found {@code inFlight} requests in flight, itself included. */
    void depth(int inFlight) {
        int i = inFlight <= 1 ? 0 : inFlight < 4 ? 1 : inFlight < 8 ? 2 : inFlight < 16 ? 3 : inFlight < 32 ? 4
                : inFlight < 64 ? 5 : 6;
        depthLevels[i]++;
    }

    /** Distinct blocks that failed a check. */
    public long mismatchCount() {
        return bad.size();
    }

    /** Checks that failed (a bad block read twice counts twice). */
    public long failedChecks() {
        return failedChecks;
    }

    /** The first {@link #MAX_KEPT_MISMATCHES} bad blocks, once each, as "offset N: what is wrong". */
    public List<String> mismatches() {
        List<String> l = new ArrayList<>();
        for (java.util.Map.Entry<Long, String> e : bad.entrySet()) {
            if (e.getValue() != null) {
                l.add("offset " + e.getKey() + ": " + e.getValue());
            }
        }
        return l;
    }

    void error(String what) {
        errors++;
        if (firstError == null) {
            firstError = what;
        }
    }

    void verifiedOk() {
        verified++;
    }

    /** A block of the read-back phase was checked (and counted by verifiedOk or mismatch too). */
    void countCheckedAfterRun() {
        checkedAfterRun++;
    }

    /** A block at {@code offset} failed its check (allocates, but only on a mismatch). */
    void mismatch(long offset, String what) {
        verified++;
        failedChecks++;
        bad.putIfAbsent(offset, bad.size() < MAX_KEPT_MISMATCHES ? what : null);
    }

    /** Starts measuring: what was recorded during the ramp is dropped (errors and mismatches are kept). */
    void startMeasuring() {
        restartRamp();
        measuring = true;
    }

    /** Drops what the ramp recorded so far, still ramping (errors and mismatches are kept). */
    void restartRamp() {
        read.reset();
        write.reset();
        sync.reset();
        java.util.Arrays.fill(depthLevels, 0);
    }

    public void add(JobStats o) {
        read.add(o.read);
        write.add(o.write);
        sync.add(o.sync);
        errors += o.errors;
        if (firstError == null) {
            firstError = o.firstError;
        }
        verified += o.verified;
        checkedAfterRun += o.checkedAfterRun;
        failedChecks += o.failedChecks;
        for (int i = 0; i < depthLevels.length; i++) {
            depthLevels[i] += o.depthLevels[i];
        }
        samples.add(o.samples);
        for (java.util.Map.Entry<Long, String> e : o.bad.entrySet()) {
            bad.putIfAbsent(e.getKey(), bad.size() < MAX_KEPT_MISMATCHES ? e.getValue() : null);
        }
        lastCompletion = Math.max(lastCompletion, o.lastCompletion);
    }

    /** The counters' growth since {@code start} (null: since the context opened). */
    static ContextStats growth(ContextStats end, ContextStats start) {
        if (start == null) {
            return end;
        }
        return new ContextStats(end.submitted() - start.submitted(), end.completed() - start.completed(),
                end.reaped() - start.reaped(), end.retries() - start.retries(), end.punted() - start.punted(),
                end.eagain() - start.eagain(), end.canceled() - start.canceled(), end.bounced() - start.bounced(),
                end.errors() - start.errors(), end.wakeups() - start.wakeups(),
                end.callerRuns() - start.callerRuns(), end.inFlight(), end.unreaped());
    }
}
