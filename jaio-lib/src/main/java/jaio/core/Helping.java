package jaio.core;

import java.util.Arrays;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * The reaping role of a self-reaping context, and the threads that wait on it for a condition
 * its callbacks make true ({@link #await}). One thread at a time holds the role: it alone
 * reaps the context's events and runs their callbacks, so callbacks still run one at a time,
 * each exactly once, in the order they were reaped.
 *
 * <p>Without waiters the context's own reaper holds it, mostly asleep in the kernel (or parked
 * in the queue). A platform thread that waits here takes the role instead: the reaper is told
 * to leave its wait (the queue's yield flag, and the engine's wake-up when it sleeps in the
 * kernel), and stays parked in Java while helpers are present and for {@link #GRACE_NANOS}
 * after the last one left, so that a thread that waits again soon finds the role free and
 * the kernel's completions waiting, with no other thread woken. Each completion then costs no
 * thread hand-off at all: the waiter reaps it, runs its callback and sees its condition.
 * Virtual threads never take the role (they must not block in the kernel): they park, and the
 * role's holder unparks every waiter after each batch it delivered.
 *
 * <p>All fields are guarded by {@link #lock}; {@link #holder} and {@link #ended} are also
 * volatile for the lock-free checks. Lock order: this lock, then the completion queue's; the
 * engine is called with neither held.
 */
final class Helping {
    /** How long the reaper stays out of the kernel after the last helper left. */
    static final long GRACE_NANOS = 1_000_000L;
    /**
     * The longest the reaper sleeps while helpers are present before it looks again: it backs
     * off from the grace to this, since each look is a wake-up of its own, and a completion
     * nobody waits for then reaches its callback at most about this long after the last helper
     * left (a thread that waits without helping calls the reaper back at once).
     */
    static final long MAX_PARK_NANOS = 4_000_000L;
    /**
     * The longest single kernel wait of a helper: an interrupt, or a condition made true by
     * something other than a callback, is seen after at most this long.
     */
    static final long SLICE_NANOS = 5_000_000L;

    /** What {@link #await} found. */
    static final int DONE = 0;
    static final int TIMED_OUT = 1;
    static final int INTERRUPTED = 2;
    static final int CLOSED = 3;

    private final ReentrantLock lock = new ReentrantLock();
    private final CompletionQueue q;
    private final SelfReaper<?> reaper;
    private final Thread reaperThread;
    private final boolean inPlace;

    private volatile Thread holder;
    private volatile boolean ended;
    /** Platform threads in {@link #await} that may take the role. */
    private int helpers;
    /** Threads in {@link #await} that only park (virtual threads, or callbacks run elsewhere). */
    private int passive;
    /** Whether the grace period after the last helper left is running, and since when. */
    private boolean grace;
    private long lastLeft;
    /** The reaper keeps the role for good: the context is closing. */
    private boolean closing;
    private Thread[] waiting = new Thread[8];
    /** Volatile too: a deliverer with nobody waiting takes no lock. */
    private volatile int waitingCount;

    Helping(CompletionQueue q, SelfReaper<?> reaper, boolean inPlace) {
        this.q = q;
        this.reaper = reaper;
        this.reaperThread = reaper.thread();
        this.inPlace = inPlace;
    }

    /** Whether {@code t} holds the role now (it is running the context's callbacks, or reaping). */
    boolean holds(Thread t) {
        return holder == t;
    }

    // ------------------------------------------------------------------ the reaper's side

    /**
     * The reaper waits, parked in Java, until the role is free, no helper is present and the
     * grace period is over, then takes it. False once the context is closing.
     */
    boolean reaperTakesTurn() {
        long backoff = GRACE_NANOS;
        lock.lock();
        try {
            while (true) {
                if (!q.gate.isOpen()) {
                    return false;
                }
                long park = backoff;
                backoff = Math.min(2 * backoff, MAX_PARK_NANOS);
                if (holder == null && helpers == 0) {
                    long left = grace ? lastLeft + GRACE_NANOS - System.nanoTime() : 0;
                    if (left <= 0) {
                        grace = false;
                        holder = reaperThread;
                        q.reaping.yieldDone(reaperThread);
                        return true;
                    }
                    park = left;
                }
                lock.unlock();
                try {
                    // Nobody interrupts the reaper; a stray interrupt must not make the park spin.
                    Thread.interrupted();
                    LockSupport.parkNanos(this, park);
                } finally {
                    lock.lock();
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** The holder gives the role back. */
    void release() {
        lock.lock();
        try {
            holder = null;
            if (closing) {
                LockSupport.unpark(reaperThread);
            } else if (helpers > 0) {
                unparkWaiting(null);
            }
        } finally {
            lock.unlock();
        }
    }

    /** The reaper, leaving its loop to close the context, takes the role for good. */
    void takeForClose() {
        lock.lock();
        try {
            closing = true;
            while (holder != null && holder != reaperThread) {
                lock.unlock();
                try {
                    Thread.interrupted();
                    LockSupport.parkNanos(this, 1_000_000L);
                } finally {
                    lock.lock();
                }
            }
            holder = reaperThread;
        } finally {
            lock.unlock();
        }
    }

    /** The context is closed: every wait ends. */
    void end() {
        lock.lock();
        try {
            ended = true;
            holder = null;
            unparkWaiting(null);
        } finally {
            lock.unlock();
        }
    }

    /** After a batch of callbacks ran: every waiter looks at its condition again. */
    void delivered() {
        if (waitingCount == 0) {
            return;
        }
        lock.lock();
        try {
            if (waitingCount > 0) {
                unparkWaiting(Thread.currentThread());
            }
        } finally {
            lock.unlock();
        }
    }

    private void unparkWaiting(Thread except) {
        for (int i = 0; i < waitingCount; i++) {
            if (waiting[i] != except) {
                LockSupport.unpark(waiting[i]);
            }
        }
    }

    // ------------------------------------------------------------------ waiting threads

    /**
     * Waits until {@code condition} is true, helping the context reap when the calling thread
     * is a platform thread and callbacks run in place. {@code timeoutNanos} negative: without
     * limit. The condition is evaluated by the calling thread only, before every wait.
     *
     * @return {@link #DONE}, {@link #TIMED_OUT}, {@link #INTERRUPTED} (the status is cleared)
     *         or {@link #CLOSED} (the context closed with the condition still false)
     * @throws IllegalStateException when the calling thread holds the role (a callback of the
     *         context, or its reaper): it would wait for itself
     */
    int await(BooleanSupplier condition, long timeoutNanos) {
        Thread me = Thread.currentThread();
        if (me == reaperThread || holder == me) {
            throw new IllegalStateException("a callback of " + q.owner.name()
                    + " cannot wait for the context's callbacks: it would wait for itself");
        }
        boolean timed = timeoutNanos >= 0;
        long deadline = timed ? System.nanoTime() + timeoutNanos : 0;
        boolean mayHelp = inPlace && !me.isVirtual();
        join(me, mayHelp);
        try {
            while (true) {
                if (condition.getAsBoolean()) {
                    return DONE;
                }
                if (ended) {
                    return CLOSED;
                }
                if (Thread.interrupted()) {
                    return INTERRUPTED;
                }
                long rem = -1;
                if (timed) {
                    rem = deadline - System.nanoTime();
                    if (rem <= 0) {
                        return TIMED_OUT;
                    }
                }
                if (mayHelp && tryTake(me)) {
                    try {
                        // The last holder may have delivered what this thread waits for.
                        if (condition.getAsBoolean()) {
                            return DONE;
                        }
                        reaper.reapAside(rem < 0 ? SLICE_NANOS : Math.min(rem, SLICE_NANOS));
                    } finally {
                        release();
                    }
                } else if (timed) {
                    LockSupport.parkNanos(this, rem);
                } else {
                    LockSupport.park(this);
                }
            }
        } finally {
            leave(me, mayHelp);
        }
    }

    private boolean tryTake(Thread me) {
        lock.lock();
        try {
            if (holder != null || closing || ended || !q.gate.isOpen()) {
                return false;
            }
            holder = me;
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Joins the waiters; a helper makes the reaper leave its wait when it holds the role. */
    private void join(Thread me, boolean mayHelp) {
        int wake = 0;
        lock.lock();
        try {
            if (waitingCount == waiting.length) {
                waiting = Arrays.copyOf(waiting, waitingCount * 2);
            }
            waiting[waitingCount++] = me;
            if (mayHelp) {
                helpers++;
                if (holder == reaperThread && !closing) {
                    wake = q.reaping.yieldFor(reaperThread);
                }
            } else {
                passive++;
                endGrace();
            }
        } finally {
            lock.unlock();
        }
        if (wake > 0) {
            q.pumping.wakeLeader(wake);
        }
    }

    private void leave(Thread me, boolean mayHelp) {
        lock.lock();
        try {
            for (int i = 0; i < waitingCount; i++) {
                if (waiting[i] == me) {
                    waiting[i] = waiting[--waitingCount];
                    waiting[waitingCount] = null;
                    break;
                }
            }
            if (mayHelp) {
                if (--helpers == 0) {
                    grace = true;
                    lastLeft = System.nanoTime();
                    if (passive > 0) {
                        endGrace();
                    }
                }
            } else {
                passive--;
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Whether a platform thread that waited now would hold the role by itself: no other helper
     * is present (it would only park, woken after every batch), and the context is not closing.
     */
    boolean freeForHelper() {
        lock.lock();
        try {
            return helpers == 0 && !closing && !ended && q.gate.isOpen();
        } finally {
            lock.unlock();
        }
    }

    /**
     * A helper that left for good (it will not wait again soon): when requests are in flight or
     * events wait to be reaped, and no other helper is present, the reaper resumes at once
     * rather than after the grace period, so that no completion waits for the grace to end.
     * With nothing in flight the grace runs on: a thread that comes back soon finds the role free.
     */
    void resumeReaper() {
        if (q.gate.inFlight() == 0 && q.ready.size() == 0) {
            return;
        }
        lock.lock();
        try {
            endGrace();
        } finally {
            lock.unlock();
        }
    }

    /** Passive waiters need the reaper: when no helper reaps, it resumes at once. Lock held. */
    private void endGrace() {
        if (helpers == 0 && grace) {
            grace = false;
            LockSupport.unpark(reaperThread);
        }
    }
}
