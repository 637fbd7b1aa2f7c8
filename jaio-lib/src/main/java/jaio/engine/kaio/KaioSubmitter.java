package jaio.engine.kaio;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import jaio.CancelResult;
import jaio.Errno;
import jaio.engine.OpQueue;
import jaio.linux.Aio;
import jaio.linux.IoEvent;
import jaio.spi.Counters;
import jaio.spi.Op;
import jaio.spi.Retry;

/**
 * Called under the engine's submit lock, which guards everything here except
 * {@link #inKernel} (a volatile the engine reads without it): the submission side of the
 * native AIO engine. Each op's family (found in the opcode table, {@link KaioOpcodes}) says
 * where it goes, writes its iocb and reads its event; this class runs io_submit with partial
 * acceptance and EAGAIN, the backlog, the hand-off to the workers, and cancel. Finished ops
 * are collected in a {@link Completions} for the engine to post once the lock is released.
 */
final class KaioSubmitter {
    /** {@link Op#engineState}: an iocb of the op is in the kernel. */
    static final int IN_KERNEL = 1;
    /** {@link Op#engineState}: prepared, waiting for room in the kernel (io_submit said EAGAIN). */
    static final int BACKLOG = 2;

    // ---- what the families use ----
    final KaioProbe probe;
    final int notifyFd;
    final Counters counters;
    final SlotTable slots;
    final Arena arena;

    private long ctxId;
    private final PuntPool punt;
    private final MemorySegment cancelResult;
    /** Prepared ops that found no room in the kernel's ring (only after the context grew past it, C9). */
    private final OpQueue backlog = new OpQueue(BACKLOG);
    /** The family of each opcode, by {@link jaio.Opcode#ordinal()}: built once for this engine. */
    private final KaioOp[] byOpcode;
    /**
     * User iocbs the kernel accepted whose events were not reaped yet. Written under the
     * submit lock; volatile so that a waiter reads a recent value without it (a hint for how
     * much it may ask io_getevents for).
     */
    private volatile int inKernel;

    KaioSubmitter(long ctxId, int capacity, KaioProbe probe, int notifyFd, Counters counters, PuntPool punt,
                  Arena arena) {
        this.ctxId = ctxId;
        this.probe = probe;
        this.notifyFd = notifyFd;
        this.counters = counters;
        this.punt = punt;
        this.arena = arena;
        this.slots = new SlotTable(capacity, arena);
        this.cancelResult = arena.allocate(IoEvent.LAYOUT);
        this.byOpcode = KaioOpcodes.TABLE.build(probe, this, KaioOp[]::new);
    }

    private KaioOp family(Op op) {
        return byOpcode[op.opcode.ordinal()];
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
     * Starts {@code ops[from, from + count)} where each one's family routes it: done at once,
     * to the workers, or to the kernel in one io_submit.
     *
     * @return whether some iocbs complete inside io_submit, so that their events are in the
     *         ring already
     */
    boolean submit(Op[] ops, int from, int count, Completions out) {
        boolean inSubmit = false;
        int k = 0;
        for (int i = from; i < from + count; i++) {
            Op op = ops[i];
            KaioOp f = family(op);
            int route = f.route(op);
            if (route == KaioOp.FINISHED) {
                out.add(op, true);
                continue;
            }
            if (route == KaioOp.WORKER) {
                toWorker(op);
                continue;
            }
            if (slots.take(op) < 0) {
                // Cannot happen while the context keeps in flight <= capacity.
                Retry.finish(op, -Errno.EAGAIN);
                out.add(op, true);
                continue;
            }
            prepare(op, f);
            slots.setPointer(k++, op.slot);
            inSubmit |= route == KaioOp.KERNEL_IN_SUBMIT;
        }
        if (k > 0) {
            submitPrepared(k, out);
        }
        return inSubmit;
    }

    /** Writes the op's next iteration into its slot's iocb. */
    private void prepare(Op op, KaioOp f) {
        op.engineState = IN_KERNEL;
        f.prepare(op, slots.iocb(op.slot), op.slot);
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
            if (family(op).refused(op, r) == KaioOp.PUNT) {
                toWorker(op);
            } else {
                op.engineState = 0;
                out.add(op, true);
            }
            i++;
        }
    }

    /**
     * io_submit found no room for pointer-array entries [i, k). What its family lets wait
     * (a POLL) waits in the backlog until an event frees room, or fails with -EAGAIN when
     * nothing is in the kernel that could free any; the rest runs on the workers instead
     * (transfers and syncs always finish, so nothing waits on them in vain).
     */
    private void kernelFull(int i, int k, Completions out) {
        for (int j = i; j < k; j++) {
            Op op = slots.op(slots.pointerSlot(j));
            boolean waits = family(op).waitsForRoom();
            if (waits && inKernel > 0) {
                backlog.add(op);
                continue;
            }
            slots.release(op);
            if (waits) {
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
        return inKernel == 0 && backlog.isEmpty();
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
        KaioOp f = family(op);
        int next = f.complete(op, res);
        if (next == KaioOp.AGAIN) {
            prepare(op, f);
            return true;
        }
        slots.release(op);
        if (next == KaioOp.PUNT) {
            toWorker(op);
        } else {
            op.engineState = 0;
            out.add(op, next == KaioOp.DONE_SIGNAL);
        }
        return false;
    }

    /** A sync starts: the punt pool's buffered writes run side by side for a while. */
    void syncStarted() {
        punt.syncStarted();
    }

    /**
     * Whether nothing of the context is in flight here: no iocb in the kernel or waiting for
     * room, nothing with the workers. The op being routed is not counted yet.
     */
    boolean idle() {
        return inKernel == 0 && backlog.isEmpty() && punt.idle();
    }

        /** Hands an op to the workers. */
    private void toWorker(Op op) {
        counters.punted.increment();
        punt.enqueue(op);
    }

    /** Submits the backlog again once reaping made room. */
    private void drainBacklog(Completions out) {
        if (backlog.isEmpty()) {
            return;
        }
        int k = 0;
        Op op;
        while (k < slots.size() && (op = backlog.poll()) != null) {
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
                backlog.remove(op);
                slots.release(op);
                op.forceCancel();
                Retry.finish(op, -Errno.ECANCELED);
                out.add(op, true);
                return CancelResult.CANCELED;
            }
            case PuntPool.QUEUED, PuntPool.RUNNING, PuntPool.LANED -> {
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
        // A cancel its canceller declined (it stopped waiting and answered NOT_CANCELED) must
        // not stop the op after all.
        if (!family(op).cancellable(op) || !op.cancelRequested()) {
            return false;
        }
        int r = Aio.ioCancel(ctxId, slots.iocbAddress(op.slot), cancelResult);
        if (r == 0 || r == -Errno.EINPROGRESS) {
            op.engineWord |= KaioOp.CANCEL_ACCEPTED;
            // The kernel will end it: the cancel can no longer be declined.
            op.takeCancel();
            return true;
        }
        return false;
    }

    /** Cancels every POLL in the kernel and everything queued (for close). */
    void cancelAll(Completions out) {
        for (int s = 0; s < slots.size(); s++) {
            Op op = slots.op(s);
            if (op != null && op.engineState == IN_KERNEL) {
                op.forceCancel();
                cancelInKernel(op);
            }
        }
        Op op;
        while ((op = backlog.poll()) != null) {
            op.forceCancel();
            slots.release(op);
            Retry.finish(op, -Errno.ECANCELED);
            out.add(op, true);
        }
        punt.cancelQueued(out);
    }
}
