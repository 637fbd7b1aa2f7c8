package jaio.engine.kaio;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Collections;
import java.util.Set;
import java.util.WeakHashMap;
import jaio.Errno;
import jaio.RequestFlag;
import jaio.engine.KernelFlags;
import jaio.linux.Aio;
import jaio.linux.Fs;
import jaio.linux.Iocb;
import jaio.linux.Iovec;
import jaio.linux.LibC;
import jaio.linux.Statx;
import jaio.spi.Counters;
import jaio.spi.Execution;
import jaio.spi.FileHandle;
import jaio.spi.Op;
import jaio.spi.Retry;

/**
 * Called only under the engine's submit lock, which guards its set of files that refuse
 * RWF_NOWAIT writes: PREAD, PWRITE, PREADV and PWRITEV on native AIO.
 *
 * <p>O_DIRECT transfers run in the kernel asynchronously. A buffered one would run
 * synchronously inside io_submit, so it goes with RWF_NOWAIT: a page-cache hit completes
 * inside io_submit without blocking, and one that comes back EAGAIN (or EOPNOTSUPP: ext4 has
 * no non-blocking buffered writes) goes to the workers. On a pipe, socket or eventfd, a
 * transfer that would block waits for readiness with a one-shot IOCB_CMD_POLL and then runs
 * again, so it holds no thread and stays cancellable. A request flagged NOWAIT is never
 * punted: its EAGAIN is its result. Short transfers are continued from where they stopped.
 */
final class KaioTransfer extends KaioOp {
    /**
     * {@link Op#engineWord} bit: the op is a transfer on a pipe, socket or eventfd that would
     * have blocked; its iocb is now a one-shot POLL for readiness, and the transfer is tried
     * again when it fires. No thread blocks, and io_cancel can stop the wait.
     */
    static final long ARMED = 2;
    /**
     * {@link Op#engineWord} bit: a readiness POLL of this op carried RESFD, so the kernel has
     * signalled the notify eventfd for it already, when it became ready: jaio does not signal
     * again when the transfer then completes (inside the io_submit that reruns it, so the
     * reaper woken by that signal finds the event).
     */
    static final long SIGNALLED = 4;

    private final boolean nowait;
    private final boolean poll;
    private final Counters counters;
    private final SlotTable slots;
    private final MemorySegment statx;
    /** Buffered files on which the kernel refused a RWF_NOWAIT write: their writes go to workers. */
    private final Set<FileHandle> noNowaitWrites = Collections.newSetFromMap(new WeakHashMap<>());

    KaioTransfer(KaioSubmitter sub) {
        super(sub);
        this.nowait = sub.probe.nowait();
        this.poll = sub.probe.poll();
        this.counters = sub.counters;
        this.slots = sub.slots;
        this.statx = sub.arena.allocate(Statx.LAYOUT);
    }

    /** In the kernel with RWF_NOWAIT and workers behind it, or on workers only where the kernel lacks RWF_NOWAIT. */
    static Execution how(KaioProbe probe) {
        return probe.nowait() ? Execution.KERNEL_NOWAIT_THEN_WORKER : Execution.WORKER;
    }

    /** A buffered transfer jaio itself tries with RWF_NOWAIT (and punts when it would block). */
    private static boolean engineNowait(Op op) {
        return !op.file.direct() && (op.flags & RequestFlag.NOWAIT.bit()) == 0;
    }

    @Override
    int route(Op op) {
        if (engineNowait(op) && (!nowait || (op.isWrite() && noNowaitWrites.contains(op.file)))) {
            return WORKER;
        }
        return op.file.direct() ? KERNEL : KERNEL_IN_SUBMIT;
    }

