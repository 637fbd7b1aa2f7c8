package jaio.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Supplier;
import jaio.CancelResult;
import jaio.Errno;
import jaio.Opcode;
import jaio.RequestFlag;
import jaio.spi.FileHandle;
import jaio.spi.Op;
import jaio.spi.Retry;

/**
 * Any thread may enqueue, cancel and (while it waits for events) run queued ops, under one lock
 * that guards the queue, the counts of idle and spinning workers and the worker list;
 * iterations run and the {@link Owner} is called back with no lock held. The worker threads of
 * an engine (seed approach 2): ops wait in one FIFO queue, a worker takes one, runs one
 * iteration through the engine's {@link Worker} and hands the op back finished, or puts it at
 * the tail of the queue for its next iteration. So only one iteration of an op runs at a time
 * (E4), a long transfer cannot hold a worker for good, and a cancel can catch an op between
 * iterations. Workers are started on demand up to a bound, on platform threads borrowed from
 * {@link DaemonThreads}, and stopped at {@link #close}.
 *
 * <p>The lock publishes an op's description and progress from the thread that queues it to
 * the thread that takes it, and back to the queue between iterations. A worker marks an op it
 * has finished (engineState 0) with no lock, so a cancel may still read {@link #RUNNING} for
 * an op whose event is on its way: it answers NOT_CANCELED, as for a running op.
 *
 * <p>Hand-offs. Waking a parked thread and parking it again cost several microseconds each,
 * where a cached pread costs about one, and a request that goes to a worker and comes back pays
 * two of them. So, with {@link Iterations#SHORT} iterations, the pool wakes a thread only when
 * no thread that comes back to the queue anyway will take the op soon ({@link IdleWorkers}):
 * <ul>
 *   <li><b>Caller-runs.</b> A thread that waits for events and would otherwise park calls
 *       {@link #runQueued}: it takes the oldest queued op and runs its iteration itself, as a
 *       waiter helps in a work-stealing pool, when the owner says such a thread may
 *       ({@link Owner#mayRunOnWaiter}). The completion then reaches the waiting thread with
 *       nobody woken. When iterations are long on average, only while no worker runs one: the
 *       waiter must not sit in a device read while others complete and wait to be reaped.</li>
 *   <li><b>Waiting for the waiter.</b> An op that the thread which last called
 *       {@link #runQueued} queues into an empty queue wakes nobody: that thread is expected to
 *       wait next and run it (at depth 1: submit, then getEvents).</li>
 *   <li><b>Waiting for runners.</b> While iterations are short on average (under
 *       {@link IdleWorkers#SHORT_NANOS}; the first 64 are timed, then one in 32), a new op wakes
 *       nobody as long as the queue holds at most {@link IdleWorkers#PER_RUNNER} ops per
 *       running worker (and per waiter that queues); a larger backlog recruits one parked
 *       worker at a time, each recruit the next, instead of a wake-up per op.</li>
 *   <li><b>Spinning.</b> A worker that has just run an iteration looks for the next op for up
 *       to {@link IdleWorkers#SPIN_NANOS} before it parks, at most
 *       {@link IdleWorkers#MAX_SPINNERS} at a time (a spin that finds nothing halves the next
 *       one's length, one that finds an op doubles it); an op queued while one looks is
 *       counted on it and wakes nobody.</li>
 *   <li><b>Holding.</b> A worker that finishes an op while the queue still holds work keeps
 *       it and takes the next, posting up to {@link #HOLD} together ({@link Owner#finishedBatch}):
 *       one post under the context's lock for several ops, where a post per op met the
 *       reaping thread on that lock at every op. What it holds is posted before it waits for
 *       the queue and before any iteration that could wait: while it holds ops, it runs the
 *       next one through {@link Worker#iterateQuick} (a read the page cache holds in full) and,
 *       when that declines, posts them first, so no finished op waits behind a device read.</li>
 *   <li><b>Turns per file.</b> Of the ops {@link Owner#onePerFile} names (buffered writes), one
 *       per file is queued or running at a time; the others wait in the file's lane
 *       ({@link FileLanes}) and wake nobody, and the next one is queued as the one before ends.
 *       For {@link #SYNC_QUIET_NANOS} after a sync started they are queued at once instead.</li>
 * </ul>
 * What bounds the ops that wait for threads to come back: a <em>watcher</em>, an idle worker
 * that parks for {@link IdleWorkers#WATCH_NANOS} at a time instead of for good while such waits
 * happen, and runs the oldest op itself when the queue held ops at two looks in a row with none
 * taken in between; so such an op starts at most about 2 ms late even when the thread it waited
 * for does something else for good, and that thread's next ops wake a worker again until it
 * waits here once more. Nothing waits so without a watcher: the op wakes a worker, which becomes
 * the watcher when it next idles; the watcher stops after {@link IdleWorkers#WATCH_QUIET} looks
 * with no such wait. With {@link Iterations#BLOCKING} iterations only caller-runs and waiting
 * for the waiter apply (the latter only while no worker runs an op): every other op wakes a
 * worker.
 *
 * <p>Parked workers wait on a stack of nodes of their own, not on a {@code Condition}, which
 * would allocate a node per wait; the one woken is the one that parked last.
 *
 * <p>An iteration that must wait for readiness or a timer hands its op to that thread and
 * returns {@link Worker#HANDED_OFF}.
 */
