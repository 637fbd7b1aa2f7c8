package jaio.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;
import jaio.CancelResult;
import jaio.Errno;
import jaio.spi.FileHandle;
import jaio.spi.Op;
import jaio.spi.Retry;

/**
 * Any thread may enqueue, cancel and (while it waits for events) run queued ops, under one lock
 * that guards the queue, the counts of idle and spinning workers and the worker list;
 * iterations run and the {@link PoolOwner} is called back with no lock held. The worker threads of
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
 * two of them. So, with {@link IterationLength#SHORT} iterations, the pool wakes a thread only when
 * no thread that comes back to the queue anyway will take the op soon ({@link IdleWorkers}):
 * <ul>
 *   <li><b>Caller-runs.</b> A thread that waits for events and would otherwise park calls
 *       {@link #runQueued}: it takes the oldest queued op and runs its iteration itself, as a
 *       waiter helps in a work-stealing pool, when the owner says such a thread may
 *       ({@link PoolOwner#mayRunOnWaiter}). The completion then reaches the waiting thread with
 *       nobody woken. When iterations are long on average, only while no worker runs one: the
 *       waiter must not sit in a device read while others complete and wait to be reaped.</li>
 *   <li><b>Waiting for the waiter.</b> An op that the thread which last called
 *       {@link #runQueued} queues into an empty queue wakes nobody: that thread is expected to
 *       wait next and run it (at depth 1: submit, then getEvents). When no worker runs one
 *       (depth 1), workers that come back to the queue or spin leave it while it is alone
 *       there, where one that took it would keep the chain at a hand-off per request.</li>
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
 *       it and takes the next, posting up to {@link #HOLD} together ({@link PoolOwner#finishedBatch}):
 *       one post under the context's lock for several ops, where a post per op met the
 *       reaping thread on that lock at every op. What it holds is posted before it waits for
 *       the queue and before any iteration that could wait: while it holds ops, it runs the
 *       next one through {@link Worker#iterateQuick} (a read the page cache holds in full) and,
 *       when that declines, posts them first, so no finished op waits behind a device read.</li>
 *   <li><b>Turns per file.</b> Of the ops {@link PoolOwner#onePerFile} names (buffered writes), one
 *       per file is queued or running at a time; the others wait in the file's lane
 *       ({@link FileLanes}) and wake nobody, and the next one is queued as the one before ends.
 *       For a while after a sync started, as many at once as {@link PoolOwner#turnsWhileSyncing}
 *       says (native AIO: two; the thread-pool engine: all of them).</li>
 * </ul>
 * What bounds the ops that wait for threads to come back: a <em>watcher</em>, an idle worker
 * that parks for {@link IdleWorkers#WATCH_NANOS} at a time instead of for good while such waits
 * happen, and runs the oldest op itself when the queue held ops at two looks in a row with none
 * taken in between; so such an op starts at most about 2 ms late even when the thread it waited
 * for does something else for good, and that thread's next ops wake a worker again until it
 * waits here once more. Nothing waits so without a watcher: the op wakes a worker, which becomes
 * the watcher when it next idles; the watcher stops after {@link IdleWorkers#WATCH_QUIET} looks
 * with no such wait. With {@link IterationLength#BLOCKING} iterations only caller-runs and waiting
 * for the waiter apply (the latter only while no worker runs an op): every other op wakes a
 * worker.
 *
 * <p>How parked workers wait: {@link IdleWorkers}. An iteration that must wait for readiness
 * or a timer hands its op to that thread ({@link Worker#HANDED_OFF}).
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
     * {@link Op#engineState} of an op waiting for its file's turn ({@link PoolOwner#onePerFile});
     * clear of the thread-pool engine's poller (18 to 20).
     */
    public static final int LANED = 21;
    /** Most finished ops a worker holds before it posts them (class comment, "Holding"). */
    static final int HOLD = 8;
    /** What {@link #take} returns to a worker that holds finished ops when the queue is empty. */
    static final Op NONE = new Op();

    /**
     * Set by {@link #cancelQueued} (close): an op a worker puts back after that ends with
     * -ECANCELED instead, so that an op waiting for a pipe in slices cannot hold the close.
     * Under the lock.
     */
    private boolean draining;

    private final int maxWorkers;
    final Supplier<? extends Worker> newWorker;
    final PoolOwner owner;
    private final PoolLock lock = new PoolLock();
    final IdleWorkers idlers;

    /** IterationLength run, counted without the lock to pick those that are timed (it may wrap). */
    private int sampled;

    // ---- under lock ----
    private final OpQueue queue = new OpQueue(QUEUED);
    /** The ops {@link PoolOwner#onePerFile} holds back until their file's turn. */
    final FileLanes lanes;
    private final List<DaemonThreads.Task> workers = new ArrayList<>();
    /** Workers' names: threadName and a number. */
    private final String threadName;
    private int started;
    private boolean closed;

    /**
     * A pool of at most {@code maxWorkers} threads named {@code threadName} followed by a
     * number, each running the {@link Worker} that {@code newWorker} makes on it.
     */
    public WorkerPool(String threadName, int maxWorkers, IterationLength iterations, Supplier<? extends Worker> newWorker,
                      PoolOwner owner) {
        this.maxWorkers = Math.max(1, maxWorkers);
        this.newWorker = newWorker;
        this.owner = owner;
        this.threadName = threadName;
        this.idlers = new IdleWorkers(this, iterations == IterationLength.SHORT);
        this.lanes = new FileLanes(owner);
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
            lock.unlockOnly();
        }
    }

    /**
     * For tests: {@code read} evaluated under the pool's lock (a count of the idle workers or
     * of the lanes, whether a worker watches).
     */
    <T> T underLock(Supplier<T> read) {
        lock();
        try {
            return read.get();
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
            if (lanes.admit(op)) {
                add(op);
                wakeLocked(1, op);
            } else {
                // A sync may have made a turn free: the oldest waiting op takes it.
                queueTurns(lanes.more(op.file), op.file, true);
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
                if (lanes.admit(ops[i])) {
                    add(ops[i]);
                    if (added++ == 0) {
                        first = ops[i];
                    }
                } else {
                    for (Op m = lanes.more(ops[i].file); m != null; m = lanes.more(ops[i].file)) {
                        add(m);
                        if (added++ == 0) {
                            first = m;
                        }
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

    /**
     * {@code op} left the pool (finished, cancelled): when it held a turn on its file, the next
     * op waiting on the file takes it and is queued; a thread that is not a worker wakes one
     * for it, as for any op it queues. Lock held.
     */
    private void releaseLocked(Op op, boolean onWorker) {
        queueTurns(lanes.release(op), op.file, !onWorker);
    }

    /**
     * Queues {@code first}, an op of {@code f}'s lane that took a turn (or nothing when null),
     * then the others that may take one now, waking a worker for each when {@code wake}. Lock held.
     */
    private void queueTurns(Op first, FileHandle f, boolean wake) {
        for (Op m = first; m != null; m = lanes.more(f)) {
            add(m);
            if (wake) {
                wakeLocked(1, m);
            }
        }
    }

    /** As {@link #releaseLocked}, taking the lock only for an op that may hold a turn. */
    void released(Op op, boolean onWorker) {
        if (!lanes.mayHoldTurn(op)) {
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
     * A sync of one of the owner's files starts elsewhere (the pool sees those its workers
     * run): for a while two writes of a file run at once instead of one ({@link FileLanes}).
     */
    public void syncStarted() {
        lanes.syncStarted();
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
        if (step(w, op, false, null)) {
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
            lock.unlockOnly();
        }
    }

    /**
     * Runs one iteration of {@code op} on the calling thread, which is not a worker (an
     * opcode that runs inline on the submitting thread): true when the op is finished and the
     * caller posts it; false when it was queued for a worker to continue, or handed off.
     */
    public boolean runInline(Worker w, Op op) {
        return step(w, op, false, null);
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

    /**
     * One iteration and what follows it: true when the op is finished. A worker that holds
     * finished ops in {@code held} (null or empty: it holds none) tries the iteration quick
     * first, and posts what it holds before one that could wait.
     */
    boolean step(Worker w, Op op, boolean onWorker, WorkerLoop.Held held) {
        // The first 64 iterations and then one in 32 are timed, for the idle workers' average
        // (a racy count is fine).
        int k = ++sampled;
        boolean timed = (k & 31) == 0 || (k > 0 && k <= 64);
        long t0 = timed ? System.nanoTime() : 0;
        lanes.iterationStarts(op);
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
        idlers.queueChanged(op, true);
        idlers.sized(queue.size());
    }

    private Op poll() {
        Op op = queue.poll();
        if (op != null) {
            idlers.queueChanged(op, false);
            idlers.sized(queue.size());
        }
        return op;
    }

    /** As {@link #poll}, for a worker: null when the one op queued is left for the waiter. */
    private Op pollForWorker() {
        Op head = queue.peek();
        return head != null && head == idlers.reserved() ? null : poll();
    }

    private boolean remove(Op op) {
        boolean removed = queue.remove(op);
        if (removed) {
            idlers.queueChanged(op, false);
        }
        idlers.sized(queue.size());
        return removed;
    }

    /** Takes the pool's lock ({@link PoolLock}). */
    void lock() {
        lock.lock();
    }

    /** Whether {@link #close} was called. Lock held. */
    boolean closedNow() {
        return closed;
    }

    /** Releases the lock, then unparks the workers woken meanwhile ({@link PoolLock}). */
    void unlock() {
        lock.unlock(idlers);
    }

    /**
     * Finds threads for the {@code n} ops just queued, the first of them {@code first}
     * ({@link IdleWorkers#cover}), then starts workers for those it does not cover. Lock held.
     */
    private void wakeLocked(int n, Op first) {
        int covered = idlers.cover(n, first, queue.size(), first != null && owner.mayRunOnWaiter(first));
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
                Op op = pollForWorker();
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
