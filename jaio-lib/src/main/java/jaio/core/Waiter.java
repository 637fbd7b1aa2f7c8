package jaio.core;

/**
 * A thread waiting on a {@link CompletionQueue}, guarded by the queue's lock (one cached
 * instance per thread): for at least {@link #min} events (getEvents), or for one particular
 * op (await). Events are handed to it by the posting thread, which
 * copies them into {@link #out} under the queue's lock, so a woken waiter owns its events
 * at once and nobody else can take them (exclusive wakeup).
 */
final class Waiter {
    final Thread thread;
    int min;
    int max;
    Object[] out;
    int off;
    /** Events handed to this waiter so far. */
    int got;
    /** Its condition was met and it was handed its events; it is no longer in the list. */
    boolean satisfied;
    /** Await: the op this waiter wants, else null. */
    CoreOp target;
    /** In the queue's waiter list. */
    boolean linked;
    /**
     * Running a request for the engine instead of parking (caller-runs): a post that satisfies
     * it need not unpark it, since it looks at its events before it parks again.
     */
    boolean running;
    /** Submit-and-wait: ops still to submit, handed to the kernel with the first wait. */
    CoreOp[] pendingOps;
    int pendingCount;
    Waiter newer;
    Waiter older;

    Waiter(Thread thread) {
        this.thread = thread;
    }

    void reset(int min, int max, Object[] out, int off, CoreOp target) {
        this.min = min;
        this.max = max;
        this.out = out;
        this.off = off;
        this.got = 0;
        this.satisfied = false;
        this.target = target;
        this.linked = false;
        this.running = false;
        this.newer = null;
        this.older = null;
        this.pendingOps = null;
        this.pendingCount = 0;
    }

    void clear() {
        out = null;
        target = null;
        pendingOps = null;
        pendingCount = 0;
    }
}
