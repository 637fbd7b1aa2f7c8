package jaio.engine;

import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntConsumer;
import java.util.function.IntFunction;
import jaio.Errno;
import jaio.linux.LibC;
import jaio.spi.CompletionSink;
import jaio.spi.EngineContext;
import jaio.spi.IoEngine;
import jaio.spi.Op;
import jaio.spi.Retry;

/**
 * Any thread may call it, as {@link IoEngine} allows: a submit lock guards what the engine
 * shares with the kernel's submission side, a reap lock lets one thread at a time take
 * completions, a thread that needs both takes the reap lock first, and the closed flag is
 * written under both (so holding either is enough to read it).
 *
 * <p>The skeleton of the engines whose completions appear in a kernel ring that a waiter
 * pumps (io_uring, native AIO). What it fixes for both:
 * <ul>
 *   <li><b>Submitting</b>: under the submit lock the engine starts the batch
 *       ({@link #startLocked}); what finished at once is posted after the lock is released.
 *   <li><b>Reaping</b>: {@link #harvest} takes what is in the ring when the reap lock is free;
 *       {@link #waitForCompletions} waits in the kernel under it. With
 *       {@code handsOff}, a harvest that finds the lock taken leaves its events to the holder,
 *       which harvests again before it leaves (see {@link #harvest}).
 *   <li><b>Posting</b>: finished ops are collected in an {@link OpBatch} while the engine
 *       holds its locks and handed to the sink after the submit lock is released
 *       ({@link #post}); then the waiter is kicked, unless the poster is the waiter.
 *   <li><b>Waking the waiter</b>: {@link KernelWake}'s handshake; the engine only says how it
 *       posts internal, instantly completing requests ({@link #postWakeupsLocked}).
 *   <li><b>Closing</b> in numbered steps (see {@link #close}).
 * </ul>
 *
 * <p>Why a base class and not a helper each engine holds: the skeleton is the engine's own
 * entry points, each a fixed sequence (lock, engine step, unlock, post, kick). As a helper,
 * every engine would still write every entry point to forward to it, and which lock each step
 * runs under would be written in two places. Here each step is a hook whose lock is stated
 * once, next to it, and an engine is only what its kernel interface needs. The hooks are
 * called from final methods of this class; with two kernel engines a call site sees at most
 * two receiver classes, which the JIT inlines.
 *
 * <p>Lock order: reap lock, then submit lock, then whatever the engine nests inside. The sink
 * is called with the reap lock at most, never with the submit lock: delivery (waking waiters,
 * copying events) must not hold up submitters, wake-ups and workers.
 *
 * @param <B> the engine's batch of finished ops
 */
public abstract class KernelEngine<B extends OpBatch> implements IoEngine {
    /** Rounds of one harvest call that hands off (see {@link #harvest}). */
    private static final int MAX_HARVEST_ROUNDS = 64;

    protected final EngineContext ectx;
    protected final CompletionSink sink;
    /** Most wake-ups posted at once, and so the most a waiter asks the kernel for. */
    protected final int wakeMax;
    protected final ReentrantLock submitLock = new ReentrantLock();
    protected final ReentrantLock reapLock = new ReentrantLock();
    protected final KernelWake wake = new KernelWake();

    /** The eventfd the engine signals itself for ops added to a batch with a signal, or -1. */
    private final int selfSignalFd;
    private final boolean handsOff;
    /** Set under both locks. */
    private boolean closed;
    private boolean released;
    /** A harvest found the reap lock taken: its holder harvests again before leaving. */
    private volatile boolean harvestWanted;

    private final KernelWake.Poster poster = this::postWakeupsLocked;
    /** Made once: a method reference created per kick would be an allocation per harvest. */
    private final IntConsumer wakeUp = this::postWakeups;
    /** Per submitting (or cancelling) thread: ops finished under the submit lock, posted after it. */
    private final ThreadLocal<B> local;
    /** The reaper's batch; under the reap lock. */
    protected final B reaped;

    /**
     * @param maxWake      most wake-ups at once (bounded by the capacity)
     * @param selfSignalFd the notify eventfd when the engine signals it itself, else -1
     * @param handsOff     whether submitters leave completions in the ring for the reap lock's
     *                     holder (native AIO: buffered transfers complete inside io_submit)
     * @param batches      makes the engine's batches
     * @param reapedSize   the reaper's batch size
     */
    protected KernelEngine(EngineContext ectx, int maxWake, int selfSignalFd, boolean handsOff,
                           IntFunction<B> batches, int reapedSize) {
        this.ectx = ectx;
        this.sink = ectx.sink();
        this.wakeMax = Math.min(ectx.capacity(), maxWake);
        this.selfSignalFd = selfSignalFd;
        this.handsOff = handsOff;
        this.local = ThreadLocal.withInitial(() -> batches.apply(16));
        this.reaped = batches.apply(reapedSize);
    }

