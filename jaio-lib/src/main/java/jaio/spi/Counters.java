package jaio.spi;

import java.util.concurrent.atomic.LongAdder;

/**
 * A context's counters (J5), updated once per batch on the hot paths, summed only when
 * somebody asks. Any thread may update the {@link LongAdder}s at once (updates from engine
 * threads and submitters never contend on one word); the two {@link LockedCount}s are written
 * only under the context's completion-queue lock. Any thread reads them all.
 */
public final class Counters {
    /** Requests accepted. */
    public final LongAdder submitted = new LongAdder();
    /** Events posted (one per accepted request); written under the completion-queue lock. */
    public final LockedCount completed = new LockedCount();
    /** Events taken by getEvents or await; written under the completion-queue lock. */
    public final LockedCount reaped = new LockedCount();
    /** Iterations issued again after a short transfer (E4). */
    public final LongAdder retries = new LongAdder();
    /** Requests handed to a worker thread because the kernel would have blocked. */
    public final LongAdder punted = new LongAdder();
    /** Submissions refused for lack of room (EAGAIN). */
    public final LongAdder eagain = new LongAdder();
    /** Requests that ended with -ECANCELED. */
    public final LongAdder canceled = new LongAdder();
    /** Buffers copied through library memory because the engine could not use them directly. */
    public final LongAdder bounced = new LongAdder();
    /** Events that completed with an error. */
    public final LongAdder errors = new LongAdder();
    /**
     * Iterations of requests run by a thread waiting for events (getEvents, await) instead of
     * by a worker thread (caller-runs, the thread-pool engine).
     */
    public final LongAdder callerRuns = new LongAdder();
    /** Times a waiting thread was woken (or the kernel wait returned) to take events. */
    public final LongAdder wakeups = new LongAdder();
}
