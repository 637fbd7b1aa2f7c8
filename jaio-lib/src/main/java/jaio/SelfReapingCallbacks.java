package jaio;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import jaio.core.EventHandler;

/**
 * Runs the callbacks of a self-reaping context's events, called by its reaper thread only:
 * on the reaper itself, or handed one per event to an executor, whose threads run them. The
 * count of callbacks handed off is atomic, and the wait for it to drain (at close) is a
 * handshake on that count and the volatile {@link #awaiting} thread: the last callback to
 * finish reads the thread after its decrement, the waiter reads the count after writing the
 * thread, so one of the two sees the other and the waiter is never left parked.
 */
final class SelfReapingCallbacks implements EventHandler<Event> {
    /** Events the reaper takes at once, at most. */
    private static final int BATCH = 64;

    /** The self-reaping context whose callback the current thread runs (executor threads), or null. */
    private static final ThreadLocal<SelfReapingCallbacks> RUNNING = new ThreadLocal<>();

    /** Where callbacks run; null: on the reaper. */
    private final Executor executor;
    private final AtomicInteger handedOff = new AtomicInteger();
    private volatile Thread awaiting;

    SelfReapingCallbacks(Executor executor) {
        this.executor = executor;
    }

    /** The reaper's events, for a context of this capacity. */
    static Event[] batch(int capacity) {
        Event[] b = new Event[Math.min(BATCH, capacity)];
        for (int i = 0; i < b.length; i++) {
            b[i] = new Event();
        }
        return b;
    }

    /** Whether the current thread runs a callback of this context on the executor. */
    boolean runningHere() {
        return RUNNING.get() == this;
    }

    @Override
    public void deliver(Event[] events, int count) {
        if (executor == null) {
            Callbacks.runAll(events, count);
            return;
        }
        for (int i = 0; i < count; i++) {
            Event e = events[i];
            CompletionCallback cb = e.callback();
            if (cb == null) {
                continue; // refused at submission; nothing to run
            }
            // The request's own task and event: the reaper's batch is filled again at once, and
            // a task per event would be an allocation per request.
            RequestOp op = e.request().op;
            Task t = op.callbackTask;
            if (t == null) {
                t = new Task();
                op.callbackTask = t;
            }
            t.event.copyFrom(e);
            t.callback = cb;
            t.owner = this;
            handedOff.incrementAndGet();
            try {
                // Executor's contract: what happens here happens before the task runs.
                executor.execute(t);
            } catch (RejectedExecutionException x) {
                // Exactly one callback per request: where the executor will not, the reaper does.
                t.run();
            }
        }
    }

    @Override
    public void awaitHandedOff() {
        boolean interrupted = false;
        awaiting = Thread.currentThread();
        try {
            while (handedOff.get() != 0) {
                LockSupport.park(this);
                interrupted |= Thread.interrupted();
            }
        } finally {
            awaiting = null;
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void doneOne() {
        if (handedOff.decrementAndGet() == 0) {
            Thread t = awaiting;
            if (t != null) {
                LockSupport.unpark(t);
            }
        }
    }

    /**
     * One request's callback, as handed to the executor; reused for each of the request's
     * completions. Its fields are written by the reaper before {@code execute} and read by
     * the executor thread after it.
     */
    static final class Task implements Runnable {
        /** The request's own copy of its event; filled again when the request completes again. */
        final Event event = new Event();
        CompletionCallback callback;
        SelfReapingCallbacks owner;

        @Override
        public void run() {
            SelfReapingCallbacks o = owner;
            SelfReapingCallbacks prev = RUNNING.get();
            RUNNING.set(o);
            try {
                Callbacks.run(callback, event);
            } finally {
                RUNNING.set(prev);
                o.doneOne();
            }
        }
    }
}
