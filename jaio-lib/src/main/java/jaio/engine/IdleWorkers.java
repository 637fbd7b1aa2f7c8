package jaio.engine;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.concurrent.locks.LockSupport;
import jaio.spi.Op;

/**
 * Guarded by its {@link WorkerPool}'s lock (each method says when it lets go of it), apart
 * from the three hints noted on their fields (the queue's size, the waiter, the average): the
 * pool's workers that have no op, and who a new op wakes, so that as few threads as possible
 * are woken (the pool's class comment says why, and what bounds the waits). A new op is
 * covered, in this order: at depth 1, by the waiting thread that queued it alone, which the
 * workers then leave it to ({@link #reserveForWaiter}); by a spinning worker that is free (it
 * sees the op without a wake-up); by threads that come back to the queue anyway, the waiting thread that queued it
 * (and, when iterations are short, a running worker), while a watcher makes sure they do; by a
 * parked worker, unparked; by the watcher, unparked; and the pool starts new workers for what
 * remains.
 *
 * <p>Parked workers form a stack, each worker's own {@link Parked} node linked in while it
 * waits, so that waiting allocates nothing (a {@code Condition} allocates a node per wait) and
 * the worker woken is the one that ran last, whose caches are warm. A wake-up is delivered
 * once the pool's lock is released ({@link #drainUnparks}), so that the woken thread does not
 * run into the lock still held.
 */
final class IdleWorkers {
    /** How long a worker that has just run an iteration looks for the next op before it parks. */
    static final long SPIN_NANOS = 20_000L;
    /** The shortest a spin gets after spins that found nothing (it grows again when one finds an op). */
    static final long MIN_SPIN_NANOS = 1_000L;
    /** Workers looking for an op at once: each holds a CPU while it looks. */
    static final int MAX_SPINNERS = Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
    /**
     * Iterations shorter than this on average (about what waking a thread and parking it again
     * cost) make it cheaper for a new op to wait for a running worker than to wake another.
     */
    static final long SHORT_NANOS = 10_000L;
    /** Queued ops counted on each running worker (and on the waiter) when iterations are short. */
    static final int PER_RUNNER = 4;
    /** How long the watcher parks between looks at the queue. */
    static final long WATCH_NANOS = 1_000_000L;
    /** Looks in a row with no op covered without a wake-up, after which the watcher stops. */
    static final int WATCH_QUIET = 100;

    /**
     * {@link #queued}: written under the lock with release stores, read without it with acquire
     * loads (a look sees a recent size, then takes the lock); neither is a fence on x86.
     */
    private static final VarHandle QUEUED;