    // ------------------------------------------------------------------ hooks

    /**
     * Starts the validated ops {@code ops[from, from + count)}; ops that finish at once go to
     * {@code out}. Under the submit lock, engine open.
     *
     * @return whether completions of these ops may already wait in the ring, which the
     *         submitting thread then harvests
     */
    protected abstract boolean startLocked(Op[] ops, int from, int count, B out);

    /**
     * Takes what is in the ring without waiting, handles it and posts what finished (through
     * {@link #reaped(OpBatch, int, boolean)}). Under the reap lock, engine open.
     *
     * @param leader whether the caller is the waiter (its posts need no kick)
     * @return user completions handled
     */
    protected abstract int drainLocked(boolean leader);

    /**
     * The waiter's turn: take what is there, or wait in the kernel for {@code need}
     * completions, then take them. Under the reap lock, between {@link KernelWake#beginWait}
     * and {@link KernelWake#endWait}, engine open.
     *
     * @param early      completions were posted outside this waiter's reaping: do not wait
     * @param submitting submit-and-wait: hand over the SQEs written for it in the same call
     */
    protected abstract void awaitLocked(int need, boolean early, long timeoutNanos, boolean submitting);

    /** Requests the kernel may still complete: the most a waiter may ask it for. Any lock. */
    protected abstract int inKernel();

    /** Posts {@code n} internal requests that complete at once; returns how many. Under the submit lock. */
    protected abstract int postWakeupsLocked(int n);

    /** Cancels what can be cancelled (close); ops ended here go to {@code out}. Under the submit lock, engine open. */
    protected abstract void cancelAllLocked(B out);

    /** Makes room for a capacity of {@code newCapacity} (C9). Under the submit lock, engine open. */
    protected abstract void resizeLocked(int newCapacity);

    /** After a reaping turn (harvest or wait), still under the reap lock. */
    protected void afterReapLocked() {
    }

    /** Close, step 2: stops whatever runs ops outside the locks (worker threads). No lock held. */
    protected void stopWorkers() {
    }

    /**
     * Close, step 3: gives the kernel objects and native memory back. Under both locks; again
     * after a failure, so each of its steps must do nothing the second time once it succeeded.
     */
    protected abstract void releaseLocked();

    // ------------------------------------------------------------------ submit

    @Override
    public final boolean needsPumping() {
        return true;
    }

    @Override
    public final void submit(Op[] ops, int from, int count) {
        B out = local.get();
        boolean inRing = false;
        submitLock.lock();
        try {
            if (closed) {
                refuseLocked(ops, from, count, out);
            } else {
                inRing = startLocked(ops, from, count, out);
            }
        } finally {
            submitLock.unlock();
        }
        post(out, false);
        if (inRing) {
            harvest();
        }
    }

    /** Ends ops that never reached the kernel (the engine closed) with -ECANCELED. */
    protected final void refuseLocked(Op[] ops, int from, int count, B out) {
        for (int i = from; i < from + count; i++) {
            Retry.finish(ops[i], -Errno.ECANCELED);
            out.add(ops[i], true);
        }
    }

    /** Whether the engine is closed; the caller holds either lock. */
    protected final boolean closed() {
        return closed;
    }

    /** This thread's batch for ops finished under the submit lock. */
    protected final B localBatch() {
        return local.get();
    }

    // ------------------------------------------------------------------ reaping

    /**
     * Takes what is in the ring if the reap lock is free. With hand-off, a caller that finds
     * the lock taken leaves its events (say a buffered read that completed inside its
     * io_submit) to the holder, so it first sets {@link #harvestWanted}; every holder looks at
     * that flag after it let the lock go and harvests again when it is set. The flag is written
     * before the lock is tried and read after it is released (volatile accesses both: the
     * write publishes "events wait" to the holder's later read), so one of the two threads
     * always sees the other: an event is never left in the ring with nobody coming for it.
     */
    @Override
    public final int harvest() {
        if (!handsOff) {
            if (!reapLock.tryLock()) {
                return 0;
            }
            try {
                if (closed) {
                    return 0;
                }
                int user = drainLocked(false);
                afterReapLocked();
                return user;
            } finally {
                reapLock.unlock();
            }
        }
        int user = 0;
        harvestWanted = true;
        // Bounded, so that a thread does not harvest for others for ever under a steady
        // stream; when the bound is hit the flag stays set for the next caller.
        for (int round = 0; round < MAX_HARVEST_ROUNDS && harvestWanted; round++) {
            if (!reapLock.tryLock()) {
                return user;
            }
            try {
                harvestWanted = false;
                if (closed) {
                    return user;
                }
                user += drainLocked(false);
                afterReapLocked();
            } finally {
                reapLock.unlock();
            }
        }
        return user;
    }

    /** The reap lock's holder found more than one pass takes: come back (see {@link #harvest}). */
    protected final void harvestAgain() {
        harvestWanted = true;
    }

