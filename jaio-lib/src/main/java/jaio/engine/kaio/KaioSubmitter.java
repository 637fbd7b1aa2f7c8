package jaio.engine.kaio;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Collections;
import java.util.Set;
import java.util.WeakHashMap;
import jaio.CancelResult;
import jaio.Errno;
import jaio.Opcode;
import jaio.RequestFlag;
import jaio.engine.KernelFlags;
import jaio.linux.Aio;
import jaio.linux.Fs;
import jaio.linux.IoEvent;
import jaio.linux.Iocb;
import jaio.linux.Iovec;
import jaio.linux.LibC;
import jaio.linux.Statx;
import jaio.spi.Counters;
import jaio.spi.FileHandle;
import jaio.spi.Op;
import jaio.spi.Retry;

/**
 * The submission side of the native AIO engine: where each op goes (kernel, workers or done
 * at once), its iocb, io_submit with partial acceptance and EAGAIN, the backlog, and what an
 * event means for the op's next iteration.
 *
 * <p>Not thread safe: every method runs under the engine's submit lock. Finished ops are
 * collected in a {@link Completions} for the engine to post once the lock is released.
 */
final class KaioSubmitter {
    /** {@link Op#engineState}: an iocb of the op is in the kernel. */
    static final int IN_KERNEL = 1;
    /** {@link Op#engineState}: prepared, waiting for room in the kernel (io_submit said EAGAIN). */
    static final int BACKLOG = 2;
    /** {@link Op#engineWord} bit: io_cancel accepted this op's POLL. */
    private static final long CANCEL_ACCEPTED = 1;
    /**
     * {@link Op#engineWord} bit: the op is a transfer on a pipe, socket or eventfd that would
     * have blocked; its iocb is now a one-shot POLL for readiness, and the transfer is tried
     * again when it fires. No thread blocks, and io_cancel can stop the wait.
     */
    private static final long ARMED = 2;
    /**
     * {@link Op#engineWord} bit: a readiness POLL of this op carried RESFD, so the kernel has
     * signalled the notify eventfd for it already, when it became ready: jaio does not signal
     * again when the transfer then completes (inside the io_submit that reruns it, so the
     * reaper woken by that signal finds the event).
     */
    private static final long SIGNALLED = 4;

    private long ctxId;
    private final boolean nowait;
    private final boolean poll;
    private final int notifyFd;
    private final Counters counters;
    private final PuntPool punt;
    private final SlotTable slots;
    private final MemorySegment cancelResult;
    private final MemorySegment statx;
    private Op backlogHead;
    private Op backlogTail;
    /** User iocbs the kernel accepted whose events were not reaped yet; read without the lock. */
    private volatile int inKernel;
    /** Buffered files on which the kernel refused a RWF_NOWAIT write: their writes go to workers. */
    private final Set<FileHandle> noNowaitWrites = Collections.newSetFromMap(new WeakHashMap<>());

    KaioSubmitter(long ctxId, int capacity, KaioProbe probe, int notifyFd, Counters counters, PuntPool punt,
                  Arena arena) {
        this.ctxId = ctxId;
        this.nowait = probe.nowait();
        this.poll = probe.poll();
        this.notifyFd = notifyFd;
        this.counters = counters;
        this.punt = punt;
        this.slots = new SlotTable(capacity, arena);
        this.cancelResult = arena.allocate(IoEvent.LAYOUT);
        this.statx = arena.allocate(Statx.LAYOUT);
    }

    /** A buffered transfer jaio itself tries with RWF_NOWAIT (and punts when it would block). */
    static boolean engineNowait(Op op) {
        return op.isTransfer() && !op.file.direct() && (op.flags & RequestFlag.NOWAIT.bit()) == 0;
    }

    /**
     * Whether the op's kernel event is its completion, delivered asynchronously, so that
     * IOCB_FLAG_RESFD signals the notify eventfd exactly when it should. Buffered transfers
     * complete inside io_submit and may need another iteration or a worker: jaio signals
     * for them itself.
     */
    static boolean kernelSignals(Op op) {
        return !op.isTransfer() || op.file.direct();
    }

