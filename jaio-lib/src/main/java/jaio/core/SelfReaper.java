package jaio.core;

/**
 * The platform thread that reaps a self-reaping context, and the context's reaping role
 * ({@link Helping}), which it shares with the platform threads that wait for the context's
 * callbacks: whoever holds the role takes the events as they arrive (on a kernel engine, as
 * the one thread waiting in the kernel) and hands each batch to the public layer's
 * {@link EventHandler}, using the one batch array below (the role is exclusive, and each
 * hand-over of it is a lock hand-off, which orders the array's uses). When the context
 * closes, the reaper takes the role for good and runs the close sequence itself, so that every
 * remaining event still reaches its callback and none runs after close.
 */
final class SelfReaper<E> {
    private final CompletionQueue q;
    private final ContextClose close;
    private final EventHandler<E> handler;
    private final E[] batch;
    private final Thread thread;
    private final Helping helping;

    SelfReaper(String name, CompletionQueue q, ContextClose close, EventHandler<E> handler, E[] batch) {
        this.q = q;
        this.close = close;
        this.handler = handler;
        this.batch = batch;
        this.thread = Thread.ofPlatform().daemon().name(name + "-reaper").unstarted(this::run);
        this.helping = new Helping(q, this, handler.runsInPlace());
    }

    Thread thread() {
        return thread;
    }

    Helping helping() {
        return helping;
    }

    void start() {
        thread.start();
    }

    private void run() {
        try {
            while (helping.reaperTakesTurn()) {
                try {
                    // Untimed: close (CompletionQueue.beginDrain) and a helper's arrival
                    // (Reaping.yieldFor) end this wait.
                    int n = q.reaping.reap(1, batch.length, batch, 0, -1, null, 0);
                    deliver(n);
                } finally {
                    helping.release();
                }
            }
        } finally {
            helping.takeForClose();
            try {
                close.runAsReaper(this);
            } finally {
                helping.end();
            }
        }
    }

    /** For a helper holding the role: one reap of at most {@code timeoutNanos}, delivered here. */
    void reapAside(long timeoutNanos) {
        int n;
        try {
            n = q.reaping.reapAside(batch.length, batch, timeoutNanos);
        } catch (IllegalStateException closed) {
            return;
        }
        deliver(n);
    }

    private void deliver(int n) {
        if (n > 0) {
            handler.deliver(batch, n);
            helping.delivered();
        }
    }

    /** During close: delivers what is ready now; returns how many. Reaper thread only. */
    int deliverReady() {
        int n = q.reaping.reap(0, batch.length, batch, 0, 0, null, 0);
        deliver(n);
        return n;
    }

    /** During close: waits for the callbacks handed to other threads. Reaper thread only. */
    void awaitHandedOff() {
        handler.awaitHandedOff();
    }
}
