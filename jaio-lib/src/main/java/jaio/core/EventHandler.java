package jaio.core;

/**
 * What a self-reaping context does with the events it reaps, called by the thread that holds
 * its reaping role (its reaper, or a platform thread waiting for a callback), one batch at a
 * time: the public layer runs their callbacks, on the reaper or
 * on an executor. An implementation that hands callbacks to other threads keeps its own
 * count of them, for {@link #awaitHandedOff}.
 *
 * @param <E> the public event type
 */
public interface EventHandler<E> {
    /**
     * Runs (or hands off) the callbacks of {@code events[0..count)}. The array is the
     * role's and is filled again after this returns; whatever outlives the call must be
     * copied. Must not throw: a callback's exception is the callback's thread's to report.
     */
    void deliver(E[] events, int count);

    /**
     * Whether {@link #deliver} runs the callbacks on the calling thread (then a thread waiting
     * for a callback may deliver in the reaper's place, see {@code ContextCore.awaitHelping}).
     */
    boolean runsInPlace();

    /** Returns once every callback that {@link #deliver} handed to another thread has returned. */
    void awaitHandedOff();
}
