package jaio.core;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Any thread enters and leaves a context's engine through this gate, lock-free; the closing
 * thread reads it to know when the engine may be released. It keeps three things: the
 * context's life-cycle state (open, closing, closed), the threads inside an engine call, and
 * the ops handed to the engine and not yet posted. Close may release the engine only once
 * it sees both counts at zero with the state no longer open: from then on nobody can enter
 * (and only threads inside the gate hand ops to the engine).
 *
 * <p>All three are sequentially consistent (atomics and volatiles), which the gate's
 * handshake needs: {@link #enter} increments before it reads the state and close writes the
 * state before it reads the count, so at least one of the two sees the other. State changes
 * are made under {@link #stateLock}, which also serialises capacity changes against close.
 */
final class EngineGate {
    static final int OPEN = 0;
    static final int CLOSING = 1;
    static final int CLOSED = 2;

    /** Guards changes of {@link #state} and {@link #closer}; closers wait on it. */
    final Object stateLock = new Object();

    private final AtomicInteger users = new AtomicInteger();
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile int state = OPEN;
    /**
     * The thread that runs the close sequence; written before the state leaves OPEN, so a
     * thread that sees the state changed (volatile) finds it here when it must wake it.
     */
    private volatile Thread closer;

    boolean isOpen() {
        return state == OPEN;
    }

    int state() {
        return state;
    }

    /**
     * Enters an engine call; false (and nothing entered) once the context is closing. Pairs
     * with {@link #exit()}.
     */
    boolean enter() {
        users.incrementAndGet();
        if (state != OPEN) {
            exit();
            return false;
        }
        return true;
    }

    /**
     * Enters whatever the state, for a closing thread that must reach an engine another
     * thread is still inside (to wake it): the close sequence does not release the engine
     * while this pass is held. Pairs with {@link #exit()}.
     */
    void pass() {
        users.incrementAndGet();
    }

    void exit() {
        if (users.decrementAndGet() == 0 && state != OPEN) {
            wakeCloser();
        }
    }

    /** Threads inside an engine call now. */
    int users() {
        return users.get();
    }

    /** {@code n} ops are about to be handed to the engine. */
    void started(int n) {
        inFlight.addAndGet(n);
    }

    /** {@code n} ops were posted (or will not be handed to the engine after all). */
    void done(int n) {
        if (inFlight.addAndGet(-n) == 0 && state != OPEN) {
            wakeCloser();
        }
    }

    /** Ops handed to the engine and not yet posted. */
    int inFlight() {
        return inFlight.get();
    }

    /** Nobody inside the engine, nothing in flight. */
    boolean quiet() {
        return users.get() == 0 && inFlight.get() == 0;
    }

    /** Moves from OPEN to CLOSING with {@code t} running the sequence. Under {@link #stateLock}. */
    void beginClosing(Thread t) {
        closer = t;
        state = CLOSING;
    }

    /** The close sequence is finished: wakes every thread waiting for it. Under {@link #stateLock}. */
    void closed() {
        state = CLOSED;
        closer = null;
        stateLock.notifyAll();
    }

    /**
     * Waits, uninterruptibly, while the state is CLOSING (to {@code untilClosed}: until it is
     * CLOSED); the interrupt status is kept for the caller. Under {@link #stateLock}.
     */
    void awaitClosing(boolean untilClosed) {
        boolean interrupted = false;
        while (state == CLOSING || (untilClosed && state != CLOSED)) {
            try {
                stateLock.wait();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void wakeCloser() {
        Thread t = closer;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }
}
