package jaio.engine.uring;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import jaio.CancelResult;
import jaio.engine.KernelEngine;
import jaio.engine.OpBatch;
import jaio.linux.IoUring;
import jaio.linux.IoUringGeteventsArg;
import jaio.linux.IoUringRings;
import jaio.linux.Timespec;
import jaio.spi.Capabilities;
import jaio.spi.EngineContext;
import jaio.spi.EngineOptions;
import jaio.spi.Op;

/**
 * Any thread may call it, under {@link KernelEngine}'s two locks: the io_uring engine
 * (E1), where every request kind runs in the kernel, asynchronously, with the submission and
 * completion rings in memory shared with it.
 *
 * <p><b>Submitting</b>: under the submit lock the ops of a batch take their slots and their
 * SQEs are written into the mapped SQ ring, each by its opcode's family
 * ({@link UringOpcodes}), then one io_uring_enter hands the whole batch to the kernel. A
 * buffered read of cached data completes inside that call; what would block the kernel
 * finishes on its own workers. With SQPOLL a kernel thread takes the SQEs instead, and
 * io_uring_enter is needed only to wake it.
 *
 * <p><b>Reaping</b> (C11, C4): whoever holds the reap lock takes CQEs from the mapped CQ ring
 * without a system call ({@link #harvest}), or waits in the kernel for at least N
 * ({@link #waitForCompletions}: io_uring_enter with GETEVENTS and an EXT_ARG timeout). The
 * waiter keeps the lock during the wait, so nobody else moves the CQ head meanwhile, which is
 * what makes the wake-up exact. A continuation (a short transfer's remainder, or a transfer
 * that waited for readiness) is prepared while its CQE is processed and submitted right after
 * (E4). When the kernel kept completions back because the CQ ring was full
 * (IORING_FEAT_NODROP), the reaper flushes them with io_uring_enter and takes them too.
 *
 * <p><b>Waking the waiter</b>: the kernel waits until min_complete CQEs are past the head it
 * saw on entry; a wake-up is as many internal NOPs as the waiter asked for, whose CQEs are
 * swallowed by whoever reaps them ({@link jaio.engine.KernelWake}).
 *
 * <p><b>Cancel</b> (C7): an IORING_OP_ASYNC_CANCEL whose own CQE carries the kernel's answer,
 * which {@link #cancel} waits for: found and stopped (CANCELED; the op's CQE follows with
 * -ECANCELED), running (NOT_CANCELED), or not in the kernel (ALREADY_DONE; between
 * iterations the op stops at the next one, since the context has set its cancel flag).
 * IORING_REGISTER_SYNC_CANCEL is not used: after a request it found running completes, it
 * answers 0, the same as for one it stopped.
 */
public final class IoUringEngine extends KernelEngine<OpBatch> {
    /** Most wake-up NOPs posted at once, and so the most a waiter asks the kernel for. */
    static final int MAX_WAKE = 128;
    /** Registered-file slots per context (with IoContext.Builder.registerFiles). */
    static final int FILE_SLOTS = 1024;
    /** CQEs processed per pass, so that one pass never holds the submit lock for long. */
    private static final int MAX_BATCH = 1024;
    /** How long a close waits for its drain marker before it gives the ring up instead of parking it. */
    static final long DRAIN_WAIT_NANOS = 50_000_000L;
    /** Times a cancel the kernel answers "in progress" is sent, at most (about 20 ms in all). */
    private static final int CANCEL_ATTEMPTS = 20;
    private static final long CANCEL_RETRY_NANOS = 1_000_000L;

    private final Capabilities caps;
    private final UringProbe probe;
    /** The cap on the ring's unbounded io-wq workers (splices of SENDFILE). */
    static final int IOWQ_UNBOUNDED = 8;

    private final Arena arena;
    private final UringInstance ring;
    private final IoUringRings q;
    private final UringSlots slots;
    private final UringSubmitter sub;
    /**
     * Whether the ring may be parked for reuse at close ({@link UringRingPool}): any thread
     * may use it (not single-issuer), no SQPOLL thread, no registered files or buffers. With
     * the setup it was asked for (the pool's key).
     */
    private final boolean poolable;
    private final int sqAsked;
    private final int cqAsked;

    // ---- under the reap lock ----
    private final MemorySegment waitArg;
    private final MemorySegment waitTs;
    /** Times the reaper had the kernel flush completions kept in overflow (for tests). */
    private long overflowFlushes;