public final class WorkerPool {
    /**
     * {@link Op#engineState} of an op waiting in the queue. The shared classes of jaio.engine
     * use states from 16 up; an engine's own states (native AIO's IN_KERNEL 1 and BACKLOG 2)
     * stay below.
     */
    public static final int QUEUED = 16;
    /** {@link Op#engineState} of an op whose iteration a worker is running. */
    public static final int RUNNING = 17;
    /**
     * {@link Op#engineState} of an op waiting for its file's turn ({@link Owner#onePerFile});
     * clear of the thread-pool engine's poller (18 to 20).
     */
    public static final int LANED = 21;
    /** Attempts, a spin-wait hint apart, before a contended {@link #lock()} queues. */
    private static final int LOCK_SPINS = 128;
    /**
     * How long after a sync started the ops {@link Owner#onePerFile} names run side by side, as
     * any op, instead of taking turns. With syncs in flight, writes that run side by side were
     * up to twice as fast as one writer per file (a log written in 64 KiB blocks with an fsync
     * every 16: 1850 against 850 MiB/s); without, one writer per file was up to twice as fast
     * as many (docs/PERFORMANCE.md, "Item 6, third pass").
     */
    static final long SYNC_QUIET_NANOS = 10_000_000L;
    /** Most finished ops a worker holds before it posts them (class comment, "Holding"). */
    static final int HOLD = 8;
    /** What {@link #take} returns to a worker that holds finished ops when the queue is empty. */
    static final Op NONE = new Op();
    /** Each thread's array for the threads it unparks after releasing the lock. */
    private static final ThreadLocal<Thread[]> UNPARKS = ThreadLocal.withInitial(() -> new Thread[4]);

    /**
     * Set by {@link #cancelQueued} (close): an op a worker puts back after that ends with
     * -ECANCELED instead, so that an op waiting for a pipe in slices cannot hold the close.
     * Under the lock.
     */
    private boolean draining;

    /**
     * How long an engine's iterations take, which decides whether an op queued while every
     * idle worker has already been woken starts a new worker, and whether ops may wait for
     * threads that come back to the queue (class comment). The two engines that had their own
     * pools differed here, and each was right for what its workers run.
     */
    public enum Iterations {
        /**
         * Mostly microseconds (page-cache hits): a woken or running worker will be free again
         * before a new thread would have started, so the op waits for it. Starting one per
         * such op grew the pool toward its bound (a loop of cached reads at depth 1 started 64
         * workers that way instead of about 10), each one more to wake. The thread-pool
         * engine's.
         */
        SHORT,
        /**
         * Expected to block (the kernel said they would), maybe without bound: a signalled
         * worker is counted on for one op only, so another op gets a new worker while the
         * bound allows, instead of waiting behind one that may never return (native AIO
         * punts a pipe read that may never get data).
         */
        BLOCKING
    }


    /** Where the pool reports, on the thread that ran the iteration, with no lock held. */
    public interface Owner {
        /** An iteration was short and the op goes back to the queue (E4's retry count). */
        void retried();

