package jaio;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import jaio.core.EventHandler;

/**
 * Runs the callbacks of a self-reaping context's events, called by the thread holding its
 * reaping role only (its reaper, or a platform thread that waits for callbacks in its place):
 * on that thread itself, or handed one per event to an executor, whose threads run them. The
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
    /** Run after each callback on the executor: wakes the threads waiting for callbacks. */
    private volatile Runnable afterCallback;
    private final AtomicInteger handedOff = new AtomicInteger();
    private volatile Thread awaiting;

    SelfReapingCallbacks(Executor executor) {
        this.executor = executor;
    }

    /** Set once, before the reaper starts: what runs after each callback on the executor. */
    void afterCallback(Runnable r) {
        this.afterCallback = r;
    }

    @Override
    public boolean runsInPlace() {
        return executor == null;
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
            Task t = freeTask(e.request().op);
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

    /**
     * A task of the request's, claimed for this event: the reaper's batch is filled again at
     * once, and a task per event would be an allocation per request. A request keeps two,
     * since a callback that submits its request again is usually still running when the next
     * event comes; only when both are busy is a new one made (the busy one it replaces stays
     * with the thread running it).
     */
    private static Task freeTask(RequestOp op) {
        Task a = op.callbackTask;
        if (a != null && a.claim()) {
            return a;
        }
        Task b = op.spareTask;
        if (b != null && b.claim()) {
            return b;
        }
        Task n = new Task();
        n.claim();
        if (a == null) {
            op.callbackTask = n;
        } else {
            op.spareTask = n;
        }
        return n;
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
        Runnable r = afterCallback;
        if (r != null) {
            r.run();
        }
        if (handedOff.decrementAndGet() == 0) {
            Thread t = awaiting;
            if (t != null) {
                LockSupport.unpark(t);
            }
        }
    }

    /**
     * One event's callback as handed to the executor, reused for later events of the same
     * request once it is free again. A reaper claims it (a CAS on {@link #busy}), then writes
     * its fields before {@code execute}, which publishes them to the executor thread; that
     * thread clears {@code busy} last (a volatile write), so the next claim, which reads it
     * false, comes after the callback's reads of the event are over. The CAS also keeps two
     * reapers (a request resubmitted elsewhere before its callback ran) off one task.
     */
    static final class Task implements Runnable {
        private static final VarHandle BUSY;

        static {
            try {
                BUSY = MethodHandles.lookup().findVarHandle(Task.class, "busy", boolean.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        /** A copy of the event, the callback's until it returns. */
        final Event event = new Event();
        CompletionCallback callback;
        SelfReapingCallbacks owner;
        private volatile boolean busy;

        boolean claim() {
            return BUSY.compareAndSet(this, false, true);
        }

        @Override
        public void run() {
            SelfReapingCallbacks o = owner;
            SelfReapingCallbacks prev = RUNNING.get();
            RUNNING.set(o);
            try {
                Callbacks.run(callback, event);
            } finally {
                RUNNING.set(prev);
                busy = false;
                o.doneOne();
            }
        }
    }
}
