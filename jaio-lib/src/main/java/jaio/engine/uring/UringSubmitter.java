package jaio.engine.uring;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.locks.LockSupport;
import jaio.Errno;
import jaio.Opcode;
import jaio.RequestFlag;
import jaio.engine.KernelFlags;
import jaio.engine.OpBatch;
import jaio.linux.IoUring;
import jaio.linux.IoUringRings;
import jaio.linux.IoUringSqe;
import jaio.linux.Iovec;
import jaio.linux.LibC;
import jaio.linux.Timespec;
import jaio.spi.Counters;
import jaio.spi.FileHandle;
import jaio.spi.Op;
import jaio.spi.Retry;

/**
 * The submission side of the io_uring engine: each op's SQE for its next iteration, the SQ
 * flush (io_uring_enter), what a CQE means for its op (done, continued, or waiting for
 * readiness), and the completion count that TIMEOUT requests wait for.
 *
 * <p>Not thread safe: every method runs under the engine's submit lock. Finished ops are
 * collected in an {@link OpBatch} for the engine to post once its locks allow.
 */
final class UringSubmitter {
    /** user_data bit 63: an internal request, whose CQE no op waits for. */
    static final long INTERNAL = Long.MIN_VALUE;
    /** Internal: a wake-up NOP (see {@link IoUringEngine#wakeup}). */
    static final long WAKE_DATA = INTERNAL | 1;
    /** Internal: a TIMEOUT_REMOVE for a TIMEOUT whose completion count was reached. */
    static final long REMOVE_DATA = INTERNAL | 2;
    /** Internal: an ASYNC_CANCEL whose answer nobody waits for (close). */
    static final long CANCEL_ALL_DATA = INTERNAL | 3;
    /** Internal: an ASYNC_CANCEL whose answer a thread waits for; the low 32 bits are its ticket. */
    static final long CANCEL_TAG = INTERNAL | (1L << 32);
    /** The bits that tell internal kinds apart. */
    static final long KIND_MASK = 0xFFFFFFFF00000000L;

    /** {@link Op#engineState} bit: a transfer on a pipe, socket or eventfd waits for readiness (POLL_ADD). */
    static final int ARMED = 1;
    /** {@link Op#engineState} bit: a TIMEOUT's completion count was reached and its timer removed. */
    static final int COUNT_MET = 2;
    /** {@link Op#engineState} bit: a TIMEOUT waits for a completion count (see {@link #armed}). */
    static final int COUNTING = 4;

    private static final int MAX_ENTER_RETRIES = 16;

    private final UringInstance ring;
    private final IoUringRings q;
    private final UringSlots slots;
    private final Counters counters;
    private final boolean poll32;
    private final UringBuffers buffers;
    /** Registered files, or null when the context does not register them. */
    private final UringFiles files;
    /** Transfers that used a registered buffer (for tests). */
    long fixedTransfers;

    /** User ops completed by this engine since it opened; TIMEOUT counts are measured in it. */
    private long completedOps;
    /** TIMEOUTs waiting for a completion count, unordered; each has its target in engineWord. */
    private Op[] armed = new Op[4];
    private int armedCount;

    UringSubmitter(UringInstance ring, UringSlots slots, Counters counters, UringBuffers buffers, UringFiles files) {
        this.ring = ring;
        this.buffers = buffers;
        this.files = files;
        this.q = ring.rings;
        this.slots = slots;
        this.counters = counters;
        this.poll32 = ring.has(IoUring.IORING_FEAT_POLL_32BITS);
    }

    UringSlots slots() {
        return slots;
    }

    UringFiles files() {
        return files;
    }

    // ------------------------------------------------------------------ SQEs

    /**
     * Takes a slot for each op and writes its first SQE; the SQEs are published by the next
     * {@link #flush}. An op that finds no slot (impossible while the context keeps in flight
     * within its capacity) ends with -EAGAIN in {@code out}.
     */
    void start(Op[] ops, int from, int count, OpBatch out) {
        for (int i = from; i < from + count; i++) {
            Op op = ops[i];
            if (slots.take(op) < 0) {
                Retry.finish(op, -Errno.EAGAIN);
                out.add(op);
                completedOps++;
                continue;
            }
            op.engineState = 0;
            if (op.opcode == Opcode.TIMEOUT && op.timeoutCount > 0) {
                op.engineState = COUNTING;
                op.engineWord = completedOps + op.timeoutCount;
                arm(op);
            }
            prepare(op);
        }
    }

    /** Room for one more SQE, flushing the SQ to the kernel first when it is full. */
    private long sqe() {
        if (q.sqSpace() == 0) {
            flush();
            while (q.sqSpace() == 0) {
                // The kernel refused to take SQEs (short of memory): give it a moment.
                LockSupport.parkNanos(100_000L);
                flush();
            }
        }
        long at = q.nextSqe();
        q.advanceSq();
        return at;
    }