        /** {@code op} is finished (result set, engineState 0): post it. */
        void finished(Op op);

        /** {@code ops[0, count)} are finished (result set, engineState 0): post them. */
        default void finishedBatch(Op[] ops, int count) {
            for (int i = 0; i < count; i++) {
                finished(ops[i]);
            }
        }

        /**
         * Whether a thread waiting for events, which is not a worker, may run {@code op}'s next
         * iteration ({@link #runQueued}): the iteration must not depend on the thread (an
         * interrupt of it, per-thread resources a worker keeps) and must never wait for
         * readiness on it. No op is left for a waiter, nor run by one, without this.
         */
        default boolean mayRunOnWaiter(Op op) {
            return false;
        }

        /** A waiting thread is about to run an iteration in a worker's place (caller-runs). */
        default void ranOnWaiter() {
        }

        /**
         * Whether {@code op} is one of those of which the pool runs one per file at a time
         * ({@link FileLanes}; {@link #takesTurns} names the buffered writes, which the file
         * system serializes anyway). Must give the same answer for an op every time it is asked.
         */
        default boolean onePerFile(Op op) {
            return false;
        }
    }

    private final int maxWorkers;
    final Supplier<? extends Worker> newWorker;
    final Owner owner;
    private final ReentrantLock lock = new ReentrantLock();
    final IdleWorkers idlers;

    /** Iterations run, counted without the lock to pick those that are timed (it may wrap). */
    private int sampled;

    /** {@link #lastSync} before any sync. */
    private static final long NEVER = Long.MIN_VALUE;
    /** When the last sync started ({@link #syncStarted}); any thread writes it, a racy value is fine. */
    private volatile long lastSync = NEVER;
    /** {@link #SYNC_QUIET_NANOS}, which tests change (before the pool is used). */
    long syncQuietNanos = SYNC_QUIET_NANOS;

    // ---- under lock ----
    private final OpQueue queue = new OpQueue(QUEUED);
    /** The ops {@link Owner#onePerFile} holds back until their file's turn. */
    private final FileLanes lanes = new FileLanes();
    private final List<DaemonThreads.Task> workers = new ArrayList<>();
    /** Workers' names: threadName and a number. */
    private final String threadName;
    private int started;
    private boolean closed;

    /**
     * A pool of at most {@code maxWorkers} threads named {@code threadName} followed by a
     * number, each running the {@link Worker} that {@code newWorker} makes on it.
     */
    public WorkerPool(String threadName, int maxWorkers, Iterations iterations, Supplier<? extends Worker> newWorker,
                      Owner owner) {
        this.maxWorkers = Math.max(1, maxWorkers);
        this.newWorker = newWorker;
        this.owner = owner;
        this.threadName = threadName;
        this.idlers = new IdleWorkers(this, iterations == Iterations.SHORT);
    }

    public int maxWorkers() {
        return maxWorkers;
    }

    /** Worker threads started and not stopped. */
    public int workers() {
        lock();
        try {
            return workers.size();
        } finally {
            lock.unlock();
        }
    }

    /** For tests: whether a worker watches the queue now (class comment). */
    boolean watching() {
        lock();
        try {
            return idlers.watching();
        } finally {
            unlock();
        }
    }

    /** For tests: how often the watcher found the queue standing still and took its oldest op. */
    long stalls() {
        return countLocked(idlers::stalls);
    }

    /** For tests: how many new ops were left, with nobody woken, for threads that come back to the queue. */
    long economies() {
        return countLocked(idlers::economies);
    }

    /** For tests: one of the idle workers' counts, read under the lock. */
    private long countLocked(java.util.function.LongSupplier count) {
        lock();
        try {
            return count.getAsLong();
        } finally {
            unlock();
        }
    }

    /**
     * Queues {@code op} for a worker, waking or starting one for it unless a thread that comes
     * back to the queue anyway will take it (class comment).
     */
    public void enqueue(Op op) {
        lock();
        try {
            if (admit(op)) {
                add(op);
                wakeLocked(1, op);
            }
        } finally {
            unlock();
        }
    }

