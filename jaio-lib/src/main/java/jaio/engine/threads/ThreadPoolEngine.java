package jaio.engine.threads;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import jaio.CancelResult;
import jaio.Capability;
import jaio.Errno;
import jaio.Opcode;
import jaio.RequestFlag;
import jaio.engine.IoErrors;
import jaio.spi.BufferAccess;
import jaio.spi.Capabilities;
import jaio.spi.CompletionSink;
import jaio.spi.EngineContext;
import jaio.spi.Execution;
import jaio.spi.IoEngine;
import jaio.spi.Op;
import jaio.spi.Retry;

/**
 * The portable engine (SPEC E3): positional FileChannel I/O on a bounded pool of worker
 * threads, each request driven as a state machine of iterations (seed approach 2).
 *
 * <p>Requests wait in one FIFO queue; a worker takes one, runs a single iteration (one
 * positional read or write of what remains, or one force), and either posts the event or puts
 * the request back at the tail for its next iteration. So only one iteration of a request
 * runs at a time, long transfers cannot monopolise a worker, and a cancel can catch a request
 * between iterations. Workers are started on demand up to the bound and stopped at close.
 *
 * <p>Threading: any thread may submit and cancel; workers never run user code.
 */
public final class ThreadPoolEngine implements IoEngine {
    private static final int QUEUED = 1;
    private static final int RUNNING = 2;
    private static final ThreadLocal<Op[]> INLINE = ThreadLocal.withInitial(() -> new Op[16]);

    private final CompletionSink sink;
    private final EngineContext ctx;
    private final int maxWorkers;
    private final ReentrantLock lock = new ReentrantLock();
    /**
     * Idle workers wait here. A Condition allocates a small node per wait, which at iodepth 1
     * is an allocation per request; a hand-made idle stack that avoided it woke workers that
     * a running one would have served anyway, doubling context switches and halving IOPS at
     * iodepth 32 (docs/PERFORMANCE.md), so the Condition stays.
     */
    private final Condition work = lock.newCondition();
    private final List<Thread> workers = new ArrayList<>();
    private Op head;
    private Op tail;
    private int idle;
    private boolean closed;

    ThreadPoolEngine(EngineContext ctx) {
        this.ctx = ctx;
        this.sink = ctx.sink();
        this.maxWorkers = Math.max(1, ctx.workerThreads());
    }

    static Capabilities capabilities(int workers) {
        Map<Opcode, Execution> ops = new EnumMap<>(Opcode.class);
        for (Opcode o : List.of(Opcode.PREAD, Opcode.PWRITE, Opcode.PREADV, Opcode.PWRITEV, Opcode.FSYNC, Opcode.FDSYNC)) {
            ops.put(o, Execution.WORKER);
        }
        ops.put(Opcode.NOOP, Execution.INLINE);
        return new Capabilities("threads", ops, EnumSet.of(RequestFlag.DSYNC, RequestFlag.SYNC),
                BufferAccess.THREAD_ACCESSIBLE, false, false,
                List.of("FileChannel positional I/O", "up to " + workers + " worker threads, started on demand",
                        "DSYNC/SYNC writes are followed by force()",
                        "O_DIRECT aligned to the file store's block size (FileChannel's rule)"), true)
                .withMechanisms(EnumSet.noneOf(Capability.class), Map.of(
                        Capability.SHARED_RING, "events wait in jaio's queue: taking them costs no system call",
                        Capability.PREAD_PWRITE, "FileChannel positional read, write",
                        Capability.VECTORED, "FileChannel positional read, write, a buffer at a time",
                        Capability.SYNC, "FileChannel.force",
                        Capability.NOOP_TIMEOUT, "NOOP by jaio",
                        Capability.REQUEST_FLAGS, "force() after the write",
                        Capability.THREADS, "FileChannel on a bounded pool, started on demand"));
    }

    @Override
    public Capabilities capabilities() {
        return capabilities(maxWorkers);
    }

    @Override
    public boolean needsPumping() {
        return false;
    }

    @Override
    public void submit(Op[] ops, int from, int count) {
        Op[] inline = null;
        int inlineCount = 0;
        lock.lock();
        try {
            int queued = 0;
            for (int i = from; i < from + count; i++) {
                Op op = ops[i];
                if (op.opcode == Opcode.NOOP) {
                    if (inline == null) {
                        inline = inlineScratch(count);
                    }
                    inline[inlineCount++] = op;
                    continue;
                }
                enqueue(op);
                queued++;
            }
            if (queued > 0) {
                wakeWorkers(queued);
            }
        } finally {
            lock.unlock();
        }
        for (int i = 0; i < inlineCount; i++) {
            Retry.afterIteration(inline[i], 0);
        }
        if (inlineCount > 0) {
            try {
                sink.completeBatch(inline, inlineCount);
            } finally {
                java.util.Arrays.fill(inline, 0, inlineCount, null);
            }
        }
    }

