package jaio.core;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import jaio.CancelResult;
import jaio.Errno;
import jaio.spi.IoEngine;

/**
 * Any number of threads may cancel at once, and each cancel may race the op's own ending on
 * an engine or posting thread. How a context answers a cancel (C7) so that the answer agrees
 * with the event: CANCELED if and only if the event is -ECANCELED because of this cancel,
 * ALREADY_DONE when the op had ended before the cancel took effect, NOT_CANCELED when it ran
 * to its own end after the cancel.
 *
 * <p>An engine's own answer cannot be trusted for that alone: a transfer between two
 * iterations is in no engine's hands, yet the retry ends it with -ECANCELED at its next
 * iteration; a TIMEOUT whose completion count is reached while its cancel runs ends well
 * although the kernel said it found it. So the answer is read from the result itself. The
 * canceller hangs a {@link Wait} on the op; the thread that posts the op takes it (before
 * the op leaves flight, so a reaped and resubmitted op never fills an old wait) and stores
 * the result. The canceller waits for it at most {@link #WAIT_NANOS}, harvesting itself on
 * engines that need pumping. When the result does not come in time (a read the engine
 * cannot stop), the canceller declines through the op's cancel word ({@code
 * Op.declineCancel}) and answers NOT_CANCELED; the retry then lets the op run to its end.
 * If the word was already taken (the retry or a kernel cancel ends the op), the canceller
 * waits up to {@link #TAKEN_WAIT_NANOS} more for the result and answers from it.
 */
final class Cancelling {
    /** How long a cancel waits for the result before it answers NOT_CANCELED. */
    static final long WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
    /** How much longer a cancel that was taken waits for the result it is bound to bring. */
    static final long TAKEN_WAIT_NANOS = TimeUnit.SECONDS.toNanos(2);
    /** Result of a wait not filled yet (no result is this value). */
    static final long PENDING = Long.MIN_VALUE;

    /** One cancel's wait for the result; the posting thread fills it and unparks the canceller. */
    static final class Wait {
        final Thread thread = Thread.currentThread();
        volatile long result = PENDING;
    }

    private final ContextCore<?> owner;
    private final EngineGate gate;
    private final IoEngine engine;
    private final boolean pumping;
    private final Chains chains;

    Cancelling(ContextCore<?> owner, EngineGate gate, IoEngine engine, Chains chains) {
        this.owner = owner;
        this.chains = chains;
        this.gate = gate;
        this.engine = engine;
        this.pumping = engine.needsPumping();
    }

    /** The posting thread, for every op it finishes, before the op is posted. */
    static void ended(CoreOp op) {
        Wait w = op.takeCancelWait();
        if (w != null) {
            w.result = op.result;
            LockSupport.unpark(w.thread);
        }
    }

    CancelResult cancel(CoreOp op) {
        if (op.state() != CoreOp.INFLIGHT) {
            return CancelResult.ALREADY_DONE;
        }
        // A chain member the runner still holds never reached the engine: the runner ends it
        // with -ECANCELED in its turn, so its answer is the event's by construction.
        CancelResult held = chains.cancelHeld(op);
        if (held != null) {
            return held;
        }
        Wait w = new Wait();
        if (!op.casCancelWait(null, w)) {
            // Another thread's cancel of this submission waits already; the event is its answer.
            return CancelResult.NOT_CANCELED;
        }
        if (op.state() != CoreOp.INFLIGHT) {
            if (op.casCancelWait(w, null)) {
                return CancelResult.ALREADY_DONE;
            }
            return answer(awaitFilled(w), CancelResult.ALREADY_DONE);
        }
        op.requestCancel();
        if (!gate.enter()) {
            op.casCancelWait(w, null);
            throw owner.closedException();
        }
        CancelResult engineSays;
        try {
            engineSays = engine.cancel(op);
        } finally {
            gate.exit();
        }
        long deadline = System.nanoTime() + WAIT_NANOS;
        boolean extended = false;
        long park = 10_000L;
        while (w.result == PENDING) {
            if (op.finished()) {
                // It finished without seeing the wait (the two threads crossed): its result is final.
                if (op.casCancelWait(w, null)) {
                    return answer(op.result, engineSays);
                }
                return answer(awaitFilled(w), engineSays);
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                if (!op.declineCancel() && op.cancelState() == CoreOp.CANCEL_TAKEN && !extended) {
                    // Taken: the op is being ended by this cancel and its result is on its way
                    // (a loaded machine is slow to deliver it). Wait for it, so that the answer
                    // is read from the event after all.
                    extended = true;
                    deadline = System.nanoTime() + TAKEN_WAIT_NANOS;
                    continue;
                }
                if (op.casCancelWait(w, null)) {
                    return op.cancelState() == CoreOp.CANCEL_TAKEN ? CancelResult.CANCELED : CancelResult.NOT_CANCELED;
                }
                return answer(awaitFilled(w), engineSays);
            }
            if (pumping && gate.enter()) {
                try {
                    engine.harvest();
                } finally {
                    gate.exit();
                }
                if (w.result != PENDING) {
                    break;
                }
            }
            LockSupport.parkNanos(this, Math.min(park, left));
            park = Math.min(park * 2, 1_000_000L);
        }
        return answer(w.result, engineSays);
    }

    private static CancelResult answer(long result, CancelResult engineSays) {
        if (result == -Errno.ECANCELED) {
            return CancelResult.CANCELED;
        }
        return engineSays == CancelResult.ALREADY_DONE ? CancelResult.ALREADY_DONE : CancelResult.NOT_CANCELED;
    }

    /** The posting thread took the wait and is storing the result: at most moments away. */
    private static long awaitFilled(Wait w) {
        long r;
        while ((r = w.result) == PENDING) {
            Thread.onSpinWait();
        }
        return r;
    }
}