    /**
     * Makes room for {@code capacity} ops (C9). The kernel context keeps its size until the
     * engine can replace it; meanwhile what finds it full goes to the workers (see
     * {@link #kernelFull}).
     */
    void grow(int capacity) {
        slots.grow(capacity);
    }

    /** User iocbs in the kernel (a hint for how much a waiter may ask io_getevents for). */
    int inKernel() {
        return inKernel;
    }

    /**
     * Starts {@code ops[from, from + count)}: NOOP is done at once, buffered transfers that
     * cannot try RWF_NOWAIT go to the workers, the rest go to the kernel in one io_submit.
     *
     * @return whether some iocbs were buffered transfers, whose events are in the ring already
     */
    boolean submit(Op[] ops, int from, int count, Completions out) {
        boolean buffered = false;
        int k = 0;
        for (int i = from; i < from + count; i++) {
            Op op = ops[i];
            if (op.opcode == Opcode.NOOP) {
                Retry.afterIteration(op, 0);
                out.add(op, true);
                continue;
            }
            if (engineNowait(op) && (!nowait || (op.isWrite() && noNowaitWrites.contains(op.file)))) {
                toWorker(op);
                continue;
            }
            if (slots.take(op) < 0) {
                // Cannot happen while the context keeps in flight <= capacity.
                Retry.finish(op, -Errno.EAGAIN);
                out.add(op, true);
                continue;
            }
            prepare(op);
            slots.setPointer(k++, op.slot);
            buffered |= !kernelSignals(op);
        }
        if (k > 0) {
            submitPrepared(k, out);
        }
        return buffered;
    }

    /** Writes the op's next iteration into its slot's iocb. */
    private void prepare(Op op) {
        op.engineState = IN_KERNEL;
        int s = op.slot;
        MemorySegment t = slots.iocb(s);
        long base = 0;
        int fd = op.file.fd();
        int flags = 0;
        int resfd = 0;
        if (notifyFd >= 0 && kernelSignals(op)) {
            flags |= Aio.IOCB_FLAG_RESFD;
            resfd = notifyFd;
        }
        if ((op.engineWord & ARMED) != 0) {
            // With a notify eventfd this POLL carries RESFD even though its event is not yet
            // the completion: an event loop that only watches the eventfd must be woken to
            // reap it, or the transfer would never run again.
            int events = op.isRead() ? LibC.POLLIN : LibC.POLLOUT;
            if (notifyFd >= 0) {
                op.engineWord |= SIGNALLED;
                Iocb.set(t, base, s, Aio.IOCB_CMD_POLL, fd, events, 0, 0, 0, Aio.IOCB_FLAG_RESFD, 0, notifyFd);
            } else {
                Iocb.set(t, base, s, Aio.IOCB_CMD_POLL, fd, events, 0, 0, 0, 0, 0, 0);
            }
            return;
        }
        switch (op.opcode) {
            case FSYNC -> Iocb.set(t, base, s, Aio.IOCB_CMD_FSYNC, fd, 0, 0, 0, 0, flags, 0, resfd);
            case FDSYNC -> Iocb.set(t, base, s, Aio.IOCB_CMD_FDSYNC, fd, 0, 0, 0, 0, flags, 0, resfd);
            case POLL -> Iocb.set(t, base, s, Aio.IOCB_CMD_POLL, fd, op.pollEvents & 0xFFFF, 0, 0, 0, flags, 0, resfd);
            default -> {
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
                Iocb.set(t, base, s, cmd, fd, buf, nbytes, op.nextOffset(), rw, flags, prio, resfd);
            }
        }
    }