    /** Queues {@code ops[from, from + count)} in order as {@link #enqueue(Op)} would, under one lock. */
    public void enqueue(Op[] ops, int from, int count) {
        lock();
        try {
            int added = 0;
            Op first = null;
            for (int i = from; i < from + count; i++) {
                if (admit(ops[i])) {
                    add(ops[i]);
                    if (added++ == 0) {
                        first = ops[i];
                    }
                }
            }
            if (added > 0) {
                wakeLocked(added, first);
            }
        } finally {
            unlock();
        }
    }

    /** Whether {@code op} goes to the queue now; false when it waits for its file's turn. Lock held. */
    private boolean admit(Op op) {
        return !owner.onePerFile(op) || syncing() || lanes.admit(op);
    }

    /**
     * {@code op} left the pool (finished, cancelled): when it held a turn on its file, the next
     * op waiting on the file takes it and is queued; a thread that is not a worker wakes one
     * for it, as for any op it queues. Lock held.
     */
    private void releaseLocked(Op op, boolean onWorker) {
        if (!owner.onePerFile(op)) {
            return;
        }
        Op next = lanes.release(op);
        if (next != null) {
            add(next);
            if (!onWorker) {
                wakeLocked(1, next);
            }
        }
    }

    /** As {@link #releaseLocked}, taking the lock only for an op that may hold a turn. */
    void released(Op op, boolean onWorker) {
        if (!owner.onePerFile(op)) {
            return;
        }
        lock();
        try {
            releaseLocked(op, onWorker);
        } finally {
            unlock();
        }
    }

    /**
     * A buffered write to a regular file, not durable by itself: what engines let take turns
     * per file ({@link Owner#onePerFile}). A write that syncs (DSYNC or SYNC, by its flags or
     * its file's) is left out: it waits for the device, and such writes side by side share
     * the file system's journal commits.
     */
    public static boolean takesTurns(Op op) {
        return op.isWrite() && op.file != null && op.file.kind() == FileHandle.Kind.FILE
                && !op.file.direct() && !op.file.syncWrites()
                && (op.flags & (RequestFlag.DSYNC.bit() | RequestFlag.SYNC.bit())) == 0;
    }

    /**
     * A sync of one of the owner's files starts (on a worker, which the pool sees itself, or
     * elsewhere, which the owner reports): for {@link #SYNC_QUIET_NANOS} writes run side by
     * side rather than taking turns.
     */
    public void syncStarted() {
        lastSync = System.nanoTime();
    }

    private boolean syncing() {
        long t = lastSync;
        return t != NEVER && System.nanoTime() - t <= syncQuietNanos;
    }

    /** Whether nothing is queued, waiting for a turn, or running on a worker. */
    public boolean idle() {
        lock();
        try {
            return queue.isEmpty() && lanes.files() == 0 && !idlers.anyRunning();
        } finally {
            unlock();
        }
    }

    /** For tests: ops waiting for their file's turn, and files with a lane. */
    int[] lanes() {
        lock();
        try {
            return new int[] {lanes.waiting(), lanes.files()};
        } finally {
            unlock();
        }
    }

    /**
     * For a thread that waits for events, is not a worker, and would otherwise park: runs the
     * oldest queued op's next iteration on the calling thread (caller-runs), when the owner lets
     * such a thread run it, and reports the op to the owner as a worker would (finished, put
     * back, or handed off). True when it ran one; false when nothing is queued, the oldest op
     * must run on a worker, or iterations are long and workers run some (class comment). From
     * now on, ops this thread queues may be left for it, so it should call this again before
     * it parks.
     */
    public boolean runQueued(Worker w) {
        idlers.waiterLooks();
        if (idlers.queuedNow() == 0) {
            return false;
        }
        Op op;
        lock();
        try {
            op = queue.peek();
            if (op == null || !owner.mayRunOnWaiter(op) || !idlers.waiterMayRun()) {
                return false;
            }
            poll();
            idlers.takenElsewhere();
            op.engineState = RUNNING;
        } finally {
            unlock();
        }
        owner.ranOnWaiter();
        if (step(w, op, false)) {
            op.engineState = 0;
            owner.finished(op);
        }
        return true;
    }

