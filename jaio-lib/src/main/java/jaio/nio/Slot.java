package jaio.nio;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import jaio.CancelResult;
import jaio.CompletionCallback;
import jaio.Event;
import jaio.Request;

/**
 * One reusable request of a {@link Lane}, its own completion callback, and the outcome it
 * reports to; owned by one operation at a time, from {@link Lane#acquire()} to its event.
 *
 * <p>The state word makes cancelling safe against reuse: a canceller may hold a stale view of
 * the slot (its operation finished and the slot went on to the next one). It packs a
 * generation (bumped each time the slot is freed) with a phase: FREE, BUSY (in flight),
 * CANCELLING (a canceller is inside {@code IoContext.cancel}), DONE (the event came while a
 * canceller was inside). A canceller moves BUSY to CANCELLING only for the generation it was
 * given, so it never cancels a later operation; the event finds CANCELLING, leaves DONE and
 * the canceller frees the slot when it comes out. So the slot returns to the pool exactly once.
 */
final class Slot implements CompletionCallback {
    private static final int FREE = 0;
    private static final int BUSY = 1;
    private static final int CANCELLING = 2;
    private static final int DONE = 3;
    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(Slot.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final Lane lane;
    final Request request = Request.noop();
    /** The one-request batch submit takes (varargs would allocate an array per call). */
    final Request[] batch = {request};
    private volatile int state;
    /** Who gets the result; written by the owner before submission, which publishes it. */
    Outcome outcome;
    /** What the slow-request event names: the file's path (or null) and the operation. */
    String path;
    String operation;
    /** For the slow-request event: when the operation was started and when it was accepted. */
    long startNanos;
    long acceptedNanos;

    Slot(Lane lane) {
        this.lane = lane;
        request.callback(this);
    }

    /** Marks a free slot taken (only its new owner calls this) and returns its generation. */
    int take() {
        int s = state;
        STATE.setVolatile(this, (s & ~3) | BUSY);
        return s >>> 2;
    }

    /**
     * Tries to cancel the operation of generation {@code gen}; false when that operation is
     * already over (the slot may now serve another, which is left alone).
     */
    boolean cancel(int gen) {
        int busy = (gen << 2) | BUSY;
        if (!STATE.compareAndSet(this, busy, (gen << 2) | CANCELLING)) {
            return false;
        }
        CancelResult r;
        try {
            r = lane.context().cancel(request);
        } catch (RuntimeException closedOrDone) {
            r = CancelResult.ALREADY_DONE;
        }
        if (!STATE.compareAndSet(this, (gen << 2) | CANCELLING, busy)) {
            // The event came while we were inside: we free the slot in its place.
            free(gen);
        }
        return r != CancelResult.ALREADY_DONE;
    }

    @Override
    public void onCompletion(Event e) {
        long result = e.result();
        Outcome o = outcome;
        outcome = null;
        lane.finishedOne(this, result);
        while (true) {
            int s = state;
            int gen = s >>> 2;
            if ((s & 3) == BUSY) {
                if (STATE.compareAndSet(this, s, (gen << 2) | FREE)) {
                    free(gen);
                    break;
                }
            } else if (STATE.compareAndSet(this, s, (gen << 2) | DONE)) {
                break; // the canceller frees it
            }
        }
        o.finished(result);
        lane.drainBacklog();
    }

    /** Frees a slot whose submission failed: it never reached the context. */
    void abandon() {
        free(state >>> 2);
    }

    private void free(int gen) {
        STATE.setVolatile(this, ((gen + 1) << 2) | FREE);
        lane.release(this);
    }
}