    /** Threads waiting for the answer to their cancel; under the submit lock. */
    private final UringCancel cancels = new UringCancel();
    /** What a thread waiting for its cancel's answer has the engine do. */
    private final UringCancel.Reaper cancelReaper = new UringCancel.Reaper() {
        @Override
        public boolean tryReap() {
            if (!reapLock.tryLock()) {
                return false;
            }
            try {
                if (pendingSqes() > 0) {
                    flushLocked();
                }
                drainLocked(false);
            } finally {
                reapLock.unlock();
            }
            return true;
        }

        @Override
        public void wakeLeader() {
            // The leader may wait in the kernel for more than the one CQE: make it return.
            postWakeups(Math.max(1, wake.waiterMin()));
        }
    };

    IoUringEngine(EngineContext ectx, UringProbe probe) throws IOException {
        this(ectx, probe, 0, 0);
    }

    /**
     * @param sqEntries SQ ring size, or 0 for the right one; tests pass small rings
     * @param cqEntries CQ ring size, or 0 for the right one; tests pass less to overfill it
     */
    IoUringEngine(EngineContext ectx, UringProbe probe, int sqEntries, int cqEntries) throws IOException {
        // The context signals the notify eventfd: a registered one would count internal CQEs.
        super(ectx, MAX_WAKE, -1, false, OpBatch::new, 64);
        this.probe = probe;
        EngineOptions options = ectx.options();
        int capacity = ectx.capacity();
        int sq = sqEntries > 0 ? sqEntries : Math.min(pow2(capacity), 4096);
        // Room for every op the context may have in the kernel plus the wake-ups, so that in
        // steady state nothing overflows; the kernel keeps whatever does (NODROP).
        int cq = cqEntries > 0 ? cqEntries : Math.min(Math.max(2 * sq, pow2(capacity + 2 * wakeMax)), IoUring.MAX_CQ_ENTRIES);
        this.arena = Arena.ofShared();
        this.poolable = !options.sqPoll() && !options.singleIssuer() && options.buffers().isEmpty()
                && !options.registerFiles();
        this.sqAsked = sq;
        this.cqAsked = cq;
        UringInstance.Opened opened;
        boolean reused = false;
        try {
            UringInstance parked = poolable ? UringRingPool.take(sq, cq, probe.flagSet(), arena) : null;
            reused = parked != null;
            opened = reused ? new UringInstance.Opened(parked, null) : UringInstance.open(sq, cq, probe.flagSet(), options, arena);
        } catch (IOException | RuntimeException e) {
            arena.close();
            throw e;
        }
        this.ring = opened.ring();
        this.q = ring.rings;
        UringBuffers bufs;
        UringFiles files;
        String indexRefused;
        try {
            this.slots = new UringSlots(capacity, arena);
            bufs = UringBuffers.register(ring.fd, options.buffers(), arena);
            files = options.registerFiles() ? UringFiles.open(ring.fd, FILE_SLOTS, arena) : null;
            this.sub = new UringSubmitter(ring, slots, ectx.counters(), bufs, files, probe);
            // A splice to a socket or pipe is unbounded io-wq work: each blocked one holds a
            // kernel worker, and uncapped a busy server can make thousands. Before 5.15 the
            // kernel refuses the cap (-EINVAL); SENDFILE then still works, uncapped.
            if (!reused) {
                // A parked ring keeps the cap it was given.
                IoUring.setIoWqMaxWorkers(ring.fd, 0, IOWQ_UNBOUNDED, null);
            }
            // The owner thread names the ring by index from now on (the context is opened on it).
            indexRefused = options.singleIssuer() ? ring.registerForThisThread() : null;
            this.waitArg = arena.allocate(IoUringGeteventsArg.LAYOUT);
            this.waitTs = arena.allocate(Timespec.LAYOUT);
        } catch (RuntimeException | Error e) {
            // Out of memory for the slots, say: give the ring back before failing.
            arena.close();
            ring.close();
            throw e;
        }
        this.caps = UringCapabilities.of(probe, new UringCapabilities.Options(files != null,
                files == null ? 0 : files.size(), files == null ? null : files.refused,
                options.buffers().size(), bufs.refused, ring.sqPoll(), options.sqPollIdleMillis(), opened.sqPollRefused(),
                options.singleIssuer(), ring.flags, indexRefused));
    }

    static int pow2(int n) {
        return n <= 1 ? 1 : Integer.highestOneBit(n - 1) << 1;
    }

    @Override
    public Capabilities capabilities() {
        return caps;
    }

    @Override
    public boolean boundToOpeningThread() {
        return ring.singleIssuer();
    }

    // ---- for tests and reports ----