    /** After the reap lock was let go: harvests when somebody left events meanwhile. */
    protected final void harvestIfWanted() {
        if (handsOff && harvestWanted) {
            harvest();
        }
    }

    @Override
    public final void waitForCompletions(int minComplete, long timeoutNanos) {
        if (timeoutNanos != 0 && !closed && runOnWaiter()) {
            // A request the engine's threads would have run is done and posted on this thread:
            // the caller looks at its events before it waits again.
            return;
        }
        reapLock.lock();
        try {
            if (!closed) {
                waitTurnLocked(minComplete, timeoutNanos, false);
            }
        } finally {
            reapLock.unlock();
        }
        harvestIfWanted();
    }

    /**
     * Caller-runs, for an engine with worker threads of its own: called with no lock held by a
     * platform thread about to wait in the kernel for completions. The engine may run one queued
     * request's next step on it, as its workers would (posting it if finished), so that the
     * completion needs no hand-off between threads; true when it did, and the caller then looks
     * at its events before it waits. The default runs nothing.
     */
    protected boolean runOnWaiter() {
        return false;
    }

    /**
     * The waiter's turn under the reap lock: asks the kernel for at least {@code minComplete}
     * (at most what it can deliver and one wake-up batch covers), with the wake-up handshake
     * around the wait.
     */
    protected final void waitTurnLocked(int minComplete, long timeoutNanos, boolean submitting) {
        int need = Math.max(1, Math.min(Math.min(minComplete, inKernel()), wakeMax));
        try {
            awaitLocked(need, wake.beginWait(need), timeoutNanos, submitting);
        } finally {
            wake.endWait();
        }
        afterReapLocked();
    }

    /**
     * A reaper handled a pass of events: posts what finished, then accounts for the
     * {@code wakes} wake-ups it swallowed. Under the reap lock, not the submit lock.
     */
    protected final void reaped(B batch, int wakes, boolean leader) {
        boolean posted = batch.count() > 0;
        post(batch, leader);
        wake.swallowed(wakes, leader, posted);
    }

    /**
     * Posts collected completions, signals the notify eventfd for those no kernel signal
     * covers, and kicks the waiter unless it is the one posting. Never under the submit lock.
     */
    protected final void post(B out, boolean leader) {
        if (out.count() == 0) {
            return;
        }
        sink.completeBatch(out.ops(), out.count());
        if (selfSignalFd >= 0 && out.signals() > 0) {
            LibC.eventfdWrite(selfSignalFd, out.signals());
        }
        out.clear();
        if (!leader) {
            kick();
        }
    }

    /** Posts one op finished outside the kernel and the locks (by a worker). */
    protected final void postOutside(Op op) {
        sink.complete(op);
        if (selfSignalFd >= 0) {
            LibC.eventfdWrite(selfSignalFd, 1);
        }
        kick();
    }

    // ------------------------------------------------------------------ waking

    @Override
    public final void wakeup(int target) {
        postWakeups(Math.max(1, Math.min(target, wakeMax)));
    }

    /** Makes sure {@code k} wake-ups are on their way (see {@link KernelWake#ensure}). */
    protected final void postWakeups(int k) {
        submitLock.lock();
        try {
            if (!closed) {
                wake.ensure(k, poster);
            }
        } finally {
            submitLock.unlock();
        }
    }

    /** Tells a waiter in the kernel that completions were posted without it. */
    protected final void kick() {
        wake.kick(wakeUp);
    }

    // ------------------------------------------------------------------ cancel, resize, close

    @Override
    public final void cancelAll() {
        B out = local.get();
        submitLock.lock();
        try {
            if (!closed) {
                cancelAllLocked(out);
            }
        } finally {
            submitLock.unlock();
        }
        post(out, false);
    }

    @Override
    public void resize(int newCapacity) {
        submitLock.lock();
        try {
            if (!closed) {
                resizeLocked(newCapacity);
            }
        } finally {
            submitLock.unlock();
        }
    }

    /**
     * Releases the engine: (1) mark closed under both locks, so no call reaches the kernel or
     * the rings any more; (2) stop the engine's workers, outside the locks (a worker posting
     * its last op takes them); (3) under both locks, once, give back the kernel objects and
     * the native memory the kernel read requests from (the context calls this only after
     * every op reached the sink, so only internal requests can still be in the kernel).
     */
    @Override
    public final void close() {
        reapLock.lock();
        submitLock.lock();
        try {
            closed = true;
        } finally {
            submitLock.unlock();
            reapLock.unlock();
        }
        stopWorkers();
        reapLock.lock();
        submitLock.lock();
        try {
            if (!released) {
                // Marked only once every step succeeded: a step that failed (an OutOfMemoryError
                // on the way) is tried again by the next close, each step being idempotent.
                releaseLocked();
                released = true;
            }
        } finally {
            submitLock.unlock();
            reapLock.unlock();
        }
    }
}
