package jaio.nio;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import jaio.CallbackWaits;
import jaio.IoContext;

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
 * It does so after two still looks when a drainer is parked, waiting or blocked on a monitor in
 * a handler, and after {@link #STILL_LOOKS} still looks otherwise (a handler that is busy or in a
 * system call). A drainer that was merely not on a processor for a millisecond is not stuck:
 * starting more for it fed itself on two cores, until every thread of the pool ran one. At the
 * end of a slice, a drainer the others keep up without leaves rather than handing itself over.
 *
 * <p>A drainer gives its thread back after {@link #SLICE} handlers and hands itself over again,
 * so it never holds an executor thread for good. When the executor refuses the task (shut
 * down), the poster runs the handlers itself, so each still runs once.
 *
 * <p>A drainer on a platform thread whose queue ran dry while operations of its channel are
 * still in flight waits for them itself, up to {@link #HELP_NANOS} at a time, as a helper of the
 * context ({@link CallbackWaits#await}): it takes the reaping role, waits in the kernel, and
 * runs the handlers that its reaping posts here, on the thread that submitted their operations.
 * On io_uring that thread is the one the kernel wakes to finish a request (its completion work
 * is queued to the submitting task), so a completion then wakes one thread, not three (the
 * parked submitter for that work, the reaper for the event, a drainer for the handler). It
 * stops when nothing of its channel is in flight, when the wait passes, or when interrupted,
 * and then lets the reaper take the role back at once.
 *
 * <p>The queue and the counts are guarded by this object's monitor, except {@link #inFlight}
 * (atomic: it is raised by the submitting thread); handlers run with no lock held.
 */
final class HandlerRunner implements Runnable {
    /** Drainers of one channel at once, at most. */
    static final int MAX_DRAINERS = Math.max(2, Runtime.getRuntime().availableProcessors());
    /** Completions waiting per running drainer before another one is started. */
    static final int BEHIND = 16;
    /** Handlers a drainer runs before it gives its thread back to the executor. */
    static final int SLICE = 1024;
    /** Looks (about a millisecond apart) at a still queue whose drainers all run, before one more starts. */
    static final int STILL_LOOKS = 10;
    /** How long a drainer waits, as a helper, for a handler of its channel before it leaves. */
    static final long HELP_NANOS = 2_000_000L;

    private final Executor executor;
    /** The self-reaping context the channel's operations go to, which a drainer may help reap. */
    private final IoContext context;
    /** Operations with a handler started and not yet posted here ({@link #expect}). */
    private final AtomicInteger inFlight = new AtomicInteger();
    /** A helping drainer's wait ends: a handler waits, or nothing of the channel is in flight. */
    private final BooleanSupplier ready = () -> hasWaiting() || inFlight.get() == 0;
    /** Set on a thread while it hands a drainer to the executor (see {@link #handOver}). */
    private static final ThreadLocal<Boolean> INLINE = new ThreadLocal<>();
    /** The threads running a drainer now, and those of them helping now (null slots are free). */
    private Thread[] running = new Thread[MAX_DRAINERS];
    private Thread[] helpers = new Thread[MAX_DRAINERS];
    /** Handlers posted by a drainer of this runner while it helped, and its waits as a helper (tests read them). */
    long postedByHelpers;
    long helpWaits;
    /** How many of {@link #helpers} are set. */
    private int helpingNow;
    private AfcOp<?> head;
    private AfcOp<?> tail;
    private int waiting;
    private int drainers;
    /** Handlers taken so far, and the count the watch saw last (whether the queue moved). */
    private long taken;
    private long takenSeen;
    /** The watch's looks in a row that saw handlers wait and none taken. */
    private int stillLooks;
    /**
     * Whether the watch holds this runner: set under the watch's lock, cleared under it and
     * this runner's (so a post, which reads it under this runner's, never misses the watch).
     */
    volatile boolean watched;

    HandlerRunner(Executor executor, IoContext context) {
        this.executor = executor;
        this.context = context;
    }

    /** {@code op}'s operation is about to be started on the context: its handler will be posted. */
    void expect(AfcOp<?> op) {
        op.expected = true;
        inFlight.incrementAndGet();
    }

    /** {@code op}'s operation was not started after all, and its handler will not be posted. */
    void unexpect(AfcOp<?> op) {
        if (op.expected) {
            op.expected = false;
            inFlight.decrementAndGet();
        }
    }

    /** Queues {@code op}'s handler to run on the executor. */
    void post(AfcOp<?> op) {
        boolean start;
        boolean watch;
        synchronized (this) {
            if (op.expected) {
                op.expected = false;
                inFlight.decrementAndGet();
            }
            // A helping drainer sees a handler posted by its own reaping at once, another
            // thread's only when its wait in the kernel ends: for those it counts as idle.
            boolean byHelper = helpingNow > 0 && helping(Thread.currentThread());
            if (byHelper) {
                postedByHelpers++;
            }
            int active = byHelper ? drainers : drainers - helpingNow;
            if (tail == null) {
                head = op;
            } else {
                tail.next = op;
            }
            tail = op;
            waiting++;
            start = active == 0 || (drainers < MAX_DRAINERS && waiting > BEHIND * drainers);
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
        Thread[] suspects = null;
        synchronized (this) {
            if (waiting == 0) {
                stillLooks = 0;
                return false;
            }
            if (taken != takenSeen) {
                takenSeen = taken;
                stillLooks = 0;
                return true;
            }
            if (++stillLooks < STILL_LOOKS) {
                if (stillLooks < 2) {
                    return true;
                }
                suspects = inHandlers(); // rare: no handler was taken for two looks
            }
        }
        // Thread states are read without the monitor, which a drainer may be waiting for.
        if (suspects != null && !anyStuck(suspects)) {
            return true;
        }
        synchronized (this) {
            if (waiting == 0 || taken != takenSeen) {
                return true;
            }
            stillLooks = 0;
            drainers++;
        }
        handOver();
        return true;
    }

    /** The drainers' threads that are not helping (null slots left as they are). Monitor held. */
    private Thread[] inHandlers() {
        Thread[] ts = running.clone();
        for (int i = 0; i < ts.length; i++) {
            if (ts[i] != null && helpingNow > 0 && helping(ts[i])) {
                ts[i] = null;
            }
        }
        return ts;
    }

    /** Whether one of {@code threads} is parked, waiting or blocked on a monitor. */
    private static boolean anyStuck(Thread[] threads) {
        for (Thread t : threads) {
            if (t != null) {
                Thread.State st = t.getState();
                if (st == Thread.State.BLOCKED || st == Thread.State.WAITING || st == Thread.State.TIMED_WAITING) {
                    return true;
                }
            }
        }
        return false;
    }

    private void handOver() {
        // A drainer that runs inside this call (an executor that runs tasks on the caller, or
        // the refusal below) is on the posting thread, which it must not hold up by helping.
        boolean outer = INLINE.get() == null;
        if (outer) {
            INLINE.set(Boolean.TRUE);
        }
        try {
            executor.execute(this);
        } catch (RejectedExecutionException shutDown) {
            run(); // the handlers still run, once each, on this thread
        } finally {
            if (outer) {
                INLINE.remove();
            }
        }
    }

    /**
     * A drainer: the waiting handlers, in order, until none is left or the slice is used up;
     * when none is left but its channel's operations are in flight, it helps reap them first.
     */
    @Override
    public void run() {
        Thread me = Thread.currentThread();
        synchronized (this) {
            running = mark(running, me, true);
        }
        boolean helped = false;
        // The last help saw no handler posted, and none was taken since: the drainer leaves.
        boolean fruitless = false;
        boolean again = false;
        for (int n = 0; ; ) {
            AfcOp<?> op;
            synchronized (this) {
                op = head;
                if (op == null) {
                    if (fruitless || !mayHelp()) {
                        drainers--;
                        running = mark(running, me, false);
                        break;
                    }
                } else if (n == SLICE) {
                    running = mark(running, me, false);
                    // The others that run handlers (not those waiting in the kernel as helpers).
                    int others = drainers - 1 - helpingNow;
                    if (others > 0 && waiting <= BEHIND * others) {
                        drainers--; // they keep up: leave
                    } else {
                        again = true; // hand over again, still counted as running
                    }
                    break;
                } else {
                    head = op.next;
                    if (head == null) {
                        tail = null;
                    }
                    op.next = null;
                    waiting--;
                    taken++;
                    n++;
                }
            }
            if (op == null) {
                // Asked without the monitor (it takes the context's helping lock): when it says
                // no, the drainer leaves at its next look unless a handler came meanwhile.
                if (CallbackWaits.helps(context)) {
                    helped = true;
                    fruitless = !help();
                } else {
                    fruitless = true;
                }
                continue;
            }
            fruitless = false;
            try {
                op.run();
            } catch (Throwable t) {
                // As an executor task would: the thread's handler hears of it; the others still run.
                me.getUncaughtExceptionHandler().uncaughtException(me, t);
            }
        }
        if (helped) {
            CallbackWaits.doneHelping(context);
        }
        if (again) {
            handOver();
        }
    }

    /**
     * Whether a drainer whose queue is empty may wait for its channel's next handler as a
     * helper: something of the channel is in flight, and the thread is not interrupted and not
     * run inline by the hand-over. Whether the context would take it as a helper is asked
     * next, without the monitor ({@link CallbackWaits#helps}). Monitor held.
     */
    private boolean mayHelp() {
        return context != null && inFlight.get() > 0 && INLINE.get() == null
                && !Thread.currentThread().isInterrupted();
    }

    private synchronized boolean hasWaiting() {
        return head != null;
    }

    /** Whether {@code t} is a drainer of this runner that helps now. Monitor held. */
    private boolean helping(Thread t) {
        for (Thread h : helpers) {
            if (h == t) {
                return true;
            }
        }
        return false;
    }

    /** Marks the calling drainer as helping ({@code on}) or not. Monitor held. */
    private void markHelping(Thread t, boolean on) {
        helpers = mark(helpers, t, on);
        helpingNow += on ? 1 : -1;
    }

    /**
     * Puts {@code t} into {@code set} (a free slot) or takes it out; returns the set, grown when
     * full (more drainers than MAX_DRAINERS: the watch started them for blocked handlers).
     */
    private static Thread[] mark(Thread[] set, Thread t, boolean on) {
        for (int i = 0; i < set.length; i++) {
            if (on ? set[i] == null : set[i] == t) {
                set[i] = on ? t : null;
                return set;
            }
        }
        if (!on) {
            return set;
        }
        Thread[] grown = java.util.Arrays.copyOf(set, 2 * set.length);
        grown[set.length] = t;
        return grown;
    }

    /**
     * Waits as a helper until a handler is posted, nothing of the channel is in flight, or
     * {@link #HELP_NANOS} passed; true when a handler waits.
     */
    private boolean help() {
        Thread me = Thread.currentThread();
        synchronized (this) {
            markHelping(me, true);
            helpWaits++;
        }
        try {
            return CallbackWaits.await(context, ready, HELP_NANOS, TimeUnit.NANOSECONDS) && hasWaiting();
        } catch (InterruptedException e) {
            me.interrupt(); // kept for the executor; the drainer leaves
            return false;
        } catch (IllegalStateException e) {
            return false; // a thread that may not wait for the callbacks after all: it leaves
        } finally {
            synchronized (this) {
                markHelping(me, false);
            }
        }
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