    int sqEntries() {
        return q.sqEntries;
    }

    int cqEntries() {
        return q.cqEntries;
    }

    /** Whether a kernel thread polls the SQ (SQPOLL was asked for and granted). */
    boolean sqPolling() {
        return ring.sqPoll();
    }

    /** Transfers that took the registered-buffer path. */
    long fixedTransfers() {
        return underSubmitLock(() -> sub.fixedTransfers);
    }

    /** Times the SQPOLL thread had gone to sleep and a flush woke it. */
    long sqWakeups() {
        return underSubmitLock(() -> sub.sqWakeups);
    }

    /** Files registered now. */
    int registeredFiles() {
        return (int) underSubmitLock(() -> sub.files() == null ? 0 : sub.files().registered());
    }

    private long underSubmitLock(LongSupplier read) {
        submitLock.lock();
        try {
            return read.getAsLong();
        } finally {
            submitLock.unlock();
        }
    }

    long overflowFlushes() {
        reapLock.lock();
        try {
            return overflowFlushes;
        } finally {
            reapLock.unlock();
        }
    }

    // ------------------------------------------------------------------ submit

    @Override
    protected boolean startLocked(Op[] ops, int from, int count, OpBatch out) {
        sub.start(ops, from, count, out);
        sub.flush();
        return false;
    }

    /** Writes the batch's SQEs and lets the wait's own io_uring_enter submit them (C8). */
    @Override
    public void submitAndWait(Op[] ops, int from, int count, int minComplete, long timeoutNanos) {
        OpBatch out = localBatch();
        reapLock.lock();
        try {
            boolean open;
            submitLock.lock();
            try {
                open = !closed();
                if (open) {
                    sub.start(ops, from, count, out);
                } else {
                    refuseLocked(ops, from, count, out);
                }
            } finally {
                submitLock.unlock();
            }
            post(out, false);
            if (open) {
                waitTurnLocked(minComplete, timeoutNanos, true);
            }
        } finally {
            reapLock.unlock();
        }
    }

    // ------------------------------------------------------------------ reaping

    @Override
    protected int inKernel() {
        return slots.used();
    }

    /**
     * Waits in the kernel for at least {@code need} CQEs, unless something is there already
     * or was posted outside this wait, then takes what came. With {@code submitting}, the
     * SQEs written by submit-and-wait go to the kernel in the same call.
     */
    @Override
    protected void awaitLocked(int need, boolean early, long timeoutNanos, boolean submitting) {
        boolean ready = q.cqReady() > 0 || overflowed();
        if (early || ready || timeoutNanos == 0) {
            if (submitting) {
                flushLocked();
            }
            if (ready || submitting) {
                drainLocked(true);
            }
            return;
        }
        int toSubmit = pendingSqes();
        if (timeoutNanos > 0) {
            Timespec.set(waitTs, timeoutNanos);
            IoUringGeteventsArg.set(waitArg, waitTs.address());
        } else {
            IoUringGeteventsArg.set(waitArg, 0);
        }
        // EBUSY/EAGAIN (completions in overflow the kernel could not flush, no memory to
        // submit), ETIME and EINTR all end the wait the same way: take what is there.
        ring.enterUncaptured(toSubmit, need, IoUring.IORING_ENTER_GETEVENTS | IoUring.IORING_ENTER_EXT_ARG,
                waitArg.address(), IoUringGeteventsArg.SIZE);
        drainLocked(true);
    }

    private void flushLocked() {
        submitLock.lock();
        try {
            sub.flush();
        } finally {
            submitLock.unlock();
        }
    }

    /** SQEs written but not yet consumed (left by a refused flush, or by submit-and-wait). */
    private int pendingSqes() {
        submitLock.lock();
        try {
            if (ring.sqPoll()) {
                // The kernel thread takes them; wake it if it sleeps.
                sub.flush();
                return 0;
            }
            if (sub.pending() > 0) {
                // Publish them: the io_uring_enter that follows hands them over.
                q.publishSq();
            }
            return sub.pending();
        } finally {
            submitLock.unlock();
        }
    }

    /**
     * Single issuer: whether completion work may wait for this task to enter the kernel (with
     * TASKRUN_FLAG the kernel says so in the SQ flags; without it, any time may).
     */
    private boolean taskWorkWaits() {
        return ring.taskWorkDeferred() && (!ring.taskrunFlag() || (q.sqFlags() & IoUring.IORING_SQ_TASKRUN) != 0);
    }

