package jaio.engine;

import java.util.Arrays;
import jaio.spi.Op;
import jaio.spi.Retry;

/**
 * The life of one of a {@link WorkerPool}'s threads, on that thread: makes its {@link Worker},
 * takes ops from the pool's queue and runs their iterations, holds the ops it finishes while the
 * queue gives it more and posts them together (the pool's class comment, "Holding"), and leaves
 * the pool when it closes, posting whatever it still holds.
 */
final class WorkerLoop {
    private final WorkerPool pool;

    WorkerLoop(WorkerPool pool) {
        this.pool = pool;
    }

    void run() {
        Worker w = null;
        long failure = 0;
        try {
            w = pool.newWorker.get();
        } catch (Throwable t) {
            failure = IoErrors.negErrno(t);
        }
        Op op = null;
        IdleWorkers.Parked me = new IdleWorkers.Parked();
        Held held = new Held();
        try {
            boolean hot = false;
            while (true) {
                if (held.count == WorkerPool.HOLD) {
                    held.post(pool.owner);
                }
                // With the queue empty, take counts this worker back first and returns NONE, and
                // the worker posts then: a waiter that the post wakes and that queues its next
                // op at once sees no worker running, and may run that op itself.
                op = pool.take(hot, hot, held.count > 0, me);
                if (op == WorkerPool.NONE) {
                    op = null;
                    held.post(pool.owner);
                    op = pool.take(false, true, false, me);
                }
                if (op == null) {
                    break;
                }
                hot = true;
                if (w == null) {
                    // No memory for the worker's own state: the op it took ends with the
                    // error and the worker stops (retire starts another for the rest).
                    Retry.finish(op, failure);
                    op.engineState = 0;
                    pool.released(op, false);
                    pool.owner.finished(op);
                    return;
                }
                // An interrupt means nothing to a worker (code that enumerates threads may
                // send one), but a status left set would make the next FileChannel call
                // close its channel: clear it before each iteration.
                Thread.interrupted();
                if (pool.step(w, op, true, held)) {
                    op.engineState = 0;
                    held.add(op);
                }
            }
        } finally {
            try {
                // Whatever ended the loop, what the worker holds is posted.
                held.post(pool.owner);
                if (w != null) {
                    w.close();
                }
            } finally {
                // Leaving with an op taken (it failed, or the owner threw): it was running one.
                pool.retire(op != null);
            }
        }
    }

    /**
     * A worker's finished ops not yet posted (class comment, "Holding"); confined to the
     * worker's thread.
     */
    static final class Held {
        final Op[] ops = new Op[WorkerPool.HOLD];
        int count;

        void add(Op op) {
            ops[count++] = op;
        }

        /** Posts what is held, in the order it finished, and holds nothing after, even when the owner throws. */
        void post(PoolOwner owner) {
            int n = count;
            if (n == 0) {
                return;
            }
            count = 0;
            try {
                owner.finishedBatch(ops, n);
            } finally {
                Arrays.fill(ops, 0, n, null);
            }
        }
    }
}
