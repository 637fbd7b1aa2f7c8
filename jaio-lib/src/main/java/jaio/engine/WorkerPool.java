package jaio.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Supplier;
import jaio.CancelResult;
import jaio.Errno;
import jaio.spi.Op;
import jaio.spi.Retry;

/**
 * Any thread may enqueue and cancel, under one lock that guards the queue, the idle count and
 * the worker list; workers run iterations and call the {@link Owner} back with no lock held.
 * The worker threads of an engine (seed approach 2): ops wait in one FIFO queue, a worker
 * takes one, runs one iteration through the engine's {@link Worker} and hands the op back
 * finished, or puts it at the tail of the queue for its next iteration. So only one iteration
 * of an op runs at a time (E4), a long transfer cannot hold a worker for good, and a cancel
 * can catch an op between iterations. Workers are started on demand up to a bound, on
 * platform threads borrowed from {@link DaemonThreads}, and stopped at {@link #close}.
 *
 * <p>The lock publishes an op's description and progress from the thread that queues it to
 * the worker that takes it, and back to the queue between iterations. A worker marks an op it
 * has finished (engineState 0) with no lock, so a cancel may still read {@link #RUNNING} for
 * an op whose event is on its way: it answers NOT_CANCELED, as for a running op.
 *
 * <p>Idle workers wait on a {@link Condition}. It allocates a small node per wait, an
 * allocation per request at iodepth 1; a hand-made idle stack that avoided it woke workers
 * that a running one would have served anyway, doubling context switches and halving IOPS at
 * iodepth 32 (docs/PERFORMANCE.md), so the Condition stays.
 *
 * <p>Where later work goes: a waiter that would otherwise park may run queued iterations
 * itself with {@link #runInline}; workers that spin before they park do so in {@code take};
 * an iteration that must wait for readiness or a timer hands its op to that thread and
 * returns {@link #HANDED_OFF}.
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
     * Set by {@link #cancelQueued} (close): an op a worker puts back after that ends with
     * -ECANCELED instead, so that an op waiting for a pipe in slices cannot hold the close.
     * Under the lock.
     */
    private boolean draining;
    /**
     * What {@link Worker#iterate} returns when it gave the op to another thread (one waiting
     * for readiness or for a timer), which now owns the op and its engineState and will
     * finish it or queue it again. The pool does not touch the op any more.
     */
    public static final long HANDED_OFF = Long.MIN_VALUE;

    /**
     * How long an engine's iterations take, which decides whether an op queued while every
     * idle worker has already been signalled starts a new worker. The two engines that had
     * their own pools differed here, and each was right for what its workers run.
     */
    public enum Iterations {
        /**
         * Mostly microseconds (page-cache hits): a signalled or running worker will be free
         * again before a new thread would have started, so the op waits for it. Starting one
         * per such op grows the pool toward its bound (a loop of cached reads at depth 1
         * started 64 workers that way instead of about 10), and each extra waiting worker is
         * one more that a submission wakes where a running worker would have served the op:
         * the cost the idle stack had (above). This is the thread-pool engine's behaviour as
         * it was measured.
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

    /** What a worker does with an op. One per worker thread, made on that thread. */
    public interface Worker {
        /**
         * One iteration of {@code op}: bytes moved (0 at end of file), -errno, or
         * {@link #HANDED_OFF}. Whatever it throws becomes the op's -errno.
         */
        long iterate(Op op) throws Exception;

        /** Releases what the worker owns; called on its thread when it stops. */
        default void close() {
        }
    }

    /** Where the pool reports, on the thread that ran the iteration, with no lock held. */
    public interface Owner {
        /** An iteration was short and the op goes back to the queue (E4's retry count). */
        void retried();

        /** {@code op} is finished (result set, engineState 0): post it. */
        void finished(Op op);
    }

    private final int maxWorkers;
    private final Iterations iterations;
    private final Supplier<? extends Worker> newWorker;
    private final Owner owner;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition work = lock.newCondition();

    // ---- under lock ----
    private final OpQueue queue = new OpQueue(QUEUED);
    private final List<DaemonThreads.Task> workers = new ArrayList<>();
    /** Workers' names: threadName and a number. */
    private final String threadName;
    private int started;
    private int idle;
    /** Signals sent to idle workers that have not woken yet, each meant for one queued op. */
    private int signalled;
    private boolean closed;

    /**
     * A pool of at most {@code maxWorkers} threads named {@code threadName} followed by a
     * number, each running the {@link Worker} that {@code newWorker} makes on it.
     */
    public WorkerPool(String threadName, int maxWorkers, Iterations iterations, Supplier<? extends Worker> newWorker,
                      Owner owner) {
        this.maxWorkers = Math.max(1, maxWorkers);
        this.iterations = iterations;
        this.newWorker = newWorker;
        this.owner = owner;
        this.threadName = threadName;
    }

    public int maxWorkers() {
        return maxWorkers;
    }

    /** Worker threads started and not stopped. */
    public int workers() {
        lock.lock();
        try {
            return workers.size();
        } finally {
            lock.unlock();
        }
    }

    /** Queues {@code op} for a worker, waking or starting one for it. */
    public void enqueue(Op op) {
        lock.lock();
        try {
            queue.add(op);
            wake(1);
        } finally {
            lock.unlock();
        }
    }

    /** Queues {@code ops[from, from + count)} in order, under one lock for the batch. */
    public void enqueue(Op[] ops, int from, int count) {
        lock.lock();
        try {
            for (int i = from; i < from + count; i++) {
                queue.add(ops[i]);
            }
            wake(count);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Removes {@code op} when it waits in the queue (not started, or between iterations) and
     * ends it with -ECANCELED (bytes moved so far in result2): CANCELED, and the caller posts
     * it. NOT_CANCELED while a worker runs it, ALREADY_DONE when the pool does not have it.
     */
    public CancelResult cancel(Op op) {
        lock.lock();
        try {
            if (queue.remove(op)) {
                op.forceCancel();
                Retry.finish(op, -Errno.ECANCELED);
                return CancelResult.CANCELED;
            }
            return op.engineState == RUNNING ? CancelResult.NOT_CANCELED : CancelResult.ALREADY_DONE;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Ends up to {@code limit} queued ops with -ECANCELED, oldest first, and gives each to
     * {@code handler} (under the pool's lock: it must not call the pool), for close. Returns
     * how many it handled. Ops that workers are running are not touched; those they put back
     * from now on end with -ECANCELED.
     */
    public int cancelQueued(Consumer<Op> handler, int limit) {
        lock.lock();
        try {
            draining = true;
            int n = 0;
            Op op;
            while (n < limit && (op = queue.poll()) != null) {
                // As a cancel through the context would: the op ends because of it.
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

    /** Runs one iteration, turning whatever it throws into -errno. */
    public static long attempt(Worker w, Op op) {
        try {
            return w.iterate(op);
        } catch (Throwable t) {
            // Errors too: a read into a large heap buffer makes the JDK allocate a temporary
            // direct buffer, which throws OutOfMemoryError when direct memory runs out. Let
            // through, it would kill the worker and leave the op without its event.
            return IoErrors.negErrno(t);
        }
    }

    /**
     * Stops the workers once the queue is empty, and waits for them. Nothing may be queued
     * after this is called. Idempotent; the caller's interrupt status is kept.
     */
    public void close() {
        List<DaemonThreads.Task> ts;
        lock.lock();
        try {
            closed = true;
            work.signalAll();
            ts = new ArrayList<>(workers);
        } finally {
            lock.unlock();
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
        long res = attempt(w, op);
        if (res == HANDED_OFF) {
            return false;
        }
        if (Retry.afterIteration(op, res) == Retry.DONE) {
            return true;
        }
        owner.retried();
        lock.lock();
        try {
            if (draining) {
                // The close cancelled the queue already: what comes back ends as it would have.
                op.forceCancel();
                Retry.finish(op, -Errno.ECANCELED);
                return true;
            }
            queue.add(op);
            // A worker takes from the queue again as soon as it returns, so it needs no one
            // woken for the op it put back (waking one would mostly find nothing to do); a
            // thread that is not a worker will not come back and must wake one.
            if (!onWorker) {
                wake(1);
            }
        } finally {
            lock.unlock();
        }
        return false;
    }

    /**
     * Signals idle workers for {@code n} new ops, then starts workers for those no idle one
     * covers (see {@link Iterations}). Lock held.
     */
    private void wake(int n) {
        int unclaimed = Math.max(0, idle - signalled);
        int signal = Math.min(n, unclaimed);
        for (int i = 0; i < signal; i++) {
            work.signal();
        }
        signalled += signal;
        int covered = iterations == Iterations.BLOCKING ? signal : Math.min(n, idle);
        for (int deficit = n - covered; deficit > 0 && workers.size() < maxWorkers && !closed; deficit--) {
            try {
                // A cached thread when one is idle (DaemonThreads): contexts opened and closed
                // in a loop do not start a thread each.
                workers.add(DaemonThreads.start(threadName + started++, this::workerLoop));
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

    /** The next op to run, marked RUNNING; null when the pool is closed and the queue empty. */
    private Op take() {
        lock.lock();
        try {
            Op op;
            while ((op = queue.poll()) == null) {
                if (closed) {
                    return null;
                }
                idle++;
                try {
                    work.awaitUninterruptibly();
                } finally {
                    idle--;
                    if (signalled > 0) {
                        signalled--;
                    }
                }
            }
            op.engineState = RUNNING;
            return op;
        } finally {
            lock.unlock();
        }
    }

    private void workerLoop() {
        Worker w = null;
        long failure = 0;
        try {
            w = newWorker.get();
        } catch (Throwable t) {
            failure = IoErrors.negErrno(t);
        }
        try {
            Op op;
            while ((op = take()) != null) {
                if (w == null) {
                    // No memory for the worker's own state: the op it took ends with the
                    // error and the worker stops (retire starts another for the rest).
                    Retry.finish(op, failure);
                    op.engineState = 0;
                    owner.finished(op);
                    return;
                }
                // An interrupt means nothing to a worker (code that enumerates threads may
                // send one), but a status left set would make the next FileChannel call
                // close its channel: clear it before each iteration.
                Thread.interrupted();
                if (step(w, op, true)) {
                    op.engineState = 0;
                    owner.finished(op);
                }
            }
        } finally {
            try {
                if (w != null) {
                    w.close();
                }
            } finally {
                retire();
            }
        }
    }

    /**
     * Forgets the calling worker. One that stops before close (its state could not be made,
     * or the owner threw) leaves the queue to the others, starting one when none is awake.
     */
    private void retire() {
        lock.lock();
        try {
            workers.removeIf(DaemonThreads.Task::isCurrent);
            if (!closed && !queue.isEmpty()) {
                wake(1);
            }
        } finally {
            lock.unlock();
        }
    }
}
