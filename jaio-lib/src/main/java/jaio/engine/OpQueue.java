package jaio.engine;

import jaio.spi.Op;

/**
 * Used by one thread at a time, under its owner's lock (a worker pool's, an engine's submit
 * lock), which also publishes the links to the next thread that takes it: a FIFO of ops
 * linked through {@link Op#enext} and {@link Op#eprev}, so queueing allocates nothing and an
 * op is taken out of the middle in constant time (a cancel between iterations).
 *
 * <p>An op in the queue has {@link Op#engineState} set to the queue's {@linkplain #state()
 * state}, and 0 once it is taken out: the state is how an engine's cancel knows where an op
 * waits without searching. So two queues that may hold ops of one engine use different states,
 * and an engine's own states stay clear of those of the shared classes it uses (see
 * {@link WorkerPool#QUEUED}).
 */
public final class OpQueue {
    private final int state;
    private Op head;
    private Op tail;
    private int size;

    /** A queue whose ops carry {@code state} in {@link Op#engineState} (not 0). */
    public OpQueue(int state) {
        if (state == 0) {
            throw new IllegalArgumentException("0 is the state of an op in no queue");
        }
        this.state = state;
    }

    /** The {@link Op#engineState} of an op in this queue. */
    public int state() {
        return state;
    }

    public boolean isEmpty() {
        return head == null;
    }

    public int size() {
        return size;
    }

    /** Appends {@code op}, which must be in no queue. */
    public void add(Op op) {
        op.engineState = state;
        op.enext = null;
        op.eprev = tail;
        if (tail != null) {
            tail.enext = op;
        } else {
            head = op;
        }
        tail = op;
        size++;
    }

    /** The oldest op, left in the queue, or null when the queue is empty. */
    public Op peek() {
        return head;
    }

    /** Takes the oldest op out, or returns null when the queue is empty. */
    public Op poll() {
        Op op = head;
        if (op != null) {
            unlink(op);
        }
        return op;
    }

    /**
     * Takes {@code op} out wherever it is; false (and nothing changed) when its state says it
     * is not in a queue of this state.
     */
    public boolean remove(Op op) {
        if (op.engineState != state) {
            return false;
        }
        unlink(op);
        return true;
    }

    private void unlink(Op op) {
        if (op.eprev != null) {
            op.eprev.enext = op.enext;
        } else {
            head = op.enext;
        }
        if (op.enext != null) {
            op.enext.eprev = op.eprev;
        } else {
            tail = op.eprev;
        }
        op.enext = null;
        op.eprev = null;
        op.engineState = 0;
        size--;
    }
}