    /** The submitting thread's array for NOOPs completed at once (reused: nothing allocated per batch). */
    private static Op[] inlineScratch(int n) {
        Op[] s = INLINE.get();
        if (s.length < n) {
            s = new Op[Math.max(n, 2 * s.length)];
            INLINE.set(s);
        }
        return s;
    }

    /** Signals idle workers and starts new ones while requests outnumber them. Lock held. */
    private void wakeWorkers(int n) {
        int signal = Math.min(n, idle);
        for (int i = 0; i < signal; i++) {
            work.signal();
        }
        int deficit = n - signal;
        while (deficit > 0 && workers.size() < maxWorkers && !closed) {
            Thread t = Thread.ofPlatform().daemon().name(ctx.name() + "-worker-" + workers.size()).unstarted(this::workerLoop);
            workers.add(t);
            t.start();
            deficit--;
        }
    }

    private void enqueue(Op op) {
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

    private void unlinkQueued(Op op) {
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
                    }
                }
                if (head == null) {
                    return;
                }
                op = head;
                unlinkQueued(op);
                op.engineState = RUNNING;
            } finally {
                lock.unlock();
            }
            long res = iterate(op);
            if (Retry.afterIteration(op, res) == Retry.AGAIN) {
                ctx.counters().retries.increment();
                lock.lock();
                try {
                    enqueue(op);
                    if (idle > 0) {
                        work.signal();
                    }
                } finally {
                    lock.unlock();
                }
            } else {
                done(op);
            }
        }
    }

    private void done(Op op) {
        op.engineState = 0;
        sink.complete(op);
    }

    /** Runs one iteration: returns bytes moved (0 at end of file) or -errno. */
    private static long iterate(Op op) {
        try {
            FileChannel ch;
            switch (op.opcode) {
                case PREAD, PREADV -> {
                    ch = op.file.channel();
                    ByteBuffer v = position(op);
                    int n = ch.read(v, op.nextOffset());
                    return n < 0 ? 0 : n;
                }
                case PWRITE, PWRITEV -> {
                    ch = op.file.channel();
                    ByteBuffer v = position(op);
                    int n = ch.write(v, op.nextOffset());
                    if (n > 0 && (op.flags & (RequestFlag.DSYNC.bit() | RequestFlag.SYNC.bit())) != 0
                            && op.done + n >= op.length) {
                        ch.force((op.flags & RequestFlag.SYNC.bit()) != 0);
                    }
                    return n;
                }
                case FSYNC -> {
                    op.file.channel().force(true);
                    return 0;
                }
                case FDSYNC -> {
                    op.file.channel().force(false);
                    return 0;
                }
                case NOOP -> {
                    return 0;
                }
                default -> {
                    return -Errno.EOPNOTSUPP;
                }
            }
        } catch (IOException | RuntimeException | Error e) {
            // Errors too: a read into a large heap buffer makes the JDK allocate a temporary
            // direct buffer, which throws OutOfMemoryError when direct memory runs out. Let
            // through, it would kill the worker and leave the request without its event.
            return IoErrors.negErrno(e);
        }
    }

    /** The view of the buffer where the next byte goes, positioned at it. */
    private static ByteBuffer position(Op op) {
        long skip = op.done;
        int i = 0;
        while (i < op.segCount - 1 && skip >= op.ioSegs[i].byteSize()) {
            skip -= op.ioSegs[i].byteSize();
            i++;
        }
        ByteBuffer v = op.view(i);
        v.limit(v.capacity()).position((int) skip);
        return v;
    }

    @Override
    public CancelResult cancel(Op op) {
        lock.lock();
        try {
            if (op.engineState == QUEUED) {
                // Not started, or between iterations (bytes moved so far go in result2).
                unlinkQueued(op);
                Retry.finish(op, -Errno.ECANCELED);
            } else if (op.engineState == RUNNING) {
                return CancelResult.NOT_CANCELED;
            } else {
                return CancelResult.ALREADY_DONE;
            }
        } finally {
            lock.unlock();
        }
        done(op);
        return CancelResult.CANCELED;
    }

    @Override
    public void cancelAll() {
        List<Op> dropped = new ArrayList<>();
        lock.lock();
        try {
            while (head != null) {
                Op op = head;
                unlinkQueued(op);
                op.cancelRequested = true;
                Retry.finish(op, -Errno.ECANCELED);
                dropped.add(op);
            }
        } finally {
            lock.unlock();
        }
        for (Op op : dropped) {
            done(op);
        }
    }

    @Override
    public void close() {
        List<Thread> ts;
        lock.lock();
        try {
            closed = true;
            work.signalAll();
            ts = new ArrayList<>(workers);
        } finally {
            lock.unlock();
        }
        for (Thread t : ts) {
            if (t == Thread.currentThread()) {
                continue;
            }
            boolean interrupted = false;
            while (true) {
                try {
                    t.join();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
