package jaio.core;

/**
 * Completion-port concurrency control for one completion queue (P3), guarded by the
 * queue's lock (the static methods touch only the calling thread's own state and lock the
 * queues they name): with a value K, events are handed out only while fewer than K threads
 * run on the context; when one stops running, waiters are served again, newest first. What
 * counts as running is {@link Running}'s rule.
 */
final class Concurrency {
    private final CompletionQueue q;
    /** K; 0 means unlimited. */
    private int limit;
    /** Threads running on this context now. */
    private int running;

    Concurrency(CompletionQueue q) {
        this.q = q;
    }

    /** Whether no further thread may run now. Lock held. */
    boolean gated() {
        return limit > 0 && running >= limit;
    }

    /**
     * Whether no limit is set, read without the lock: a hint that may be a moment old, for a
     * decision that a stale answer only delays.
     */
    boolean unlimitedNow() {
        return limit == 0;
    }

    /** A thread starts running here (it was handed events). Lock held. */
    void started() {
        running++;
    }

    /** A thread that ran here is back for more: its completion work is finished. Lock held. */
    void stopped() {
        running--;
    }

    /** Sets K (0: unlimited) and serves the waiters a raised K admits. Lock not held. */
    void set(int k) {
        q.lock.lock();
        try {
            limit = k;
            q.serve();
            q.updateWatch();
        } finally {
            q.lock.unlock();
        }
    }

    int runningThreads() {
        q.lock.lock();
        try {
            return running;
        } finally {
            q.lock.unlock();
        }
    }

    /** The calling thread stops running here (it blocks elsewhere in jaio). Lock not held. */
    void leave() {
        q.lock.lock();
        try {
            running--;
            q.serve();
            q.updateWatch();
        } finally {
            q.lock.unlock();
        }
    }

    /** The calling thread runs here again after blocking elsewhere in jaio. Lock not held. */
    void rejoin() {
        q.lock.lock();
        try {
            running++;
            q.updateWatch();
        } finally {
            q.lock.unlock();
        }
    }

    // ------------------------------------------------------------------ the calling thread

    /**
     * For a group wait about to park: the calling thread stops running wherever it runs,
     * since it now blocks inside jaio. Returns the queue it ran on, or null.
     */
    static CompletionQueue pauseRunning() {
        Running st = Running.current();
        CompletionQueue q = st.on;
        if (q != null) {
            st.on = null;
            q.concurrency.leave();
        }
        return q;
    }

    /**
     * For a group wait that returns: when the calling thread runs nowhere now, it runs on
     * {@code q} again (the member it took its last events from, or where it ran before the
     * call when it took none). Nothing happens for a null {@code q}.
     */
    static void resumeRunning(CompletionQueue q) {
        Running st = Running.current();
        if (st.on == null && q != null) {
            q.concurrency.rejoin();
            st.on = q;
        }
    }

    /** The queue the calling thread runs on, or null. */
    static CompletionQueue runningOn() {
        return Running.current().on;
    }
}
