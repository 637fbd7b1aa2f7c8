package jaio.core;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The process-wide cap on requests in flight across all contexts (C3), for any thread,
 * lock-free (an atomic count; the limit is volatile, so a change reaches every later
 * reservation), like the kernel's aio-max-nr. Default 65536; the system property {@code jaio.maxInFlight} or
 * {@link #setLimit} changes it.
 */
public final class GlobalLimit {
    public static final int DEFAULT = 65536;

    private static final AtomicInteger IN_FLIGHT = new AtomicInteger();
    private static volatile int limit = Integer.getInteger("jaio.maxInFlight", DEFAULT);

    private GlobalLimit() {}

    public static int limit() {
        return limit;
    }

    public static void setLimit(int newLimit) {
        if (newLimit < 1) {
            throw new IllegalArgumentException("global in-flight limit must be >= 1, was " + newLimit);
        }
        limit = newLimit;
    }

    public static int inFlight() {
        return IN_FLIGHT.get();
    }

    /** Reserves up to {@code n} slots; returns how many were granted (0 when the limit is reached). */
    static int reserve(int n) {
        while (true) {
            int cur = IN_FLIGHT.get();
            int room = limit - cur;
            if (room <= 0) {
                return 0;
            }
            int k = Math.min(room, n);
            if (IN_FLIGHT.compareAndSet(cur, cur + k)) {
                return k;
            }
        }
    }

    /** Reserves exactly {@code n} slots, or none. */
    static boolean reserveAll(int n) {
        while (true) {
            int cur = IN_FLIGHT.get();
            if (limit - cur < n) {
                return false;
            }
            if (IN_FLIGHT.compareAndSet(cur, cur + n)) {
                return true;
            }
        }
    }

    static void release(int n) {
        IN_FLIGHT.addAndGet(-n);
    }
}
