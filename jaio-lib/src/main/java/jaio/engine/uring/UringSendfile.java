package jaio.engine.uring;

import java.util.ArrayDeque;
import jaio.Errno;
import jaio.linux.IoUring;
import jaio.linux.IoUringSqe;
import jaio.linux.LibC;
import jaio.linux.Splice;
import jaio.spi.Counters;
import jaio.spi.Execution;
import jaio.spi.Op;
import jaio.spi.Retry;

/**
 * Called only under the engine's submit lock: SENDFILE on io_uring. Each iteration first
 * calls sendfile(2) on the socket, which is non-blocking, from the thread that prepares the
 * SQE (the submitter, or the reaper when the op goes on): it moves what the socket takes from
 * the page cache, zero copy, and the SQE is then a NOP that ends the op, or a POLL_ADD that
 * waits in the kernel for room in the socket. That costs no kernel worker and no thread hop,
 * which is what a small response needs; like the other engines' sendfile, the call reads the
 * file synchronously, so a file not in the page cache holds the calling thread for its disk
 * read. Where sendfile(2) refuses the pair of descriptors (-EINVAL), the op goes on with
 * IORING_OP_SPLICE through a pipe it borrows from this family's pool: a splice fills the pipe
 * from the file, splices drain it into the socket (SPLICE_F_NONBLOCK: a full socket answers
 * -EAGAIN and a POLL_ADD waits), each on an io-wq worker whose count the engine caps
 * (IORING_REGISTER_IOWQ_MAX_WORKERS).
 *
 * <p>The op's scratch: {@link Op#engineState} holds the phase bits below, {@link Op#engineWord}
 * the bytes in the pipe, {@link Op#engineData} the pipe (read end, write end).
 */
final class UringSendfile extends UringOp {
    /** {@link Op#engineState}: the SQE is a POLL_ADD waiting for room in the socket. */
    private static final int ARMED = 1;
    /** {@link Op#engineState}: the SQE drains the pipe into the socket (else it fills the pipe). */
    private static final int DRAIN = 2;
    /** {@link Op#engineState}: the SQE is a NOP; the op fails with engineWord (no pipe, a failed call). */
    private static final int FAILED = 4;
    /** {@link Op#engineState}: sendfile(2) refused the descriptors; the op goes on by splices. */
    private static final int SPLICING = 8;
    /** {@link Op#engineState}: sendfile(2) sent the rest (or met end of file); the SQE is a NOP. */
    private static final int SENT = 16;
    /** The pipe size asked for: fewer round trips for large files. */
    private static final int PIPE_SIZE = 256 * 1024;
    /** Clean pipes kept for later sendfiles, at most this many. */
    private static final int POOL = 64;

    /**
     * The system property that makes every SENDFILE of engines opened from now on go by
     * splices only (for tests of that path, and to compare the two).
     */
    static final String SPLICE_ONLY = "jaio.uring.sendfileBySplice";

    private final ArrayDeque<int[]> pool = new ArrayDeque<>();
    private final boolean spliceOnly = Boolean.getBoolean(SPLICE_ONLY);
    private final Counters counters;
    private final boolean poll32;

    UringSendfile(UringSubmitter sub) {
        super(sub);
        this.counters = sub.counters();
        this.poll32 = sub.poll32();
    }

    /** Kernel, async where the kernel has SPLICE (5.7) and POLL_ADD. */
    static Execution how(UringProbe probe) {
        return probe.op(IoUring.IORING_OP_SPLICE) && probe.op(IoUring.IORING_OP_POLL_ADD)
                ? Execution.KERNEL_ASYNC : null;
    }

    @Override
    void prepare(Op op, long at, int fd, int flags, long ud) {
        if ((op.engineState & ARMED) != 0) {
            IoUringSqe.set(sqes, at, IoUring.IORING_OP_POLL_ADD, flags, 0, fd, 0, 0, 0,
                    UringPoll.mask(poll32, LibC.POLLOUT), ud, 0);
            return;
        }
        if (spliceOnly) {
            op.engineState |= SPLICING;
        }
        if ((op.engineState & SPLICING) == 0 && sendNow(op, at, fd, flags, ud)) {
            return;
        }
        int[] pipe = (int[]) op.engineData;
        if (pipe == null) {
            pipe = takePipe();
            if (pipe[0] < 0) {
                op.engineState |= FAILED;
                op.engineWord = pipe[0];
                IoUringSqe.set(sqes, at, IoUring.IORING_OP_NOP, 0, 0, -1, 0, 0, 0, 0, ud, 0);
                return;
            }
            op.engineData = pipe;
        }
        if ((op.engineState & DRAIN) != 0) {
            long inPipe = op.engineWord;
            int more = op.done + inPipe < op.length ? Splice.SPLICE_F_MORE : 0;
            IoUringSqe.set(sqes, at, IoUring.IORING_OP_SPLICE, flags, 0, fd, -1L, -1L, (int) inPipe,
                    Splice.SPLICE_F_NONBLOCK | more, ud, 0);
            IoUringSqe.setSpliceFdIn(sqes, at, pipe[0]);
            return;
        }
        int len = (int) Math.min(op.remaining(), pipe[2]);
        // The SQE's fd is the pipe here, never a registered file.
        IoUringSqe.set(sqes, at, IoUring.IORING_OP_SPLICE, flags & ~IoUring.IOSQE_FIXED_FILE, 0, pipe[1], -1L,
                op.nextOffset(), len, 0, ud, 0);
        IoUringSqe.setSpliceFdIn(sqes, at, op.file2.fd());
    }

