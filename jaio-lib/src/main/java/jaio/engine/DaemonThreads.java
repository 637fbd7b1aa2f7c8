package jaio.engine;

import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Any thread may start a task and join it. A process-wide cache of idle daemon platform
 * threads that run the engines' long loops (a worker pool's workers, the thread-pool engine's
 * poller), so that opening and closing contexts does not start and end a thread each time
 * (issue 14, item 8: starting platform threads held the thread-pool engine to about a
 * thousand contexts a second when each context ran a read).
 *
 * <p>{@link #start} hands the task to the most recently idled thread, or starts a new one
 * when none is idle. From the moment {@code start} returns until the task returns, the
 * thread carries the task's name, with its
 * interrupt status cleared; once the task returns, the thread takes back its name
 * {@code jaio-idle-N} and goes on the idle stack before {@link Task#join} returns, then waits
 * {@link #KEEP_ALIVE_NANOS} for the next task and ends. At most {@link #MAX_IDLE} threads
 * wait at once; a thread finishing a task past that ends. A task that throws ends its
 * thread, as it would have ended a thread of its own (the uncaught-exception handler reports
 * it), after its joiners were released.
 *
 * <p>One monitor (the class's) guards the idle stack and each idle thread's next task; it
 * publishes the task to the thread that takes it. What a task leaves in its thread's
 * thread-locals stays there for the next task: the engines' loops keep their state in fields.
 */
public final class DaemonThreads {
    /** How long an idle thread waits for a task before it ends. */
    static final long KEEP_ALIVE_NANOS = TimeUnit.SECONDS.toNanos(5);
    /** Most threads idle at once. */
    static final int MAX_IDLE = 32;

    private static final AtomicInteger NUMBER = new AtomicInteger();
    /** Idle carriers, most recently idled last. Guarded by the class monitor. */
    private static final ArrayDeque<Carrier> IDLE = new ArrayDeque<>();

    private DaemonThreads() {}

    /**
     * Runs {@code body} on a cached daemon platform thread named {@code name} while it runs,
     * or on a new one.
     *
     * @return the running task, to {@link Task#join join} it
     * @throws OutOfMemoryError (or another error of {@link Thread#start}) when no idle thread
     *         was there and none could be started
     */
    public static Task start(String name, Runnable body) {
        Task t = new Task(name, body);
        Carrier c;
        synchronized (DaemonThreads.class) {
            c = IDLE.pollLast();
            if (c != null) {
                c.next = t;
                t.thread = c.thread;
                // Named from now on, not from when the idle thread wakes; the thread names
                // itself again for its native name.
                c.thread.setName(name);
            }
        }
        if (c != null) {
            LockSupport.unpark(c.thread);
            return t;
        }
        c = new Carrier(t);
        t.thread = c.thread;
        c.thread.start();
        return t;
    }

    /** Threads idle now (for tests). */
    static int idle() {
        synchronized (DaemonThreads.class) {
            return IDLE.size();
        }
    }

    /** One task on a cached thread; any thread may join it. */
    public static final class Task {
        private final String name;
        private final Runnable body;
        /** Set before {@link #start} returns, so {@link #isCurrent} is right from then on. */
        private volatile Thread thread;
        private boolean done;

        private Task(String name, Runnable body) {
            this.name = name;
            this.body = body;
        }

        /** Whether the calling thread is the one running this task (and it has not returned). */
        public boolean isCurrent() {
            return thread == Thread.currentThread() && !isDone();
        }

        /** The thread that runs the task (it serves other tasks before and after). */
        public Thread thread() {
            return thread;
        }

        /** Whether the task has returned (or thrown). */
        public synchronized boolean isDone() {
            return done;
        }

        /**
         * Waits until the task has returned or thrown, as {@link Thread#join()} would for a
         * thread of its own.
         *
         * @throws InterruptedException when interrupted first (the task runs on)
         */
        public synchronized void join() throws InterruptedException {
            while (!done) {
                wait();
            }
        }

        /** The task has returned or thrown: releases its joiners. */
        private synchronized void finish() {
            done = true;
            notifyAll();
        }
    }

    /** A cached thread and the task it is to run next (under the class monitor). */
    private static final class Carrier {
        final Thread thread;
        /** The thread's name while it waits for a task. */
        final String idleName = "jaio-idle-" + NUMBER.incrementAndGet();
        Task next;

        Carrier(Task first) {
            this.next = first;
            this.thread = Thread.ofPlatform().daemon().name(first.name).unstarted(this::loop);
        }

        private void loop() {
            Task t;
            while ((t = takeNext()) != null) {
                boolean again = false;
                // An interrupt left by the last task, or sent to the idle thread, is not this task's.
                Thread.interrupted();
                thread.setName(t.name);
                try {
                    t.body.run();
                    Thread.interrupted();
                    thread.setName(idleName);
                    // On the idle stack before the task's joiners return, so that a context
                    // opened right after a close finds this thread.
                    again = goIdle();
                } finally {
                    // Once on the idle stack, a starter may already have given it the next name.
                    if (!again) {
                        thread.setName(idleName);
                    }
                    t.finish();
                }
                if (!again) {
                    return;
                }
            }
        }

        /** The task handed over (the first one at once), or null once the keep-alive passed. */
        private Task takeNext() {
            long deadline = System.nanoTime() + KEEP_ALIVE_NANOS;
            while (true) {
                synchronized (DaemonThreads.class) {
                    Task t = next;
                    if (t != null) {
                        next = null;
                        return t;
                    }
                    if (System.nanoTime() - deadline >= 0) {
                        // Still on the stack (nobody handed a task): leave it, and end.
                        IDLE.remove(this);
                        return null;
                    }
                }
                LockSupport.parkNanos(this, deadline - System.nanoTime());
            }
        }

        /** Puts this thread on the idle stack; false when it is full (the thread ends). */
        private boolean goIdle() {
            synchronized (DaemonThreads.class) {
                if (IDLE.size() >= MAX_IDLE) {
                    return false;
                }
                IDLE.addLast(this);
                return true;
            }
        }
    }
}
