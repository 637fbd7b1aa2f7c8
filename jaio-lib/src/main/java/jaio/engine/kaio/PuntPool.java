package jaio.engine.kaio;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import jaio.CancelResult;
import jaio.Errno;
import jaio.Opcode;
import jaio.engine.KernelFlags;
import jaio.linux.Aio;
import jaio.linux.Iovec;
import jaio.linux.LibC;
import jaio.spi.FileHandle;
import jaio.spi.Op;
import jaio.spi.Retry;

/**
 * The worker threads of the native AIO engine: they run, with blocking preadv2/pwritev2,
 * the buffered transfers the kernel could not serve without blocking (RWF_NOWAIT came back
 * EAGAIN), seed approach 2 behind the F_ATOMIC fast path; and, after the context grew past
 * its kernel ring, the transfers and syncs that found the ring full.
 *
 * <p>Punted ops wait in one FIFO queue. A worker takes one, runs one iteration of what
 * remains, and calls {@link Retry#afterIteration}: the remainder of a short transfer goes
 * back to the tail of the queue, a finished op goes to the engine. So a cancel can catch an
 * op between iterations, and only one iteration of an op runs at a time. Threads are started
 * on demand up to the bound and stopped at close.
 *
 * <p>Pipes, sockets and eventfds come here only on kernels without RWF_NOWAIT or
 * IOCB_CMD_POLL (elsewhere they wait for readiness in the kernel). There a read that never
 * gets data holds its worker, and the context's close waits for it, as a blocking read would.
 *
 * <p>Threading: any thread may enqueue and cancel (the engine does so under its submit
 * lock; this class's lock nests inside it); workers call the engine back with no lock held.
 */
final class PuntPool {
    /** {@link Op#engineState} of an op waiting in the queue. */
    static final int QUEUED = 3;
    /** {@link Op#engineState} of an op a worker is running. */
    static final int RUNNING = 4;

    /** Where workers report: an iteration to count, a finished op to post. */
    interface Owner {
        void retried();

        void finished(Op op);
    }

    private final String name;
    private final int maxWorkers;
    private final Owner owner;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition work = lock.newCondition();
    private final List<Thread> workers = new ArrayList<>();
    private Op head;
    private Op tail;
    private int idle;
    /** Signals sent to idle workers that have not woken yet: each wakes one worker for one op. */
    private int signalled;
    private boolean closed;

    PuntPool(String name, int maxWorkers, Owner owner) {
        this.name = name;
        this.maxWorkers = Math.max(1, maxWorkers);
        this.owner = owner;
    }

    int maxWorkers() {
        return maxWorkers;
    }

    /** Queues an op for a worker. */
    void enqueue(Op op) {
        lock.lock();
        try {
            append(op);
            if (idle > signalled) {
                signalled++;
                work.signal();
            } else if (workers.size() < maxWorkers && !closed) {
                Thread t = Thread.ofPlatform().daemon().name(name + "-kaio-worker-" + workers.size())
                        .unstarted(this::workerLoop);
                workers.add(t);
                t.start();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Removes {@code op} when it waits in the queue (not started, or between iterations) and
     * ends it with -ECANCELED; the caller posts it. NOT_CANCELED while a worker runs it.
     */
    CancelResult cancel(Op op) {
        lock.lock();
        try {
            if (op.engineState == QUEUED) {
                unlink(op);
                Retry.finish(op, -Errno.ECANCELED);
                return CancelResult.CANCELED;
            }
            return op.engineState == RUNNING ? CancelResult.NOT_CANCELED : CancelResult.ALREADY_DONE;
        } finally {
            lock.unlock();
        }
    }

    /** Ends every queued op with -ECANCELED and adds it to {@code out}. */
    void cancelQueued(Completions out) {
        lock.lock();
        try {
            while (head != null) {
                Op op = head;
                unlink(op);
                Retry.finish(op, -Errno.ECANCELED);
                out.add(op, true);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Stops the workers once the queue is empty, and waits for them. */
    void close() {
        List<Thread> ts;
        lock.lock();
        try {
            closed = true;
            work.signalAll();
            ts = new ArrayList<>(workers);
        } finally {
            lock.unlock();
        }
        boolean interrupted = false;
        for (Thread t : ts) {
            while (t != Thread.currentThread()) {
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

    private void append(Op op) {
        op.engineState = QUEUED;
        op.enext = null;
        op.eprev = tail;
        if (tail != null) {
            tail.enext = op;
        } else {
            head = op;
        }
        tail = op;
    }

    private void unlink(Op op) {
        if (op.eprev != null) {
            op.eprev.enext = op.enext;
        } else {
            head = op.enext;
        }
        if (op.enext != null) {
            op.enext.eprev = op.eprev;
        } else {
            tail = op.eprev;
        }
        op.enext = null;
        op.eprev = null;
        op.engineState = 0;
    }

    private void workerLoop() {
        // The worker's own iovec array: enough for the largest vector a request may carry.
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment iov = arena.allocate(Iovec.LAYOUT, 1024);
            while (true) {
                Op op;
                lock.lock();
                try {
                    while (head == null && !closed) {
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
                    if (head == null) {
                        return;
                    }
                    op = head;
                    unlink(op);
                    op.engineState = RUNNING;
                } finally {
                    lock.unlock();
                }
                long res = iterate(op, iov);
                if (Retry.afterIteration(op, res) == Retry.AGAIN) {
                    owner.retried();
                    lock.lock();
                    try {
                        append(op);
                    } finally {
                        lock.unlock();
                    }
                } else {
                    op.engineState = 0;
                    owner.finished(op);
                }
            }
        }
    }

    /**
     * One blocking iteration: for a transfer, of what remains (bytes moved, 0 at EOF, or
     * -errno); a sync (which reaches the workers only when the kernel's ring was full) whole.
     */
    private static long iterate(Op op, MemorySegment iov) {
        int fd = op.file.fd();
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
}
