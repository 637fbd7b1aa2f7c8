package jaio.core;

import jaio.CancelResult;
import jaio.spi.Capabilities;
import jaio.spi.IoEngine;
import jaio.spi.Op;

/**
 * The engine as the context calls it: every call is counted per thread, so that the chain
 * runner knows whether the thread that finished an op is inside an engine call (where
 * starting the next op of a chain would re-enter the engine from its own completion path,
 * with its locks or its per-thread batches in use) or not (an engine's worker thread, the
 * link timer). A next op found while inside is left in the runner's ready queue and started by
 * the same thread as soon as its outermost engine call returns. Any thread may call it.
 */
final class TrackedEngine implements IoEngine {
    /** Per thread: how deep it is in calls into any context's engine. */
    private static final ThreadLocal<int[]> DEPTH = ThreadLocal.withInitial(() -> new int[1]);

    private final IoEngine e;
    /** Set once, before the first op is submitted. */
    private Chains chains;

    TrackedEngine(IoEngine e) {
        this.e = e;
    }

    void attach(Chains c) {
        this.chains = c;
    }

    /** Whether the calling thread is inside a call into an engine now. */
    static boolean insideEngine() {
        return DEPTH.get()[0] > 0;
    }

    private static int[] enter() {
        int[] d = DEPTH.get();
        d[0]++;
        return d;
    }

    private void leave(int[] d) {
        if (--d[0] == 0 && chains.hasReady()) {
            chains.drain();
        }
    }

    @Override
    public Capabilities capabilities() {
        return e.capabilities();
    }

    @Override
    public void submit(Op[] ops, int from, int count) {
        int[] d = enter();
        try {
            e.submit(ops, from, count);
        } finally {
            leave(d);
        }
    }

    @Override
    public void submitAndWait(Op[] ops, int from, int count, int minComplete, long timeoutNanos) {
        int[] d = enter();
        try {
            e.submitAndWait(ops, from, count, minComplete, timeoutNanos);
        } finally {
            leave(d);
        }
    }

    @Override
    public CancelResult cancel(Op op) {
        int[] d = enter();
        try {
            return e.cancel(op);
        } finally {
            leave(d);
        }
    }

    @Override
    public void cancelAll() {
        int[] d = enter();
        try {
            e.cancelAll();
        } finally {
            leave(d);
        }
    }

    @Override
    public boolean needsPumping() {
        return e.needsPumping();
    }

    @Override
    public int harvest() {
        int[] d = enter();
        try {
            return e.harvest();
        } finally {
            leave(d);
        }
    }

    @Override
    public void waitForCompletions(int minComplete, long timeoutNanos) {
        int[] d = enter();
        try {
            e.waitForCompletions(minComplete, timeoutNanos);
        } finally {
            leave(d);
        }
    }

    @Override
    public boolean boundToOpeningThread() {
        return e.boundToOpeningThread();
    }

    @Override
    public boolean runQueued() {
        int[] d = enter();
        try {
            return e.runQueued();
        } finally {
            leave(d);
        }
    }

    @Override
    public void wakeup(int target) {
        int[] d = enter();
        try {
            e.wakeup(target);
        } finally {
            leave(d);
        }
    }

    @Override
    public void resize(int newCapacity) {
        e.resize(newCapacity);
    }

    @Override
    public void close() {
        e.close();
    }
}