    /**
     * One non-blocking sendfile(2) of the rest; true when the SQE was written (a NOP that ends
     * the op, or a POLL_ADD for room), false when the op must go on by splices.
     */
    private boolean sendNow(Op op, long at, int fd, int flags, long ud) {
        if (op.iterations > 0) {
            counters.retries.increment();
        }
        op.iterations++;
        long r = Splice.sendfile(op.file.fd(), op.file2.fd(), op.nextOffset(), op.remaining());
        if (r == -Errno.EINVAL || r == -Errno.ENOSYS || r == -Errno.EOPNOTSUPP) {
            op.engineState |= SPLICING;
            return false;
        }
        if (r > 0) {
            op.done += r;
        }
        if (r == -Errno.EAGAIN || (r > 0 && op.done < op.length)) {
            op.engineState |= ARMED;
            IoUringSqe.set(sqes, at, IoUring.IORING_OP_POLL_ADD, flags, 0, fd, 0, 0, 0,
                    UringPoll.mask(poll32, LibC.POLLOUT), ud, 0);
            return true;
        }
        if (r < 0) {
            op.engineState |= FAILED;
            op.engineWord = r;
        } else {
            op.engineState |= SENT;
        }
        IoUringSqe.set(sqes, at, IoUring.IORING_OP_NOP, 0, 0, -1, 0, 0, 0, 0, ud, 0);
        return true;
    }

    @Override
    int complete(Op op, int res) {
        int st = op.engineState;
        if ((st & FAILED) != 0) {
            long err = op.engineWord;
            op.engineWord = 0;
            return end(op, err);
        }
        if ((st & SENT) != 0) {
            return end(op, op.done);
        }
        if ((st & ARMED) != 0) {
            op.engineState &= ~ARMED;
            boolean cancel = op.takeCancel();
            if (res < 0 || cancel) {
                return end(op, cancel ? -Errno.ECANCELED : res);
            }
            return AGAIN;
        }
        if ((st & DRAIN) != 0) {
            if (res == -Errno.EAGAIN) {
                if (op.takeCancel()) {
                    return end(op, -Errno.ECANCELED);
                }
                op.engineState |= ARMED;
                return AGAIN;
            }
            if (res <= 0) {
                return end(op, res == 0 ? -Errno.EIO : res);
            }
            op.done += res;
            op.engineWord -= res;
            if (op.engineWord > 0) {
                counters.retries.increment();
                return op.takeCancel() ? end(op, -Errno.ECANCELED) : AGAIN;
            }
            op.engineState &= ~DRAIN;
            if (op.done >= op.length) {
                return end(op, op.done);
            }
            counters.retries.increment();
            return op.takeCancel() ? end(op, -Errno.ECANCELED) : AGAIN;
        }
        if (res < 0) {
            return end(op, res);
        }
        if (res == 0) {
            // End of file: what was sent is the answer.
            return end(op, op.done);
        }
        op.engineWord = res;
        op.engineState |= DRAIN;
        return AGAIN;
    }

    /** Ends the op with {@code res} (bytes sent, or -errno with the bytes in result2) and gives its pipe back. */
    private int end(Op op, long res) {
        if (res >= 0) {
            op.result = res;
            op.result2 = 0;
        } else {
            Retry.finish(op, res);
        }
        int[] pipe = (int[]) op.engineData;
        op.engineData = null;
        if (pipe != null) {
            if (op.engineWord == 0 && pool.size() < POOL) {
                pool.push(pipe);
            } else {
                // Bytes of this file left in it: never hand it to another request.
                LibC.close(pipe[0]);
                LibC.close(pipe[1]);
            }
        }
        op.engineWord = 0;
        return DONE;
    }

    /** A clean pipe {read end, write end, capacity}, or {-errno}. */
    private int[] takePipe() {
        int[] p = pool.poll();
        if (p != null) {
            return p;
        }
        int[] fds = new int[2];
        int r = LibC.pipe2(fds, 0);
        if (r < 0) {
            return new int[] {r};
        }
        int size = Splice.setPipeSize(fds[1], PIPE_SIZE);
        return new int[] {fds[0], fds[1], size > 0 ? size : 65536};
    }

    @Override
    void release() {
        for (int[] p : pool) {
            LibC.close(p[0]);
            LibC.close(p[1]);
        }
        pool.clear();
    }
}
