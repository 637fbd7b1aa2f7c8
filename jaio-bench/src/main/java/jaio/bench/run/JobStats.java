package jaio.bench.run;

import java.util.ArrayList;
import java.util.List;

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
    private long failedChecks;
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

    /** A block at {@code offset} failed its check (allocates, but only on a mismatch). */
    void mismatch(long offset, String what) {
        verified++;
        failedChecks++;
        bad.putIfAbsent(offset, bad.size() < MAX_KEPT_MISMATCHES ? what : null);
    }

    /** Starts measuring: what was recorded during the ramp is dropped (errors and mismatches are kept). */
    void startMeasuring() {
        read.reset();
        write.reset();
        sync.reset();
        measuring = true;
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
        failedChecks += o.failedChecks;
        for (java.util.Map.Entry<Long, String> e : o.bad.entrySet()) {
            bad.putIfAbsent(e.getKey(), bad.size() < MAX_KEPT_MISMATCHES ? e.getValue() : null);
        }
        lastCompletion = Math.max(lastCompletion, o.lastCompletion);
    }
}