    /**
     * io_submit of pointer-array entries [0, k), never losing or duplicating one: a partial
     * acceptance is continued from the first refused iocb, whose error (from the next call)
     * becomes its event. EAGAIN (no room in the kernel's ring) cannot happen while the ring
     * holds the context's capacity; after the context grew, see {@link #kernelFull}.
     */
    private void submitPrepared(int k, Completions out) {
        int i = 0;
        int interrupted = 0;
        while (i < k) {
            long r = Aio.ioSubmit(ctxId, k - i, slots.pointers(), i * (long) Long.BYTES);
            if (r > 0) {
                inKernel += (int) r;
                i += (int) r;
                continue;
            }
            if (r == -Errno.EINTR && ++interrupted < Retry.MAX_STALLS) {
                continue;
            }
            if (r == -Errno.EAGAIN || r == 0) {
                // The kernel's ring is full: only after the context grew past it (C9).
                kernelFull(i, k, out);
                return;
            }
            Op op = slots.op(slots.pointerSlot(i));
            slots.release(op);
            if (r == -Errno.EOPNOTSUPP && engineNowait(op)) {
                // This file does not take RWF_NOWAIT at all (no FMODE_NOWAIT).
                toWorker(op);
            } else {
                op.engineState = 0;
                Retry.finish(op, r);
                out.add(op, true);
            }
            i++;
        }
    }

    /**
     * io_submit found no room for pointer-array entries [i, k). Transfers and syncs run on the
     * workers instead (they always finish, so nothing waits on them in vain); a POLL waits in
     * the backlog until an event frees room, or fails with -EAGAIN when nothing is in the
     * kernel that could free any.
     */
    private void kernelFull(int i, int k, Completions out) {
        for (int j = i; j < k; j++) {
            Op op = slots.op(slots.pointerSlot(j));
            if (op.opcode == Opcode.POLL && inKernel > 0) {
                toBacklog(op);
                continue;
            }
            slots.release(op);
            if (op.opcode == Opcode.POLL) {
                op.engineState = 0;
                Retry.finish(op, -Errno.EAGAIN);
                out.add(op, true);
            } else {
                toWorker(op);
            }
        }
    }

    /** Whether nothing is in the kernel or waiting for it (so the context may be replaced). */
    boolean quiescent() {
        return inKernel == 0 && backlogHead == null;
    }

    /** Sends later submissions to another kernel context (a larger one, after C9). Only when {@link #quiescent}. */
    void useContext(long ctx) {
        this.ctxId = ctx;
    }

    /**
     * Handles the events of {@code n} user iocbs: each op is finished (into {@code out}),
     * punted, or continued; continuations and the backlog are submitted again.
     */
    void onEvents(long[] data, long[] res, int n, Completions out) {
        int k = 0;
        int user = 0;
        for (int i = 0; i < n; i++) {
            if (data[i] == KaioEngine.WAKE_DATA) {
                continue;
            }
            user++;
            Op op = slots.op((int) data[i]);
            if (onEvent(op, res[i], out)) {
                slots.setPointer(k++, op.slot);
            }
        }
        inKernel -= user;
        if (k > 0) {
            submitPrepared(k, out);
        }
        drainBacklog(out);
    }

    /** One event of {@code op}: true when its next iteration was prepared for resubmission. */
    private boolean onEvent(Op op, long res, Completions out) {
        if ((op.engineWord & ARMED) != 0) {
            return onReady(op, res, out);
        }
        if (op.opcode == Opcode.POLL && op.cancelRequested && (res == 0 || (op.engineWord & CANCEL_ACCEPTED) != 0)) {
            // A cancelled poll completes with an empty mask.
            res = -Errno.ECANCELED;
        }
        if (op.isTransfer()) {
            if (res == -Errno.EAGAIN && engineNowait(op) && poll && op.file.kind() != FileHandle.Kind.FILE) {
                // A pipe, socket or eventfd is not ready: wait for it in the kernel.
                op.engineWord |= ARMED;
                prepare(op);
                return true;
            }
            if ((res == -Errno.EAGAIN || res == -Errno.EOPNOTSUPP) && engineNowait(op)) {
                if (res == -Errno.EOPNOTSUPP && op.isWrite()) {
                    noNowaitWrites.add(op.file);
                }
                slots.release(op);
                toWorker(op);
                return false;
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
                prepare(op);
                return true;
            }
        } else {
            Retry.afterIteration(op, res);
        }
        slots.release(op);
        op.engineState = 0;
        out.add(op, !kernelSignals(op) && (op.engineWord & SIGNALLED) == 0);
        return false;
    }

