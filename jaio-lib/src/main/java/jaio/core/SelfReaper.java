package jaio.core;

/**
 * The one platform thread that reaps a self-reaping context; once started, this object is
 * used by that thread only (others just read the final thread reference): it takes every
 * event as it arrives (on a kernel engine it is the thread that waits in the kernel, being the only
 * waiter) and hands each batch to the public layer's {@link EventHandler}. When the context
 * closes, it runs the close sequence itself, so that every remaining event still reaches its
 * callback and none runs after close.
 */
final class SelfReaper<E> {
    private final CompletionQueue q;
    private final ContextClose close;
    private final EventHandler<E> handler;
    private final E[] batch;
    private final Thread thread;

    SelfReaper(String name, CompletionQueue q, ContextClose close, EventHandler<E> handler, E[] batch) {
        this.q = q;
        this.close = close;
        this.handler = handler;
        this.batch = batch;
        this.thread = Thread.ofPlatform().daemon().name(name + "-reaper").unstarted(this::run);
    }

    Thread thread() {
        return thread;
    }

    void start() {
        thread.start();
    }

    private void run() {
        try {
            while (q.gate.isOpen()) {
                // Untimed: close wakes this wait (CompletionQueue.beginDrain).
                int n = q.reaping.reap(1, batch.length, batch, 0, -1, null, 0);
                if (n > 0) {
                    handler.deliver(batch, n);
                }
            }
        } finally {
            close.runAsReaper(this);
        }
    }

    /** During close: delivers what is ready now; returns how many. Reaper thread only. */
    int deliverReady() {
        int n = q.reaping.reap(0, batch.length, batch, 0, 0, null, 0);
        if (n > 0) {
            handler.deliver(batch, n);
        }
        return n;
    }

    /** During close: waits for the callbacks handed to other threads. Reaper thread only. */
    void awaitHandedOff() {
        handler.awaitHandedOff();
    }
}