    static {
        try {
            QUEUED = MethodHandles.lookup().findVarHandle(IdleWorkers.class, "queued", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** One worker's place in the stack of parked workers; made once per worker, on its thread. */
    static final class Parked {
        final Thread thread = Thread.currentThread();
        Parked next;
        /** In the stack now. */
        boolean stacked;
        /** Taken off the stack for an op (or for close): it runs again. */
        boolean woken;
    }

    private final WorkerPool pool;
    /** Whether iterations are short (IterationLength.SHORT): spinning and waiting for runners pay off. */
    private final boolean shortIterations;

    /** The pool's queue size, for spinning workers and waiters that look without the lock. */
    private int queued;
    /** The parked worker that parked last, or null. */
    private Parked top;
    /** Workers in {@link #park}: in the stack, or woken and not yet back. */
    private int idle;
    /** Workers woken for an op that are not back yet. */
    private int signalled;
    /** Workers running an iteration (taken from the queue, not back yet). */
    private int running;
    /** Workers looking for an op without the lock ({@link #spin}); queued ops counted on them. */
    private int spinning;
    private int spinClaims;
    /** How long the next spin lasts, between {@link #MIN_SPIN_NANOS} and {@link #maxSpinNanos}. */
    private long spinNanos = SPIN_NANOS;
    /** {@link #SPIN_NANOS}, or longer for a test that needs a worker spinning ({@link #spinUpTo}). */
    private long maxSpinNanos = SPIN_NANOS;
    /** Ops ever taken from the queue, and ever covered without a wake-up (for the watcher). */
    private long takes;
    private long economies;
    /** Times the watcher found the queue standing still and took its oldest op. */
    private long stalls;
    /** The worker watching the queue, or null; whether it was signalled for an op. */
    private Thread watcher;
    private boolean watcherSignalled;
    /** An op could have gone without a wake-up had a worker been watching: the next idle one watches. */
    private boolean watchWanted;
    /** Threads to unpark once the lock is released. */
    private Thread[] unparks = new Thread[4];
    private int unparkCount;
    /**
     * The thread that last looked for queued ops while it waited (WorkerPool.runQueued), whose
     * ops may wait for it. Volatile: the waiter writes it without the lock.
     */
    private volatile Thread waiter;
    /**
     * The op the waiter queued alone into an empty queue, left for it to run (depth 1: submit,
     * then wait): workers that come back or spin leave it, the watcher takes it when the queue
     * stands still. Null once it leaves the queue or another op joins it.
     */
    private Op reserved;
    /**
     * A running average of iteration times (sampled), in nanoseconds; short until iterations
     * show otherwise (one long sample makes it long). A hint, written by the threads that ran
     * them without the lock (volatile: never a torn value): a lost update only slows the average.
     */
    private volatile long averageNanos;

    IdleWorkers(WorkerPool pool, boolean shortIterations) {
        this.pool = pool;
        this.shortIterations = shortIterations;
    }

    /** The pool's queue now holds {@code n} ops. Lock held. */
    void sized(int n) {
        QUEUED.setRelease(this, n);
    }

    /** Whether a worker runs an op now (a waiting thread's caller-runs is not counted). Lock held. */
    boolean anyRunning() {
        return running > 0;
    }

    /** The queue's size as last written; no lock needed. */
    int queuedNow() {
        return (int) QUEUED.getAcquire(this);
    }

    /** The calling thread looks for queued ops while it waits: its ops may wait for it. No lock needed. */
    void waiterLooks() {
        Thread me = Thread.currentThread();
        if (waiter != me) {
            waiter = me;
        }
    }

    /** One iteration took {@code nanos} (a sample). No lock needed. */
    void iterationTook(long nanos) {
        long a = averageNanos;
        averageNanos = a + ((nanos - a) >> 3);
    }

    /**
     * A worker took an op to run it, leaving {@code queued}. With short iterations a backlog
     * larger than the running threads will soon take recruits one more parked worker, one at a
     * time (each recruit does the same when it starts), instead of a wake-up per op. Lock held.
     */
    void started(int queued) {
        running++;
        takes++;
        if (economical() && signalled == 0 && queued > running * PER_RUNNER) {
            wakeParked(1);
        }
    }

    /** A worker is back from its iteration. Lock held. */
    void back() {
        running--;
    }

    /** Somebody other than a worker took an op from the queue (a waiter, a cancel). Lock held. */
    void takenElsewhere() {
        takes++;
    }

    /** Whether new ops may wait for threads that come back to the queue by themselves. Lock held. */
    private boolean economical() {
        return shortIterations && averageNanos < SHORT_NANOS;
    }

    /**
     * Whether a waiting thread should run a queued op itself now: always when iterations are
     * short; when they are long (a device read, a sync), only while no worker runs one, since
     * the waiter would otherwise sit in a long call while the running ones complete and wait
     * for it to reap them (at depth 1 nothing else runs, and the waiter runs its own request).
     * Lock held.
     */
    boolean waiterMayRun() {
        return economical() || running == 0;
    }

    /**
     * Finds threads for the {@code n} ops just queued ({@code queued} now in the queue), the
     * first of which, {@code first}, a waiting thread may run if {@code waiterMayRun}. The
     * waiter's own op alone in the queue is left for it ({@link #reserveForWaiter}) before a
     * spinning worker may claim it. Returns how many of the
     * {@code n} need no new worker: with short iterations every idle worker counts, woken or not
     * (see IterationLength), else only those woken now. Lock held.
     */
    int cover(int n, Op first, int queued, boolean waiterMayRun) {
        if (reserveForWaiter(n, first, queued, waiterMayRun)) {
            return 1;
        }
        int spin = Math.min(n, spinning - spinClaims);
        spinClaims += spin;
        int rest = n - spin;
        if (rest <= 0) {
            return n;
        }
        int economy = economy(rest, queued, waiterMayRun);
        rest -= economy;
        if (rest <= 0) {
            return n;
        }
        int woken = wakeParked(rest);
        int covered = shortIterations ? Math.min(rest, idle) : woken;
        if (covered < rest && watcher != null && !watcherSignalled) {
            // The watcher is an idle worker too: it runs the op instead of watching.
            watcherSignalled = true;
            addUnpark(watcher);
            covered++;
        }
        return spin + economy + covered;
    }

    /**
     * Whether {@code first}, the one op in the queue, queued by the waiter while no worker runs
     * one (depth 1), waits for the waiter alone: workers that spin or come back leave it
     * ({@link #reserved}), so the waiter runs its requests one after another, where otherwise a
     * worker that has just posted the last one takes the next and keeps the chain, one hand-off
     * per request. At depth a returning worker is the quicker taker, and the waiter, busy
     * reaping, may not look for a while: no reservation then. Only while the watcher watches or
     * a spinning worker will (it leaves the op and watches), which bounds the wait when the
     * waiter does not come. Lock held.
     */
    private boolean reserveForWaiter(int n, Op first, int queued, boolean waiterMayRun) {
        if (n != 1 || queued != 1 || running > 0 || !waiterMayRun || waiter != Thread.currentThread()) {
            return false;
        }
        boolean watched = watcher != null && !watcherSignalled;
        if (!watched && spinning - spinClaims <= 0) {
            return false;
        }
        if (!watched) {
            watchWanted = true;
        }
        reserved = first;
        economies++;
        return true;
    }

    /** For tests: spins last up to {@code nanos} from now on (a worker that spins can be caught at it). Lock held. */
    void spinUpTo(long nanos) {
        maxSpinNanos = nanos;
        spinNanos = nanos;
    }

    /** For tests: workers spinning now. Lock held. */
    int spinners() {
        return spinning;
    }

    /** The op left for the waiter, which workers do not take (null: none). Lock held. */
    Op reserved() {
        return reserved;
    }

    /**
     * {@code op} left the queue, or joined it ({@code joined}): an op left for the waiter is
     * left no longer once it is gone or has company. Lock held.
     */
    void queueChanged(Op op, boolean joined) {
        if (reserved != null && (joined ? op != reserved : op == reserved)) {
            reserved = null;
        }
    }

    /**
     * How many of {@code n} new ops wait, with nobody woken, for threads that come back to the
     * queue anyway: one for the calling thread when it is the waiter and the queue held nothing
     * else (it runs the op when it waits, at depth 1 right away; with long iterations only while
     * no worker runs one, as {@link #waiterMayRun} says); and when iterations are short,
     * up to {@link #PER_RUNNER} queued per running worker and per waiter, or all when a recruit
     * is on its way (it takes the backlog and recruits the next). Only while a worker watches;
     * otherwise the next idle worker will. Lock held.
     */
    private int economy(int n, int queued, boolean waiterMayRun) {
        boolean mine = waiterMayRun && waiter == Thread.currentThread();
        int e = mine && queued == n && waiterMayRun() ? 1 : 0;
        if (!shortIterations) {
            // Long iterations: only the waiter's own op, alone in the queue while no worker
            // runs one (at depth 1 a buffered write the kernel would not take without blocking).
            if (e == 0) {
                return 0;
            }
        } else if (economical()) {
            int runners = running + (mine ? 1 : 0);
            e = signalled > 0 ? n : Math.max(e, Math.min(n, runners * PER_RUNNER - (queued - n)));
        }
        if (e == 0) {
            return 0;
        }
        if (watcher == null || watcherSignalled) {
            watchWanted = true;
            return 0;
        }
        economies += e;
        return e;
    }

    /** Takes up to {@code n} workers off the stack to run again; returns how many. Lock held. */
    private int wakeParked(int n) {
        int k = 0;
        while (k < n && top != null) {
            Parked p = top;
            top = p.next;
            p.next = null;
            p.stacked = false;
            p.woken = true;
            addUnpark(p.thread);
            k++;
        }
        signalled += k;
        return k;
    }

    private void addUnpark(Thread t) {
        if (unparkCount == unparks.length) {
            unparks = Arrays.copyOf(unparks, 2 * unparkCount);
        }
        unparks[unparkCount++] = t;
    }

    /** How many threads wait to be unparked once the lock is released. Lock held. */
    int pendingUnparks() {
        return unparkCount;
    }

    /** Moves the threads to unpark into {@code into}, which has room for them all. Lock held. */
    void drainUnparks(Thread[] into) {
        System.arraycopy(unparks, 0, into, 0, unparkCount);
        Arrays.fill(unparks, 0, unparkCount, null);
        unparkCount = 0;
    }

    /** The pool closes: every worker without an op looks again. Lock held. */
    void closing() {
        wakeParked(Integer.MAX_VALUE);
        if (watcher != null) {
            addUnpark(watcher);
        }
    }

    /** How often the watcher found the queue standing still. Lock held. */
    long stalls() {
        return stalls;
    }

    /** How many new ops were covered without a wake-up. Lock held. */
    long economies() {
        return economies;
    }

    /** Whether a worker watches the queue now. Lock held. */
    boolean watching() {
        return watcher != null;
    }

    /**
     * A worker found the queue empty: it spins ({@code hot}: it has just run an iteration),
     * watches, or parks ({@code me}: its node), and returns when it should look at the queue
     * again. Lock held on entry and exit.
     */
    void await(boolean hot, Parked me) {
        if (hot && shortIterations && spinning < MAX_SPINNERS) {
            spin();
        } else if (watchWanted && watcher == null) {
            watch();
        } else {
            park(me);
        }
    }

    /** Parks on the stack until woken for an op or the pool closes. */
    private void park(Parked me) {
        me.woken = false;
        me.next = top;
        top = me;
        me.stacked = true;
        idle++;
        try {
            while (!me.woken && !pool.closedNow()) {
                pool.unlock();
                try {
                    // Nobody interrupts a worker on purpose; a stray interrupt must not make the park spin.
                    Thread.interrupted();
                    LockSupport.park(this);
                } finally {
                    pool.lock();
                }
            }
        } finally {
            if (me.stacked) {
                unstack(me);
            }
            idle--;
            if (me.woken) {
                signalled--;
            }
        }
    }

    /** Takes a node that was not woken out of the stack (close). */
    private void unstack(Parked me) {
        if (top == me) {
            top = me.next;
        } else {
            Parked p = top;
            while (p.next != me) {
                p = p.next;
            }
            p.next = me.next;
        }
        me.next = null;
        me.stacked = false;
    }

    /** Looks for a queued op without the lock for up to {@link #SPIN_NANOS}. */
    private void spin() {
        spinning++;
        long budget = spinNanos;
        boolean found = false;
        pool.unlock();
        try {
            long end = System.nanoTime() + budget;
            int i = 0;
            while (!(found = queuedNow() > 0)) {
                Thread.onSpinWait();
                if ((++i & 63) == 0 && System.nanoTime() - end >= 0) {
                    break;
                }
            }
        } finally {
            pool.lock();
            // Spins that find nothing cost more than the park and wake-up they save: a spin
            // that found an op doubles the next ones' length, one that did not halves it.
            spinNanos = found ? Math.min(maxSpinNanos, 2 * spinNanos) : Math.max(MIN_SPIN_NANOS, spinNanos / 2);
            spinning--;
            // A claim goes with the spinner: it takes an op now, or there is none to take.
            if (spinClaims > 0) {
                spinClaims--;
            }
        }
    }

    /**
     * Watches the queue, parked for {@link #WATCH_NANOS} at a time: returns (and the worker
     * takes from the queue as usual) when signalled for an op, when the pool closes, when the
     * queue held ops at two looks in a row with none taken in between (the threads they waited
     * for did not come back: the op runs here, and the waiter's next ops wake a worker until it
     * waits again), or after {@link #WATCH_QUIET} looks with no op covered without a wake-up.
     */
    private void watch() {
        watcher = Thread.currentThread();
        watcherSignalled = false;
        long seenTakes = takes;
        long seenEconomies = economies;
        boolean wasQueued = queuedNow() > 0;
        int quiet = 0;
        try {
            while (!pool.closedNow() && !watcherSignalled) {
                pool.unlock();
                try {
                    Thread.interrupted();
                    LockSupport.parkNanos(this, WATCH_NANOS);
                } finally {
                    pool.lock();
                }
                boolean holds = queuedNow() > 0;
                if (holds && wasQueued && takes == seenTakes) {
                    stalls++;
                    waiter = null;
                    reserved = null;
                    return;
                }
                wasQueued = holds;
                seenTakes = takes;
                if (economies != seenEconomies) {
                    seenEconomies = economies;
                    quiet = 0;
                } else if (++quiet >= WATCH_QUIET) {
                    watchWanted = false;
                    return;
                }
            }
        } finally {
            watcher = null;
            watcherSignalled = false;
        }
    }
}
