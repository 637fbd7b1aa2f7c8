package jaio.nio;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Any thread may post; the handlers run on the executor's threads. Runs the completion
 * handlers of one {@link JaioAsynchronousFileChannel} on its executor, many per hand-off:
 * completions wait in one FIFO (the ops are its nodes, so posting allocates nothing), and a
 * task on the executor, a drainer, runs them in order until none is left. A drainer is handed
 * to the executor only when none runs, or when more completions wait than the running ones
 * keep up with ({@link #BEHIND} each), up to {@link #MAX_DRAINERS} at once: handlers still run
 * in parallel when they are slow, and a steady stream of fast ones costs no thread wake-up per
 * completion. A handler that starts another operation which completes at once (a read the
 * page cache served) posts it here from the drainer's own thread, which runs it next.
 *
 * <p>A handler that blocks (on another handler's result, say) must not hold the ones behind it:
 * the {@link Watch} thread looks, about every millisecond while handlers wait, at each runner
 * whose queue did not move since it last looked, and starts one more drainer for it (then as
 * many as the executor has threads for), as a pool that ran each handler as its own task would.
 *
 * <p>A drainer gives its thread back after {@link #SLICE} handlers and hands itself over again,
 * so it never holds an executor thread for good. When the executor refuses the task (shut
 * down), the poster runs the handlers itself, so each still runs once.
 *
 * <p>The queue and the counts are guarded by this object's monitor; handlers run with no lock held.
 */
final class HandlerRunner implements Runnable {
    /** Drainers of one channel at once, at most. */
    static final int MAX_DRAINERS = Math.max(2, Runtime.getRuntime().availableProcessors());
    /** Completions waiting per running drainer before another one is started. */
    static final int BEHIND = 16;
    /** Handlers a drainer runs before it gives its thread back to the executor. */
    static final int SLICE = 1024;

    private final Executor executor;
    private AfcOp<?> head;
    private AfcOp<?> tail;
    private int waiting;
    private int drainers;
    /** Handlers taken so far, and the count the watch saw last (whether the queue moved). */
    private long taken;
    private long takenSeen;
    /**
     * Whether the watch holds this runner: set under the watch's lock, cleared under it and
     * this runner's (so a post, which reads it under this runner's, never misses the watch).
     */
    volatile boolean watched;

    HandlerRunner(Executor executor) {
        this.executor = executor;
    }

    /** Queues {@code op}'s handler to run on the executor. */
    void post(AfcOp<?> op) {
        boolean start;
        boolean watch;
        synchronized (this) {
            if (tail == null) {
                head = op;
            } else {
                tail.next = op;
            }
            tail = op;
            waiting++;
            start = drainers == 0 || (drainers < MAX_DRAINERS && waiting > BEHIND * drainers);
            if (start) {
                drainers++;
            }
            watch = !watched;
        }
        if (start) {
            handOver();
        }
        if (watch) {
            Watch.add(this);
        }
    }

    /**
     * For the watch: true when handlers wait and none was taken since the last look (one more
     * drainer was started then); false when none waits, and the watch forgets this runner.
     */
    boolean look() {
        boolean stalled;
        synchronized (this) {
            if (waiting == 0) {
                return false;
            }
            stalled = taken == takenSeen;
            takenSeen = taken;
            if (stalled) {
                drainers++;
            }
        }
        if (stalled) {
            handOver();
        }
        return true;
    }

    private void handOver() {
        try {
            executor.execute(this);
        } catch (RejectedExecutionException shutDown) {
            run(); // the handlers still run, once each, on this thread
        }
    }

    /** A drainer: the waiting handlers, in order, until none is left or the slice is used up. */
    @Override
    public void run() {
        for (int n = 0; ; n++) {
            AfcOp<?> op;
            synchronized (this) {
                op = head;
                if (op == null) {
                    drainers--;
                    return;
                }
                if (n == SLICE) {
                    break; // hand over again, still counted as running
                }
                head = op.next;
                if (head == null) {
                    tail = null;
                }
                op.next = null;
                waiting--;
                taken++;
            }
            try {
                op.run();
            } catch (Throwable t) {
                // As an executor task would: the thread's handler hears of it; the others still run.
                Thread th = Thread.currentThread();
                th.getUncaughtExceptionHandler().uncaughtException(th, t);
            }
        }
        handOver();
    }

    /**
     * The one daemon thread that watches the runners with waiting handlers; it parks while
     * there are none. Its list is guarded by its class's lock.
     */
    static final class Watch {
        private static final long PERIOD_NANOS = 1_000_000L;
        private static final java.util.ArrayList<HandlerRunner> RUNNERS = new java.util.ArrayList<>();
        private static Thread thread;

        private Watch() {}

        static void add(HandlerRunner r) {
            Thread wake = null;
            synchronized (Watch.class) {
                if (r.watched) {
                    return;
                }
                r.watched = true;
                RUNNERS.add(r);
                if (thread == null) {
                    thread = Thread.ofPlatform().daemon().name("jaio-afc-watch").start(Watch::loop);
                } else if (RUNNERS.size() == 1) {
                    wake = thread;
                }
            }
            if (wake != null) {
                java.util.concurrent.locks.LockSupport.unpark(wake);
            }
        }

        private static void loop() {
            HandlerRunner[] look = new HandlerRunner[8];
            while (true) {
                int n;
                synchronized (Watch.class) {
                    n = RUNNERS.size();
                    look = RUNNERS.toArray(look);
                }
                if (n == 0) {
                    java.util.concurrent.locks.LockSupport.park();
                    continue;
                }
                java.util.concurrent.locks.LockSupport.parkNanos(PERIOD_NANOS);
                for (int i = 0; i < n; i++) {
                    HandlerRunner r = look[i];
                    look[i] = null;
                    if (!r.look()) {
                        synchronized (Watch.class) {
                            r.forgetIfIdle();
                        }
                    }
                }
            }
        }
    }

    /** The watch's lock held: forgets this runner unless a handler was posted since it looked. */
    private synchronized void forgetIfIdle() {
        if (waiting == 0) {
            watched = false;
            Watch.RUNNERS.remove(this);
        }
    }
}
