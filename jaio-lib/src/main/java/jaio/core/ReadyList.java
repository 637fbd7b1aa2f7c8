package jaio.core;

/**
 * Events ready to be reaped, guarded by the completion queue's lock (not thread safe on its
 * own): one FIFO list per priority level (P2), intrusive through
 * {@link CoreOp#qnext}/{@link CoreOp#qprev} so that adding and removing allocate nothing and an
 * awaited op can be taken from the middle.
 *
 * <p>{@link #take()} serves the highest level first, except that the oldest ready event, once
 * passed over by more than {@link #STARVATION_BOUND} takes since it was posted, is served next
 * whatever its level. An event passed over that much is older than everything posted after
 * it, so from then on only older events go before it: no event is overtaken by more than
 * {@code STARVATION_BOUND + 1} events posted after it (ReadyListProperties checks this).
 */
final class ReadyList {
    /** Takes after which a passed-over event is served before higher levels. */
    static final int STARVATION_BOUND = ContextCore.PRIORITY_STARVATION_BOUND;

    private static final int LEVELS = jaio.spi.Op.MAX_PRIORITY + 1;

    private final CoreOp[] head = new CoreOp[LEVELS];
    private final CoreOp[] tail = new CoreOp[LEVELS];
    private int size;
    /** Events posted and taken so far; an event records both counts when it is posted. */
    private long posts;
    private long takes;

    int size() {
        return size;
    }

    void add(CoreOp op) {
        int p = op.priority;
        op.postSeq = posts++;
        op.postTakes = takes;
        op.qnext = null;
        op.qprev = tail[p];
        if (tail[p] != null) {
            tail[p].qnext = op;
        } else {
            head[p] = op;
        }
        tail[p] = op;
        size++;
    }

    /** Removes and returns the next event; the list must not be empty. */
    CoreOp take() {
        CoreOp pick = null;
        CoreOp oldest = null;
        for (int p = LEVELS - 1; p >= 0; p--) {
            CoreOp h = head[p];
            if (h == null) {
                continue;
            }
            if (pick == null) {
                pick = h;
            }
            if (oldest == null || h.postSeq < oldest.postSeq) {
                oldest = h;
            }
        }
        if (oldest != pick && takes - oldest.postTakes > STARVATION_BOUND) {
            pick = oldest;
        }
        remove(pick);
        takes++;
        return pick;
    }

    /** Removes a particular event (an awaited op). */
    void remove(CoreOp op) {
        int p = op.priority;
        if (op.qprev != null) {
            op.qprev.qnext = op.qnext;
        } else {
            head[p] = op.qnext;
        }
        if (op.qnext != null) {
            op.qnext.qprev = op.qprev;
        } else {
            tail[p] = op.qprev;
        }
        op.qnext = null;
        op.qprev = null;
        size--;
    }
}