    /** Whether the kernel holds completions the CQ ring had no room for. */
    private boolean overflowed() {
        return (q.sqFlags() & IoUring.IORING_SQ_CQ_OVERFLOW) != 0;
    }

    /** Takes every CQE in the ring, and those the kernel kept in overflow, and posts what finished. */
    @Override
    protected int drainLocked(boolean leader) {
        int user = 0;
        // A few passes: continuations (and removed timers) complete inside the io_uring_enter
        // that submits them, so their CQEs are in the ring by the end of a pass.
        for (int pass = 0; pass < 4; pass++) {
            int n = q.cqReady();
            if (n == 0 && taskWorkWaits()) {
                // DEFER_TASKRUN (or COOP_TASKRUN): completions reach the ring only when the
                // owner, the only thread that reaps, enters the kernel for them.
                ring.enterNoWait(0, IoUring.IORING_ENTER_GETEVENTS);
                n = q.cqReady();
            }
            if (n == 0 && overflowed()) {
                overflowFlushes++;
                ring.enterNoWait(0, IoUring.IORING_ENTER_GETEVENTS);
                n = q.cqReady();
            }
            if (n == 0) {
                break;
            }
            user += process(Math.min(n, MAX_BATCH), leader);
        }
        return user;
    }

    /** Handles the {@code n} oldest CQEs, gives their slots back to the kernel, then posts. */
    private int process(int n, boolean leader) {
        int wakes = 0;
        int user = 0;
        submitLock.lock();
        try {
            for (int i = 0; i < n; i++) {
                long cqe = q.cqe(i);
                long data = q.cqeUserData(cqe);
                if (data < 0) {
                    wakes += sub.internalCqe(data, q.cqeRes(cqe), cancels);
                    continue;
                }
                Op op = slots.lookup(data);
                if (op == null) {
                    continue;
                }
                user++;
                sub.onCqe(op, q.cqeRes(cqe), reaped);
            }
            q.consumeCq(n);
            sub.afterCqes();
            sub.flush();
        } finally {
            submitLock.unlock();
        }
        reaped(reaped, wakes, leader);
        return user;
    }

    /** Submits {@code n} wake-up NOPs, which complete at once. */
    @Override
    protected int postWakeupsLocked(int n) {
        sub.nops(n, UringSubmitter.WAKE_DATA);
        sub.flush();
        return n;
    }

    @Override
    protected void resizeLocked(int newCapacity) {
        // The CQ ring keeps its size: what it cannot hold waits in the kernel's overflow
        // list (NODROP) until the reaper flushes it.
        slots.grow(newCapacity);
    }

    // ------------------------------------------------------------------ cancel and close

    /**
     * Cancels with IORING_OP_ASYNC_CANCEL and returns the kernel's answer, taken from the
     * cancel's own CQE (see {@link UringCancel}): found and stopped (CANCELED; the op's CQE
     * follows with -ECANCELED), running (-EALREADY: NOT_CANCELED), not found (ALREADY_DONE:
     * its CQE is on its way, or it is between iterations and stops at the next one).
     */
    @Override
    public CancelResult cancel(Op op) {
        // The kernel answers -EALREADY while the request is in the middle of being handled
        // (seen about once in a hundred cancels of a just-armed POLL on a pipe, whose poll then
        // stays armed): that state passes, so the cancel is sent again, a little later, until
        // the kernel gives a final answer or the op ended.
        for (int attempt = 1; ; attempt++) {
            CancelResult r = cancelOnce(op);
            if (r != CancelResult.NOT_CANCELED || attempt == CANCEL_ATTEMPTS || !op.cancelRequested()) {
                return r;
            }
            LockSupport.parkNanos(CANCEL_RETRY_NANOS);
        }
    }

    private CancelResult cancelOnce(Op op) {
        UringCancel.Ticket t;
        submitLock.lock();
        try {
            if (closed() || op.slot < 0 || slots.op(op.slot) != op) {
                return CancelResult.ALREADY_DONE;
            }
            if (!op.cancelRequested()) {
                // Its canceller declined: the op runs to its end.
                return CancelResult.NOT_CANCELED;
            }
            t = cancels.open();
            sub.asyncCancel(slots.userData(op.slot), 0, UringCancel.userData(t));
            sub.flush();
        } finally {
            submitLock.unlock();
        }
        try {
            CancelResult r = UringCancel.await(t, cancelReaper);
            if (r == CancelResult.CANCELED) {
                // Found and stopped: its CQE carries -ECANCELED, so the cancel cannot be declined.
                op.takeCancel();
            }
            return r;
        } finally {
            submitLock.lock();
            try {
                cancels.close(t);
            } finally {
                submitLock.unlock();
            }
        }
    }