    /** Writes the SQE of {@code op}'s next iteration. */
    private void prepare(Op op) {
        int s = op.slot;
        long ud = slots.userData(s);
        long at = sqe();
        MemorySegment sqes = q.sqes;
        FileHandle f = op.file;
        int fd = f == null ? -1 : f.fd();
        int fl = 0;
        if (files != null && f != null) {
            int fixed = files.slot(f);
            if (fixed >= 0) {
                fd = fixed;
                fl = IoUring.IOSQE_FIXED_FILE;
            }
        }
        if ((op.engineState & ARMED) != 0) {
            int events = op.isRead() ? LibC.POLLIN : LibC.POLLOUT;
            IoUringSqe.set(sqes, at, IoUring.IORING_OP_POLL_ADD, fl, 0, fd, 0, 0, 0, pollMask(events), ud, 0);
            return;
        }
        switch (op.opcode) {
            case NOOP -> IoUringSqe.set(sqes, at, IoUring.IORING_OP_NOP, 0, 0, -1, 0, 0, 0, 0, ud, 0);
            case FSYNC -> IoUringSqe.set(sqes, at, IoUring.IORING_OP_FSYNC, fl, 0, fd, 0, 0, 0, 0, ud, 0);
            case FDSYNC -> IoUringSqe.set(sqes, at, IoUring.IORING_OP_FSYNC, fl, 0, fd, 0, 0, 0,
                    IoUring.IORING_FSYNC_DATASYNC, ud, 0);
            case POLL -> IoUringSqe.set(sqes, at, IoUring.IORING_OP_POLL_ADD, fl, 0, fd, 0, 0, 0,
                    pollMask(op.pollEvents), ud, 0);
            case TIMEOUT -> {
                MemorySegment ts = slots.timespec(s);
                Timespec.set(ts, op.timeoutNanos);
                // off 0: the kernel's own completion count is not used (see COUNTING).
                IoUringSqe.set(sqes, at, IoUring.IORING_OP_TIMEOUT, 0, 0, -1, 0, ts.address(), 1, 0, ud, 0);
            }
            default -> {
                int prio = KernelFlags.ioprio(op.priority);
                int rw = KernelFlags.rw(op.flags);
                boolean read = op.isRead();
                if (op.segCount == 1) {
                    long addr = op.ioSegs[0].address() + op.done;
                    int len = (int) op.remaining();
                    int bi = buffers.find(addr, len);
                    int code;
                    if (bi >= 0) {
                        code = read ? IoUring.IORING_OP_READ_FIXED : IoUring.IORING_OP_WRITE_FIXED;
                        fixedTransfers++;
                    } else {
                        code = read ? IoUring.IORING_OP_READ : IoUring.IORING_OP_WRITE;
                        bi = 0;
                    }
                    IoUringSqe.set(sqes, at, code, fl, prio, fd, op.nextOffset(), addr, len, rw, ud, bi);
                } else {
                    MemorySegment iov = slots.iovecs(s, op.segCount);
                    int n = Iovec.fillRemainder(iov, op.ioSegs, op.segCount, op.done);
                    IoUringSqe.set(sqes, at, read ? IoUring.IORING_OP_READV : IoUring.IORING_OP_WRITEV, fl, prio, fd,
                            op.nextOffset(), iov.address(), n, rw, ud, 0);
                }
            }
        }
    }

    /** A poll mask in the op_flags word: poll32_events, or the 16-bit poll_events of older kernels. */
    private int pollMask(int events) {
        return poll32 ? events : events & 0xFFFF;
    }

    /** Writes {@code n} internal NOPs carrying {@code data}. */
    void nops(int n, long data) {
        for (int i = 0; i < n; i++) {
            IoUringSqe.set(q.sqes, sqe(), IoUring.IORING_OP_NOP, 0, 0, -1, 0, 0, 0, 0, data, 0);
        }
    }

    /**
     * Writes an ASYNC_CANCEL of the request whose user_data is {@code target} (or of whatever
     * {@code flags} select), whose own CQE carries {@code data} and the kernel's answer: 0
     * found and stopped, -EALREADY running, -ENOENT not found.
     */
    void asyncCancel(long target, int flags, long data) {
        IoUringSqe.set(q.sqes, sqe(), IoUring.IORING_OP_ASYNC_CANCEL, 0, 0, -1, 0, target, 0, flags, data, 0);
    }

    /** SQEs written and not yet consumed by the kernel. */
    int pending() {
        return q.sqPending();
    }

