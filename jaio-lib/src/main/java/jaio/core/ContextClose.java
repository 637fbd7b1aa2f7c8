package jaio.core;

import java.util.concurrent.locks.LockSupport;
import jaio.spi.IoEngine;

/**
 * A context's close sequence (C1), run exactly once, by one thread: the first caller of
 * {@link #close}, or the reaper of a self-reaping context. Any thread may ask for it;
 * requests are serialised on the engine gate's state lock, which also publishes the reaper
 * to them, and later callers wait there until the sequence has finished.
 *
 * <p>The steps (IoContext.close documents them for users): mark the context closing; drop
 * the unreaped events and wake every waiter, or for a self-reaping context deliver them
 * instead; cancel whatever can be cancelled; wait until nothing is in flight and no thread is
 * inside the engine, pumping the kernel meanwhile; release the engine; mark it closed.
 */
final class ContextClose {
    /** How long the closing thread waits for completions between checks. */
    private static final long SLICE_NANOS = 10_000_000L;

    private final EngineGate gate;
    private final CompletionQueue q;
    private final IoEngine engine;
    /** Run once the engine is released (the public layer lets go of its eventfd), or null. */
    private final Runnable afterClose;
    /** Closes the accepted connections nobody took, once the last event is posted. */
    private final Runnable closeUntaken;
    /** The reaper of a self-reaping context, once started; guarded by the state lock. */
    private SelfReaper<?> reaper;
    /**
     * The engine's release failed (an OutOfMemoryError on the way, say): the next close
     * tries it again, so that the kernel objects are not left for the rest of the process.
     * Guarded by releaseLock, which is not the state lock: the engine's close joins its
     * threads, and nothing it waits for may need a lock its closer holds.
     */
    private boolean releasePending;
    private final Object releaseLock = new Object();

    ContextClose(EngineGate gate, CompletionQueue q, IoEngine engine, Runnable afterClose, Runnable closeUntaken) {
        this.closeUntaken = closeUntaken;
        this.gate = gate;
        this.q = q;
        this.engine = engine;
        this.afterClose = afterClose;
    }

    /** Starts the reaper of a self-reaping context; from now on it runs the close sequence. */
    void startReaper(SelfReaper<?> r) {
        synchronized (gate.stateLock) {
            reaper = r;
            try {
                r.start();
            } catch (RuntimeException | Error e) {
                reaper = null;
                throw e;
            }
        }
    }

    /**
     * Closes the context and returns once it is closed (for a self-reaping context: once its
     * reaper has ended, too). Idempotent; a concurrent second caller returns once the first
     * has finished. Uninterruptible: a caller must not return before the sequence has
     * finished; the interrupt status is kept.
     */
    void close() {
        SelfReaper<?> r;
        boolean first = false;
        synchronized (gate.stateLock) {
            gate.awaitClosing(false);
            r = reaper;
            if (gate.state() != EngineGate.CLOSED) {
                gate.beginClosing(r != null ? r.thread() : Thread.currentThread());
                first = true;
            }
        }
        if (!first) {
            synchronized (releaseLock) {
                if (releasePending) {
                    release();
                }
            }
            if (r == null) {
                return;
            }
        }
        if (r == null) {
            if (first) {
                runSteps(null);
            }
            return;
        }
        if (first) {
            q.beginDrain();
            // The reaper may be parked outside the queue, leaving the role to helpers.
            LockSupport.unpark(r.thread());
            synchronized (gate.stateLock) {
                gate.awaitClosing(true);
            }
        }
        // The reaper marks the context closed as its last step: wait for it to end, so that
        // close leaves no thread of the context behind.
        awaitEnd(r.thread());
    }

    private static void awaitEnd(Thread t) {
        if (t == Thread.currentThread()) {
            return;
        }
        boolean interrupted = false;
        while (t.isAlive()) {
            try {
                t.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * For a callback of a self-reaping context (which cannot wait for its own reaper):
     * begins the close, which the reaper finishes once every remaining event was delivered.
     */
    void closeWithoutWaiting() {
        SelfReaper<?> r;
        synchronized (gate.stateLock) {
            if (!gate.isOpen()) {
                return;
            }
            r = reaper;
            if (r == null) {
                throw new IllegalStateException("not a self-reaping context");
            }
            gate.beginClosing(r.thread());
        }
        q.beginDrain();
        LockSupport.unpark(r.thread());
    }

    /** The reaper leaves its loop: it runs the sequence (beginning the close if it stops on its own). */
    void runAsReaper(SelfReaper<?> r) {
        synchronized (gate.stateLock) {
            if (gate.isOpen()) {
                gate.beginClosing(Thread.currentThread());
            }
        }
        runSteps(r);
    }

    /**
     * Releases the engine and runs afterClose, once both succeeded; what throws leaves the
     * release pending for the next close. Under releaseLock.
     */
    private void release() {
        engine.close();
        releasePending = false;
        closeUntaken.run();
        if (afterClose != null) {
            afterClose.run();
        }
    }

    /** The sequence after the state left OPEN; {@code r}: deliver events instead of dropping them. */
    private void runSteps(SelfReaper<?> r) {
        // The waits below park; with the interrupt status set a park returns at once and the
        // loop would spin. Keep the interrupt for the caller, after the work.
        boolean interrupted = Thread.interrupted();
        try {
            if (r == null) {
                q.close();
            }
            engine.cancelAll();
            // Done when no thread is inside the engine and nothing is in flight. Once the gate
            // is seen empty nobody can add to what is in flight (only gated callers submit).
            boolean lateCancelled = false;
            while (!gate.quiet()) {
                if (!lateCancelled && gate.users() == 0) {
                    // Callers that were inside the gate when close began may have handed ops to
                    // the engine after the cancelAll above (a POLL nobody answers would then
                    // hold close for ever). Nobody can enter any more: cancel once again.
                    lateCancelled = true;
                    engine.cancelAll();
                    continue;
                }
                if (q.pumped && gate.inFlight() > 0) {
                    q.pumping.pumpForClose(SLICE_NANOS);
                } else {
                    LockSupport.parkNanos(this, 1_000_000);
                }
                if (r != null) {
                    r.deliverReady();
                }
                interrupted |= Thread.interrupted();
            }
            if (r != null) {
                while (r.deliverReady() > 0) {
                    interrupted |= Thread.interrupted();
                }
                r.awaitHandedOff();
                q.close();
            }
            q.awaitQuiet();
        } finally {
            try {
                synchronized (releaseLock) {
                    releasePending = true;
                    release();
                }
            } finally {
                synchronized (gate.stateLock) {
                    gate.closed();
                }
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }
}