    @Override
    protected void cancelAllLocked(OpBatch out) {
        if (slots.used() == 0) {
            return;
        }
        if (probe.cancelAny()) {
            sub.asyncCancel(0, IoUring.IORING_ASYNC_CANCEL_ANY | IoUring.IORING_ASYNC_CANCEL_ALL,
                    UringSubmitter.CANCEL_ALL_DATA);
        } else {
            for (int s = 0; s < slots.size(); s++) {
                if (slots.op(s) != null) {
                    sub.asyncCancel(slots.userData(s), 0, UringSubmitter.CANCEL_ALL_DATA);
                }
            }
        }
        sub.flush();
    }

    /**
     * Close, step 3: finds whether the ring is poolable and drained ({@link #drainedLocked});
     * closes the arena that owns every view of the mapped memory and the native memory the
     * kernel read requests from (internal requests hold none); then parks a drained ring in
     * the {@link UringRingPool} for a later open, or unmaps the rings and closes the
     * descriptor, which makes the kernel tear the instance down.
     */
    @Override
    protected void releaseLocked() {
        if (arena.scope().isAlive()) {
            // Once: a release retried after a failure must not close the pooled pipes twice,
            // nor park the ring twice.
            boolean park = poolable && drainedLocked();
            sub.release();
            arena.close();
            if (park) {
                UringRingPool.park(ring, sqAsked, cqAsked, probe.flagSet());
            }
        }
        ring.close();
    }

    /**
     * Whether nothing of this context is left in the kernel, so that the ring's next user
     * cannot see a CQE of ours: no user op in a slot, every SQE consumed; then a drain marker
     * (a NOP with IOSQE_IO_DRAIN, which the kernel starts only once every earlier request has
     * completed) is submitted and its CQE awaited, at most {@link #DRAIN_WAIT_NANOS}. The
     * marker must have run (result 0), every CQE before it must be internal (wake-ups, the
     * close's cancels), none may follow it, and nothing may wait in overflow. Under both locks, the engine closed.
     */
    private boolean drainedLocked() {
        if (slots.used() != 0 || sub.pending() != 0 || overflowed()) {
            return false;
        }
        long deadline = System.nanoTime() + DRAIN_WAIT_NANOS;
        sub.drainMarker(UringSubmitter.DRAIN_DATA);
        if (!markerRan(UringSubmitter.DRAIN_DATA, deadline)) {
            return false;
        }
        // The kernel keeps a ring that ran a drained request in its drain mode until the next
        // request passes through it. Reused without this, a new owner's first TIMEOUT was
        // at times not yet armed when the TIMEOUT_REMOVE of its completion count came: the
        // remove found nothing (ENOENT) and the timer ran its whole delay (-ETIME instead of
        // 0), in 1 to 13% of reuses on kernel 6.18. One plain NOP, awaited here, takes the
        // ring out of that mode before anyone else uses it.
        sub.nops(1, UringSubmitter.SETTLE_DATA);
        return markerRan(UringSubmitter.SETTLE_DATA, deadline);
    }

    /**
     * Submits what was written and waits until the CQE of the internal marker {@code data}:
     * true when it came with result 0 before the deadline, only internal CQEs before it, none
     * after it and nothing in overflow.
     */
    private boolean markerRan(long data, long deadline) {
        sub.flush();
        if (sub.pending() != 0) {
            return false;
        }
        while (true) {
            int n = q.cqReady();
            for (int i = 0; i < n; i++) {
                long d = q.cqeUserData(q.cqe(i));
                if (d >= 0) {
                    // A user CQE after every op was finished: do not trust this ring.
                    return false;
                }
                if (d == data) {
                    // A marker the kernel refused (drain disabled) proves nothing.
                    boolean ran = q.cqeRes(q.cqe(i)) == 0;
                    q.consumeCq(i + 1);
                    return ran && q.cqReady() == 0 && !overflowed();
                }
            }
            q.consumeCq(n);
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            Timespec.set(waitTs, left);
            IoUringGeteventsArg.set(waitArg, waitTs.address());
            IoUring.enter(ring.fd, 0, 1, IoUring.IORING_ENTER_GETEVENTS | IoUring.IORING_ENTER_EXT_ARG,
                    waitArg.address(), IoUringGeteventsArg.SIZE);
        }
    }

    @Override
    public String toString() {
        return "IoUringEngine(" + ectx.name() + ", sq " + q.sqEntries + ", cq " + q.cqEntries + ")";
    }
}
