package jaio.engine.kaio;

import jaio.engine.Worker;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import jaio.CancelResult;
import jaio.Errno;
import jaio.Opcode;
import jaio.engine.IterationLength;
import jaio.engine.KernelFlags;
import jaio.engine.PoolOwner;
import jaio.engine.WorkerPool;
import jaio.linux.Iovec;
import jaio.linux.LibC;
import jaio.spi.FileHandle;
import jaio.spi.Op;

/**
 * Any thread may enqueue and cancel (the engine does so under its submit lock, and the
 * {@link WorkerPool}'s lock nests inside it); workers call the engine back with no lock held.
 * The worker threads of the native AIO engine: they run, with blocking preadv2/pwritev2, the
 * buffered transfers the kernel could not serve without blocking (RWF_NOWAIT came back
 * EAGAIN), seed approach 2 behind the F_ATOMIC fast path; and, after the context grew past
 * its kernel ring, the transfers and syncs that found the ring full; and a sync submitted while
 * nothing else of the context is in flight, which the waiting thread then runs itself.
 *
 * <p>The queue, the workers and the retry between iterations are the shared
 * {@link WorkerPool}'s; this class adds what a native AIO worker does with an op.
 *
 * <p>Pipes, sockets and eventfds come here only on kernels without RWF_NOWAIT or
 * IOCB_CMD_POLL (elsewhere they wait for readiness in the kernel), and so does a POLL the
 * kernel's aio poll refuses (a FIFO opened for reading and writing), which a worker waits
 * on with poll(2) in slices of {@link #POLL_SLICE_MILLIS}, so that a cancel or a close
 * ends it within one slice. There a read that never
 * gets data holds its worker, and the context's close waits for it, as a blocking read would.
 */
final class PuntPool {
    /** {@link Op#engineState} of an op waiting in the queue. */
    static final int QUEUED = WorkerPool.QUEUED;
    /** {@link Op#engineState} of an op a worker is running. */
    static final int RUNNING = WorkerPool.RUNNING;
    /** {@link Op#engineState} of a buffered write waiting for its file's turn. */
    static final int LANED = WorkerPool.LANED;

    /** Where workers report: an iteration to count, a finished op to post. */
    interface Owner extends PoolOwner {
    }

    private final WorkerPool pool;
    /** POLLs the workers have (queued or waiting), for close to end them. */
    private final Set<Op> polls = ConcurrentHashMap.newKeySet();
    /** How long one poll(2) of a worker waits before it looks at the op's cancel word. */
    static final int POLL_SLICE_MILLIS = 20;

    PuntPool(String name, int maxWorkers, Owner owner) {
        // BLOCKING: every punt is an iteration the kernel said would block.
        this.pool = new WorkerPool(name + "-kaio-worker-", maxWorkers, IterationLength.BLOCKING,
                () -> new PuntWorker(polls, false), owner);
    }

    int maxWorkers() {
        return pool.maxWorkers();
    }

    /**
     * Whether a thread that waits for events may run {@code op}'s iteration in a worker's
     * place: a transfer or sync on a regular file, which ends by itself; never a POLL or a
     * stream, which may wait without bound.
     */
    static boolean mayRunOnWaiter(Op op) {
        return op.opcode != Opcode.POLL && op.file != null && op.file.kind() == FileHandle.Kind.FILE;
    }

    /** A sync of one of the context's files starts in the kernel ({@link WorkerPool#syncStarted}). */
    void syncStarted() {
        pool.syncStarted();
    }

    /** Whether no op is queued, waiting for its file's turn, or running on a worker. */
    boolean idle() {
        return pool.idle();
    }

    /**
     * Caller-runs: the oldest queued op's iteration on the calling thread, a waiting platform
     * thread, when the pool lets it ({@link WorkerPool#runQueued}); true when it ran one.
     */
    boolean runQueued() {
        return pool.runQueued(WAITER_WORKER.get());
    }

