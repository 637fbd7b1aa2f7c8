package jaio.testkit;

import java.util.ArrayList;
import java.util.List;
import jaio.CancelResult;
import jaio.Errno;
import jaio.spi.CompletionSink;
import jaio.spi.Op;
import jaio.spi.Retry;

/**
 * The ops a test engine holds, oldest first, until the test completes them or they are
 * cancelled. Thread-safe: submitters, cancellers and the test thread may call at once. Ops
 * are posted to the sink outside the lock, as an engine posts them.
 */
public final class HeldOps {
    private final CompletionSink sink;
    private final List<Op> held = new ArrayList<>();

    public HeldOps(CompletionSink sink) {
        this.sink = sink;
    }

    public synchronized void add(Op[] ops, int from, int count) {
        for (int i = from; i < from + count; i++) {
            held.add(ops[i]);
        }
    }

    public synchronized int size() {
        return held.size();
    }

    /** Completes the {@code n} oldest ops with result 0, as one batch post; fails if fewer are held. */
    public void completeOldest(int n) {
        Op[] batch;
        synchronized (this) {
            if (held.size() < n) {
                throw new IllegalStateException("only " + held.size() + " held, asked to complete " + n);
            }
            batch = new Op[n];
            for (int i = 0; i < n; i++) {
                batch[i] = held.remove(0);
                Retry.finish(batch[i], 0);
            }
        }
        sink.completeBatch(batch, n);
    }

    /** Completes every held op with {@code result} (0, or a negated errno), posting each on its own. */
    public void completeAll(long result) {
        List<Op> all;
        synchronized (this) {
            all = new ArrayList<>(held);
            held.clear();
        }
        for (Op op : all) {
            Retry.finish(op, result);
            sink.complete(op);
        }
    }

    /**
     * Cancels one op: if it is still held it completes with ECANCELED and the answer is
     * CANCELED; otherwise ALREADY_DONE.
     */
    public CancelResult cancel(Op op) {
        synchronized (this) {
            if (!held.remove(op)) {
                return CancelResult.ALREADY_DONE;
            }
        }
        Retry.finish(op, -Errno.ECANCELED);
        sink.complete(op);
        return CancelResult.CANCELED;
    }
}