    @Override
    void prepare(Op op, MemorySegment t, int s) {
        int fd = op.file.fd();
        if ((op.engineWord & ARMED) != 0) {
            // With a notify eventfd this POLL carries RESFD even though its event is not yet
            // the completion: an event loop that only watches the eventfd must be woken to
            // reap it, or the transfer would never run again.
            int events = op.isRead() ? LibC.POLLIN : LibC.POLLOUT;
            if (notifyFd >= 0) {
                op.engineWord |= SIGNALLED;
            }
            Iocb.set(t, 0, s, Aio.IOCB_CMD_POLL, fd, events, 0, 0, 0, resfdFlag(), 0, resfd());
            return;
        }
        // Only O_DIRECT events are the asynchronous completion that RESFD should signal; a
        // buffered iteration completes inside io_submit and may still need another one.
        boolean direct = op.file.direct();
        int flags = direct ? resfdFlag() : 0;
        int resfd = direct ? resfd() : 0;
        int rw = KernelFlags.rw(op.flags) | (engineNowait(op) ? Fs.RWF_NOWAIT : 0);
        int prio = 0;
        if (op.priority != 0) {
            flags |= Aio.IOCB_FLAG_IOPRIO;
            prio = KernelFlags.ioprio(op.priority);
        }
        boolean read = op.isRead();
        int cmd;
        long buf;
        long nbytes;
        if (op.segCount == 1) {
            cmd = read ? Aio.IOCB_CMD_PREAD : Aio.IOCB_CMD_PWRITE;
            buf = op.ioSegs[0].address() + op.done;
            nbytes = op.remaining();
        } else {
            MemorySegment iov = slots.iovecs(s, op.segCount);
            cmd = read ? Aio.IOCB_CMD_PREADV : Aio.IOCB_CMD_PWRITEV;
            buf = iov.address();
            nbytes = Iovec.fillRemainder(iov, op.ioSegs, op.segCount, op.done);
        }
        Iocb.set(t, 0, s, cmd, fd, buf, nbytes, op.nextOffset(), rw, flags, prio, resfd);
    }

    @Override
    int complete(Op op, long res) {
        if ((op.engineWord & ARMED) != 0) {
            return onReady(op, res);
        }
        if (res == -Errno.EAGAIN && engineNowait(op) && poll && op.file.kind() != FileHandle.Kind.FILE) {
            // A pipe, socket or eventfd is not ready: wait for it in the kernel.
            op.engineWord |= ARMED;
            return AGAIN;
        }
        if ((res == -Errno.EAGAIN || res == -Errno.EOPNOTSUPP) && engineNowait(op)) {
            if (res == -Errno.EOPNOTSUPP && op.isWrite()) {
                noNowaitWrites.add(op.file);
            }
            return PUNT;
        }
        int step = Retry.afterIteration(op, res);
        if (step == Retry.AGAIN && res > 0 && op.file.direct() && op.isRead() && atEndOfFile(op)) {
            // A short O_DIRECT read that stopped at end of file: the next iteration would
            // read 0 bytes. Ending it here saves a round trip and keeps the kernel's RESFD
            // signal the only one for this request.
            step = Retry.afterIteration(op, 0);
        }
        if (step == Retry.AGAIN) {
            counters.retries.increment();
            return AGAIN;
        }
        return finished(op);
    }

    /**
     * The readiness POLL of an armed transfer fired (or was cancelled, or failed): try the
     * transfer again, or end the op.
     */
    private int onReady(Op op, long res) {
        op.engineWord &= ~ARMED;
        boolean cancelled = (op.engineWord & CANCEL_ACCEPTED) != 0;
        if (cancelled || res < 0) {
            Retry.finish(op, cancelled ? -Errno.ECANCELED : res);
            return (op.engineWord & SIGNALLED) != 0 ? DONE : DONE_SIGNAL;
        }
        // Ready, hung up or in error: the transfer itself tells which.
        return AGAIN;
    }

    /** Who signals the notify eventfd for a finished transfer: RESFD for O_DIRECT, else jaio, once. */
    private static int finished(Op op) {
        return op.file.direct() || (op.engineWord & SIGNALLED) != 0 ? DONE : DONE_SIGNAL;
    }

    @Override
    int refused(Op op, long err) {
        // This file does not take RWF_NOWAIT at all (no FMODE_NOWAIT); or it is a stream that
        // native AIO cannot write (an eventfd has no write_iter), which pwritev2 can.
        boolean streamAioCannot = err == -Errno.EINVAL && op.file.kind() != FileHandle.Kind.FILE;
        return (err == -Errno.EOPNOTSUPP || streamAioCannot) && engineNowait(op) ? PUNT : super.refused(op, err);
    }

    @Override
    boolean cancellable(Op op) {
        return (op.engineWord & ARMED) != 0;
    }

    /** Whether the op's next offset is at or past the file's end. */
    private boolean atEndOfFile(Op op) {
        int r = LibC.fstatx(op.file.fd(), Statx.STATX_SIZE, statx);
        return r >= 0 && op.nextOffset() >= statx.get(ValueLayout.JAVA_LONG, Statx.SIZE);
    }
}