    /**
     * Each waiting thread's worker for caller-runs: its iovec array is freed with the thread
     * (an automatic arena), since nothing tells when a thread stops waiting for good.
     */
    private static final ThreadLocal<PuntWorker> WAITER_WORKER =
            ThreadLocal.withInitial(() -> new PuntWorker(Set.of(), true));

    /** Queues an op for a worker. */
    void enqueue(Op op) {
        if (op.opcode == Opcode.POLL) {
            polls.add(op);
        }
        pool.enqueue(op);
    }

    /**
     * Removes {@code op} when it waits in the queue (not started, or between iterations) and
     * ends it with -ECANCELED; the caller posts it. NOT_CANCELED while a worker runs it.
     */
    CancelResult cancel(Op op) {
        CancelResult r = pool.cancel(op);
        if (r == CancelResult.CANCELED) {
            polls.remove(op);
        }
        return r;
    }

    /**
     * Ends every queued op with -ECANCELED and adds it to {@code out}; a POLL a worker waits
     * on ends within one poll slice (for close: a poll nobody answers would hold it for ever).
     */
    void cancelQueued(Completions out) {
        for (Op p : polls) {
            p.forceCancel();
        }
        pool.cancelQueued(op -> {
            polls.remove(op);
            out.add(op, true);
        }, Integer.MAX_VALUE);
    }

    /** Stops the workers once the queue is empty, and waits for them. */
    void close() {
        pool.close();
    }

    /**
     * One worker's blocking iterations, with the worker's own iovec array (enough for the
     * largest vector a request may carry), confined to its thread; or a waiting thread's, for
     * caller-runs, whose array the garbage collector frees with the thread.
     */
    private static final class PuntWorker implements Worker {
        /** Null for a waiter's worker (its array is in an automatic arena). */
        private final Arena arena;
        private final MemorySegment iov;
        private final Set<Op> polls;

        PuntWorker(Set<Op> polls, boolean waiter) {
            this.polls = polls;
            if (waiter) {
                arena = null;
                iov = Arena.ofAuto().allocate(Iovec.LAYOUT, 1024);
                return;
            }
            arena = Arena.ofConfined();
            try {
                iov = arena.allocate(Iovec.LAYOUT, 1024);
            } catch (Throwable t) {
                arena.close();
                throw t;
            }
        }

        /**
         * For a transfer, one iteration of what remains (bytes moved, 0 at EOF, or -errno); a
         * sync (which comes here when nothing else was in flight, or the kernel's ring was full) whole.
         */
        @Override
        public long iterate(Op op) {
            int fd = op.file.fd();
            if (op.opcode == Opcode.POLL) {
                try {
                    return poll(op, fd);
                } finally {
                    polls.remove(op);
                }
            }
            if (op.opcode == Opcode.FSYNC) {
                return LibC.fsync(fd);
            }
            if (op.opcode == Opcode.FDSYNC) {
                return LibC.fdatasync(fd);
            }
            int n = Iovec.fillRemainder(iov, op.ioSegs, op.segCount, op.done);
            // Pipes and other streams have no offset: -1 asks preadv2 for the current position.
            long off = op.file.kind() == FileHandle.Kind.FILE ? op.nextOffset() : -1;
            int rw = KernelFlags.rw(op.flags);
            return op.isRead() ? LibC.preadv2(fd, iov, n, off, rw) : LibC.pwritev2(fd, iov, n, off, rw);
        }

        /**
         * A POLL the kernel's aio poll refused: poll(2) in slices, looking at the cancel word
         * between them; the ready mask, or -ECANCELED, or -errno.
         */
        private static long poll(Op op, int fd) {
            while (true) {
                int r = LibC.poll1(fd, op.pollEvents & 0xFFFF, POLL_SLICE_MILLIS);
                if (r != 0 && r != -Errno.EINTR) {
                    return r;
                }
                if (op.takeCancel()) {
                    return -Errno.ECANCELED;
                }
            }
        }

        @Override
        public void close() {
            if (arena != null) {
                arena.close();
            }
        }
    }
}