    /**
     * Publishes the SQEs written so far and has the kernel consume them. On a partial
     * acceptance (a kernel without IORING_SETUP_SUBMIT_ALL stops after an SQE it refused,
     * whose error it posts as that SQE's CQE) it goes on from there. When the kernel takes
     * none (short of memory, or an old kernel with completions in overflow), what is left
     * stays in the ring for the next flush or for the next kernel wait, which submits it.
     */
    void flush() {
        int pending = q.sqPending();
        if (pending == 0) {
            return;
        }
        q.publishSq();
        if (ring.sqPoll()) {
            // The kernel thread takes the SQEs; it needs a call only when it went to sleep.
            if ((q.sqFlags() & IoUring.IORING_SQ_NEED_WAKEUP) != 0) {
                IoUring.enter(ring.fd, 0, 0, IoUring.IORING_ENTER_SQ_WAKEUP, 0, 0);
            }
            return;
        }
        for (int tries = 0; pending > 0 && tries < MAX_ENTER_RETRIES; tries++) {
            int r = IoUring.enter(ring.fd, pending, 0, 0, 0, 0);
            if (r < 0 && r != -Errno.EINTR) {
                counters.eagain.increment();
                return;
            }
            pending = q.sqPending();
        }
    }

    // ------------------------------------------------------------------ CQEs

    /**
     * One CQE of user op {@code op}: finishes it into {@code out}, or prepares its next
     * iteration (a short transfer's remainder, or the transfer again once a pipe is ready).
     */
    void onCqe(Op op, int res, OpBatch out) {
        if ((op.engineState & ARMED) != 0) {
            op.engineState &= ~ARMED;
            if (res < 0 || op.cancelRequested) {
                Retry.finish(op, op.cancelRequested ? -Errno.ECANCELED : res);
                done(op, out);
            } else {
                // Ready, hung up or in error: the transfer itself tells which.
                prepare(op);
            }
            return;
        }
        switch (op.opcode) {
            case TIMEOUT -> {
                if ((op.engineState & COUNTING) != 0) {
                    unarm(op);
                }
                Retry.afterIteration(op, res == -Errno.ECANCELED && (op.engineState & COUNT_MET) != 0 ? 0 : res);
                done(op, out);
            }
            case PREAD, PWRITE, PREADV, PWRITEV -> {
                if (res == -Errno.EAGAIN && !op.cancelRequested && (op.flags & RequestFlag.NOWAIT.bit()) == 0
                        && op.file.kind() != FileHandle.Kind.FILE) {
                    // A non-blocking pipe, socket or eventfd is not ready: wait for it in the kernel.
                    op.engineState |= ARMED;
                    prepare(op);
                    return;
                }
                if (Retry.afterIteration(op, res) == Retry.AGAIN) {
                    counters.retries.increment();
                    prepare(op);
                    return;
                }
                done(op, out);
            }
            default -> {
                Retry.afterIteration(op, res);
                done(op, out);
            }
        }
    }

    private void done(Op op, OpBatch out) {
        slots.release(op);
        op.engineState = 0;
        out.add(op);
        completedOps++;
    }

    /** Ends ops that never reached the kernel (the engine closed) with -ECANCELED. */
    void refuse(Op[] ops, int from, int count, OpBatch out) {
        for (int i = from; i < from + count; i++) {
            Retry.finish(ops[i], -Errno.ECANCELED);
            out.add(ops[i]);
            completedOps++;
        }
    }

    // ------------------------------------------------------------------ TIMEOUT counts

    private void arm(Op op) {
        if (armedCount == armed.length) {
            armed = java.util.Arrays.copyOf(armed, armedCount * 2);
        }
        armed[armedCount++] = op;
    }

    private void unarm(Op op) {
        for (int i = 0; i < armedCount; i++) {
            if (armed[i] == op) {
                armed[i] = armed[--armedCount];
                armed[armedCount] = null;
                return;
            }
        }
    }

    /**
     * Removes the timer of every TIMEOUT whose completion count is reached; its CQE then says
     * -ECANCELED, which {@link #onCqe} turns into 0. A timer that fires first wins (-ETIME).
     */
    void checkCounts() {
        for (int i = 0; i < armedCount; i++) {
            Op op = armed[i];
            if ((op.engineState & COUNT_MET) == 0 && completedOps >= op.engineWord) {
                op.engineState |= COUNT_MET;
                IoUringSqe.set(q.sqes, sqe(), IoUring.IORING_OP_TIMEOUT_REMOVE, 0, 0, -1, 0,
                        slots.userData(op.slot), 0, 0, REMOVE_DATA, 0);
            }
        }
    }

    boolean anyCounting() {
        return armedCount > 0;
    }
}