    /**
     * The readiness POLL of an armed transfer fired (or was cancelled, or failed): try the
     * transfer again, or end the op.
     */
    private boolean onReady(Op op, long res, Completions out) {
        op.engineWord &= ~ARMED;
        if ((op.engineWord & CANCEL_ACCEPTED) != 0 || res < 0) {
            Retry.finish(op, (op.engineWord & CANCEL_ACCEPTED) != 0 ? -Errno.ECANCELED : res);
            slots.release(op);
            op.engineState = 0;
            out.add(op, (op.engineWord & SIGNALLED) == 0);
            return false;
        }
        // Ready, hung up or in error: the transfer itself tells which.
        prepare(op);
        return true;
    }

    /** Whether the op's next offset is at or past the file's end. */
    private boolean atEndOfFile(Op op) {
        int r = LibC.fstatx(op.file.fd(), Statx.STATX_SIZE, statx);
        return r >= 0 && op.nextOffset() >= statx.get(ValueLayout.JAVA_LONG, Statx.SIZE);
    }

    /** Hands an op to the workers. */
    private void toWorker(Op op) {
        counters.punted.increment();
        punt.enqueue(op);
    }

    // ------------------------------------------------------------------ backlog

    private void toBacklog(Op op) {
        op.engineState = BACKLOG;
        op.enext = null;
        op.eprev = backlogTail;
        if (backlogTail != null) {
            backlogTail.enext = op;
        } else {
            backlogHead = op;
        }
        backlogTail = op;
    }

    private void unlinkBacklog(Op op) {
        if (op.eprev != null) {
            op.eprev.enext = op.enext;
        } else {
            backlogHead = op.enext;
        }
        if (op.enext != null) {
            op.enext.eprev = op.eprev;
        } else {
            backlogTail = op.eprev;
        }
        op.enext = null;
        op.eprev = null;
        op.engineState = 0;
    }

    /** Submits the backlog again once reaping made room. */
    private void drainBacklog(Completions out) {
        if (backlogHead == null) {
            return;
        }
        int k = 0;
        while (backlogHead != null && k < slots.size()) {
            Op op = backlogHead;
            unlinkBacklog(op);
            op.engineState = IN_KERNEL;
            slots.setPointer(k++, op.slot);
        }
        submitPrepared(k, out);
    }

    // ------------------------------------------------------------------ cancel

    /**
     * Cancels where the op is: io_cancel for a POLL in the kernel (the only kind it cancels;
     * its event still comes through the ring), removal from the backlog or the workers' queue
     * (the op ends with -ECANCELED and goes to {@code out}).
     */
    CancelResult cancel(Op op, Completions out) {
        switch (op.engineState) {
            case IN_KERNEL -> {
                return cancelInKernel(op) ? CancelResult.CANCELED : CancelResult.NOT_CANCELED;
            }
            case BACKLOG -> {
                unlinkBacklog(op);
                slots.release(op);
                Retry.finish(op, -Errno.ECANCELED);
                out.add(op, true);
                return CancelResult.CANCELED;
            }
            case PuntPool.QUEUED, PuntPool.RUNNING -> {
                CancelResult r = punt.cancel(op);
                if (r == CancelResult.CANCELED) {
                    out.add(op, true);
                }
                return r;
            }
            default -> {
                return CancelResult.ALREADY_DONE;
            }
        }
    }

    private boolean cancelInKernel(Op op) {
        if (op.opcode != Opcode.POLL && (op.engineWord & ARMED) == 0) {
            return false;
        }
        int r = Aio.ioCancel(ctxId, slots.iocbAddress(op.slot), cancelResult);
        if (r == 0 || r == -Errno.EINPROGRESS) {
            op.engineWord |= CANCEL_ACCEPTED;
            return true;
        }
        return false;
    }

    /** Cancels every POLL in the kernel and everything queued (for close). */
    void cancelAll(Completions out) {
        for (int s = 0; s < slots.size(); s++) {
            Op op = slots.op(s);
            if (op != null && op.engineState == IN_KERNEL) {
                op.cancelRequested = true;
                cancelInKernel(op);
            }
        }
        while (backlogHead != null) {
            Op op = backlogHead;
            op.cancelRequested = true;
            cancel(op, out);
        }
        punt.cancelQueued(out);
    }
}