    /**
     * Removes {@code op} when it waits in the queue (not started, or between iterations) and
     * ends it with -ECANCELED (bytes moved so far in result2): CANCELED, and the caller posts
     * it. NOT_CANCELED while a worker runs it, ALREADY_DONE when the pool does not have it.
     */
    public CancelResult cancel(Op op) {
        lock();
        try {
            if (remove(op)) {
                idlers.takenElsewhere();
                op.forceCancel();
                Retry.finish(op, -Errno.ECANCELED);
                releaseLocked(op, false);
                return CancelResult.CANCELED;
            }
            if (lanes.remove(op)) {
                op.forceCancel();
                Retry.finish(op, -Errno.ECANCELED);
                return CancelResult.CANCELED;
            }
            return op.engineState == RUNNING ? CancelResult.NOT_CANCELED : CancelResult.ALREADY_DONE;
        } finally {
            unlock();
        }
    }

    /**
     * Ends up to {@code limit} queued ops with -ECANCELED, oldest first, and gives each to
     * {@code handler} (under the pool's lock: it must not call the pool), for close. Returns
     * how many it handled. Ops that workers are running are not touched; those they put back
     * from now on end with -ECANCELED.
     */
    public int cancelQueued(Consumer<Op> handler, int limit) {
        lock();
        try {
            draining = true;
            int n = 0;
            Op op;
            while (n < limit && (op = poll()) != null) {
                idlers.takenElsewhere();
                // As a cancel through the context would: the op ends because of it.
                op.forceCancel();
                Retry.finish(op, -Errno.ECANCELED);
                // The next op of its file, if any, comes to the queue and ends in this loop.
                releaseLocked(op, true);
                handler.accept(op);
                n++;
            }
            // Ops still waiting for a file that a worker writes now.
            while (n < limit && (op = lanes.pollWaiting()) != null) {
                op.forceCancel();
                Retry.finish(op, -Errno.ECANCELED);
                handler.accept(op);
                n++;
            }
            return n;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Runs one iteration of {@code op} on the calling thread, which is not a worker (an
     * opcode that runs inline on the submitting thread): true when the op is finished and the
     * caller posts it; false when it was queued for a worker to continue, or handed off.
     */
    public boolean runInline(Worker w, Op op) {
        return step(w, op, false);
    }


    /**
     * Stops the workers once the queue is empty, and waits for them. Nothing may be queued
     * after this is called. Idempotent; the caller's interrupt status is kept.
     */
    public void close() {
        List<DaemonThreads.Task> ts;
        lock();
        try {
            closed = true;
            idlers.closing();
            ts = new ArrayList<>(workers);
        } finally {
            unlock();
        }
        boolean interrupted = false;
        for (DaemonThreads.Task t : ts) {
            while (!t.isCurrent()) {
                try {
                    t.join();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** One iteration and what follows it: true when the op is finished. */
    private boolean step(Worker w, Op op, boolean onWorker) {
        return step(w, op, onWorker, null);
    }

    /**
     * As {@link #step(Worker, Op, boolean)}, for a worker that holds finished ops in
     * {@code held} (null or empty: it holds none): the iteration is tried quick first, and
     * what is held is posted before one that could wait.
     */
    boolean step(Worker w, Op op, boolean onWorker, WorkerLoop.Held held) {
        // The first 64 iterations and then one in 32 are timed, for the idle workers' average
        // (a racy count is fine).
        int k = ++sampled;
        boolean timed = (k & 31) == 0 || (k > 0 && k <= 64);
        long t0 = timed ? System.nanoTime() : 0;
        if (op.opcode == Opcode.FSYNC || op.opcode == Opcode.FDSYNC) {
            syncStarted();
        }
        long res;
        if (held != null && held.count > 0) {
            res = Worker.attemptQuick(w, op);
            if (res == Worker.WOULD_WAIT) {
                held.post(owner);
                res = Worker.attempt(w, op);
            }
        } else {
            res = Worker.attempt(w, op);
        }
        if (timed) {
            idlers.iterationTook(System.nanoTime() - t0);
        }
        if (res == Worker.HANDED_OFF) {
            return false;
        }
        if (Retry.afterIteration(op, res) == Retry.DONE) {
            released(op, onWorker);
            return true;
        }
        owner.retried();
        lock();
        try {
            if (draining) {
                // The close cancelled the queue already: what comes back ends as it would have.
                op.forceCancel();
                Retry.finish(op, -Errno.ECANCELED);
                releaseLocked(op, onWorker);
                return true;
            }
            add(op);
            // A worker takes from the queue again as soon as it returns, so it needs no one
            // woken for the op it put back (waking one would mostly find nothing to do); a
            // thread that is not a worker may not come back and must wake one.
            if (!onWorker) {
                wakeLocked(1, op);
            }
        } finally {
            unlock();
        }
        return false;
    }

    private void add(Op op) {
        queue.add(op);
        idlers.sized(queue.size());
    }

    private Op poll() {
        Op op = queue.poll();
        if (op != null) {
            idlers.sized(queue.size());
        }
        return op;
    }

    private boolean remove(Op op) {
        boolean removed = queue.remove(op);
        idlers.sized(queue.size());
        return removed;
    }

    /**
     * Takes the lock, trying a while before it queues: the sections it guards are short, and
     * a thread that queues on a {@code ReentrantLock} allocates a node and soon parks (an
     * allocation and a hand-off per request when a worker and a submitter meet here).
     */
    void lock() {
        if (lock.tryLock()) {
            return;
        }
        for (int i = 0; i < LOCK_SPINS; i++) {
            Thread.onSpinWait();
            if (lock.tryLock()) {
                return;
            }
        }
        lock.lock();
    }

    /** Whether {@link #close} was called. Lock held. */
    boolean closedNow() {
        return closed;
    }

    /** Releases the lock, then unparks the workers woken meanwhile, so that they do not run into it. */
    void unlock() {
        int n = idlers.pendingUnparks();
        if (n == 0) {
            lock.unlock();
            return;
        }
        Thread[] ts = UNPARKS.get();
        if (ts.length < n) {
            ts = new Thread[Math.max(n, 2 * ts.length)];
            UNPARKS.set(ts);
        }
        idlers.drainUnparks(ts);
        lock.unlock();
        for (int i = 0; i < n; i++) {
            LockSupport.unpark(ts[i]);
            ts[i] = null;
        }
    }

    /**
     * Finds threads for the {@code n} ops just queued, the first of them {@code first}
     * ({@link IdleWorkers#cover}), then starts workers for those it does not cover. Lock held.
     */
    private void wakeLocked(int n, Op first) {
        int covered = idlers.cover(n, queue.size(), first != null && owner.mayRunOnWaiter(first));
        for (int deficit = n - covered; deficit > 0 && workers.size() < maxWorkers && !closed; deficit--) {
            try {
                // A cached thread when one is idle (DaemonThreads): contexts opened and closed
                // in a loop do not start a thread each.
                workers.add(DaemonThreads.start(threadName + started++, new WorkerLoop(this)::run));
            } catch (Throwable e) {
                if (workers.isEmpty()) {
                    // No thread can serve the queue: the submitter hears why.
                    throw e;
                }
                // The running workers will serve the queue.
                return;
            }
        }
    }

    /**
     * The next op to run, marked RUNNING; null when the pool is closed and the queue empty;
     * {@link #NONE} when the queue is empty and {@code holding}: the worker must post what it
     * holds before it waits. {@code back}: the worker is back from an iteration; {@code hot}:
     * it has just run one, and may spin before it parks.
     */
    Op take(boolean back, boolean hot, boolean holding, IdleWorkers.Parked me) {
        lock();
        try {
            if (back) {
                idlers.back();
            }
            while (true) {
                Op op = poll();
                if (op != null) {
                    idlers.started(queue.size());
                    op.engineState = RUNNING;
                    return op;
                }
                if (holding) {
                    return NONE;
                }
                if (closed) {
                    return null;
                }
                idlers.await(hot, me);
                hot = false;
            }
        } finally {
            unlock();
        }
    }


    /**
     * Forgets the calling worker. One that stops before close (its state could not be made,
     * or the owner threw) leaves the queue to the others, starting one when none is awake.
     */
    void retire(boolean wasRunning) {
        lock();
        try {
            if (wasRunning) {
                idlers.back();
            }
            workers.removeIf(DaemonThreads.Task::isCurrent);
            if (!closed && !queue.isEmpty()) {
                wakeLocked(1, null);
            }
        } finally {
            unlock();
        }
    }

}
