package jaio.spi;

import jaio.CancelResult;

/**
 * Any thread may call {@link #submit}, {@link #cancel}, {@link #harvest} and {@link #wakeup}
 * at once; one thread at a time waits in {@link #waitForCompletions}; {@link #close} comes
 * once, after everything else (the details are below). What an engine must do for one
 * completion context.
 *
 * <p>The context validates every request before an engine sees it, reserves room for its
 * event, and owns delivery (waiters, priorities, callbacks). An engine only drives ops to
 * completion and reports each final result through {@link EngineContext#sink()} exactly once.
 *
 * <p>Two delivery styles exist. An engine whose completions appear in a ring that someone must
 * read ({@link #needsPumping()} true: io_uring, native AIO) is driven by the context's waiting
 * threads through {@link #harvest()} and {@link #waitForCompletions(int, long)}. An engine
 * with its own threads (the thread pool) posts completions itself and never needs pumping.
 *
 * <p>Threading: {@link #submit}, {@link #cancel}, {@link #harvest} and {@link #wakeup} may be
 * called from any thread, concurrently. The context never lets two threads sit in
 * {@link #waitForCompletions} at once, and never calls the engine while holding a lock of its
 * own, so an engine may call the sink while holding its locks. {@link #close} is called once,
 * after every op has reached the sink and no other thread is inside the engine.
 */
public interface IoEngine {

    /** What this engine instance can do (opcodes, flags, buffer access, features found). */
    Capabilities capabilities();

    /**
     * Starts {@code count} validated ops from {@code ops[from]}. From here each op belongs to
     * the engine until it reaches the sink; a failure of one op (the kernel refusing it, say)
     * becomes that op's event, never an exception. The array itself is the caller's and is
     * reused after this returns.
     */
    void submit(Op[] ops, int from, int count);

    /**
     * Submits like {@link #submit} and then waits like {@link #waitForCompletions}, in one
     * system call where the engine can (C8). Called only by the context's current waiter in
     * charge of pumping. The default does the two steps.
     */
    default void submitAndWait(Op[] ops, int from, int count, int minComplete, long timeoutNanos) {
        submit(ops, from, count);
        waitForCompletions(minComplete, timeoutNanos);
    }

    /**
     * Best-effort cancel (C7). The context has already set {@link Op#cancelRequested}, so a
     * transfer that is retried stops at its next iteration. Returns
     * {@link CancelResult#CANCELED} when the op was stopped before it ran and will complete
     * with -ECANCELED, {@link CancelResult#NOT_CANCELED} when it is running, and
     * {@link CancelResult#ALREADY_DONE} when the engine no longer has it.
     */
    CancelResult cancel(Op op);

    /**
     * Cancels whatever can be cancelled, for close. Ops still complete through the sink.
     */
    void cancelAll();

    /** Whether completions must be pumped by the context's waiters (see class comment). */
    boolean needsPumping();

    /**
     * Moves completions that are already available into the sink without waiting and, where
     * the engine allows, without a system call (C11). Returns how many kernel completions
     * were handled. Safe to call concurrently; a call may return 0 at once when another
     * thread is harvesting.
     */
    default int harvest() {
        return 0;
    }

    /**
     * Blocks until at least {@code minComplete} completions are available, the timeout
     * passes ({@code timeoutNanos < 0} means none) or {@link #wakeup} is called, then harvests.
     */
    default void waitForCompletions(int minComplete, long timeoutNanos) {
        throw new UnsupportedOperationException("engine does not need pumping");
    }

    /**
     * For an engine with its own threads ({@link #needsPumping()} false): called by a platform
     * thread waiting in getEvents or await on this context that found too few events and
     * would otherwise park. The engine may run one queued request's next step on the calling
     * thread (caller-runs) and report the request to the sink as its own threads would, so
     * that the completion needs no hand-off between threads. Returns whether it did anything;
     * the caller looks at its events again, and calls again before it parks. Called with no
     * lock of the context held, inside its engine gate, from any number of threads at once.
     * The engine may count on the thread calling again soon (it will not wake a worker for a
     * request the same thread submits next), but must still bound the delay should it not.
     * The default does nothing and returns false.
     */
    default boolean runQueued() {
        return false;
    }

    /**
     * Makes a {@link #waitForCompletions} call with {@code minComplete <= target}, in progress
     * or about to start, return promptly. Internal completions it causes are swallowed by
     * {@link #harvest}.
     */
    default void wakeup(int target) {
    }

    /** Makes room for a context capacity of {@code newCapacity} events (C9). */
    default void resize(int newCapacity) {
    }

    /**
     * Whether the kernel takes this engine's calls from the thread that opened it alone
     * (io_uring's IORING_SETUP_SINGLE_ISSUER): then no other thread can close it, not even
     * once that thread has ended. The default: false.
     */
    default boolean boundToOpeningThread() {
        return false;
    }

    /** Releases everything. Called once, after every submitted op has reached the sink. */
    void close();
}
