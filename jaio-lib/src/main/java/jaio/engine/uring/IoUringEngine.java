package jaio.engine.uring;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import jaio.CancelResult;
import jaio.Errno;
import jaio.engine.KernelWake;
import jaio.engine.OpBatch;
import jaio.linux.IoUring;
import jaio.linux.IoUringGeteventsArg;
import jaio.linux.IoUringRings;
import jaio.linux.Timespec;
import jaio.spi.Capabilities;
import jaio.spi.CompletionSink;
import jaio.spi.EngineContext;
import jaio.spi.IoEngine;
import jaio.spi.Op;

/**
 * The io_uring engine (SPEC E1): every request kind runs in the kernel, asynchronously, with
 * the submission and completion rings in memory shared with it.
 *
 * <p><b>Submitting</b> (any thread): under {@link #submitLock} the ops of a batch take their
 * slots and their SQEs are written into the mapped SQ ring, then one io_uring_enter hands the
 * whole batch to the kernel. A buffered read of cached data completes inside that call; what
 * would block the kernel finishes on its own workers. The lock costs one uncontended
 * acquire per batch; submitting threads contend only with each other and with the reaper's
 * short CQE processing.
 *
 * <p><b>Reaping</b> (C11, C4): whoever holds {@link #reapLock} takes CQEs from the mapped CQ
 * ring without a system call ({@link #harvest}), or waits in the kernel for at least N
 * ({@link #waitForCompletions}: io_uring_enter with GETEVENTS and an EXT_ARG timeout). The
 * waiter keeps the lock during the wait, so nobody else moves the CQ head meanwhile, which
 * is what makes the wake-up below exact. A short transfer's remainder, or a transfer on a
 * non-blocking pipe that must first wait for readiness, is prepared while its CQE is
 * processed and submitted right after (E4). When the kernel kept completions back because
 * the CQ ring was full (IORING_FEAT_NODROP), the reaper flushes them with io_uring_enter and
 * takes them too: none is ever lost.
 *
 * <p><b>Waking the waiter</b>: the kernel waits until min_complete CQEs are past the head it
 * saw on entry. To make it return early, {@link #wakeup} submits as many internal NOPs as the
 * waiter asked for; they complete at once, and their CQEs are swallowed by whoever reaps them.
 * The same happens after a completion posted outside the waiter's own reaping ({@link #kick}).
 * The handshake that loses no wake-up is {@link KernelWake}'s, shared with native AIO.
 *
 * <p><b>Cancel</b> (C7): an IORING_OP_ASYNC_CANCEL whose own CQE carries the kernel's answer,
 * which {@link #cancel} waits for: found and stopped (CANCELED; the op's CQE follows with
 * -ECANCELED), running (NOT_CANCELED), or not in the kernel (ALREADY_DONE; between
 * iterations the op stops at the next one, since the context has set its cancel flag).
 * IORING_REGISTER_SYNC_CANCEL is not used: after a request it found running completes, it
 * answers 0, the same as for one it stopped.
 *
 * <p>Threading: as {@link IoEngine}. Lock order: reapLock, then submitLock. The sink is
 * called with reapLock at most, never with submitLock.
 */
public final class IoUringEngine implements IoEngine {
    /** Most wake-up NOPs posted at once, and so the most a waiter asks the kernel for. */
    static final int MAX_WAKE = 128;
    /** Registered-file slots per context (with IoContext.Builder.registerFiles). */
    static final int FILE_SLOTS = 1024;
    /** CQEs processed per pass, so that one pass never holds the submit lock for long. */
    private static final int MAX_BATCH = 1024;

    private final EngineContext ectx;
    private final CompletionSink sink;
    private final Capabilities caps;
    private final UringProbe probe;
    private final Arena arena;
    private final UringInstance ring;
    private final IoUringRings q;
    private final UringSlots slots;
    private final UringSubmitter sub;
    private final int wakeMax;

    private final ReentrantLock submitLock = new ReentrantLock();
    private final ReentrantLock reapLock = new ReentrantLock();
    /** Set under both locks. */
    private boolean closed;
    private boolean destroyed;

    private final KernelWake wake = new KernelWake();
    private final KernelWake.Poster wakeNops = this::postNops;
    /** Made once: a method reference created per kick would be an allocation per harvest. */
    private final java.util.function.IntConsumer wakeUp = this::postWakeups;

    // ---- under reapLock ----
    private final MemorySegment waitArg;
    private final MemorySegment waitTs;
    private final OpBatch reaped = new OpBatch(64);
    /** Times the reaper had the kernel flush completions kept in overflow (for tests). */
    private long overflowFlushes;

    private final ThreadLocal<OpBatch> local = ThreadLocal.withInitial(() -> new OpBatch(16));
    /** Threads waiting for the answer to their cancel, by ticket; under submitLock. */
    private final CancelTicket.Table tickets = new CancelTicket.Table();
    private static final ThreadLocal<CancelTicket> ticket = ThreadLocal.withInitial(CancelTicket::new);

    IoUringEngine(EngineContext ectx, UringProbe probe) throws IOException {
        this(ectx, probe, 0, 0);
    }

    /**
     * @param sqEntries SQ ring size, or 0 for the right one; tests pass small rings
     * @param cqEntries CQ ring size, or 0 for the right one; tests pass less to overfill it
     */
    IoUringEngine(EngineContext ectx, UringProbe probe, int sqEntries, int cqEntries) throws IOException {
        this.ectx = ectx;
        this.sink = ectx.sink();
        this.probe = probe;
        int capacity = ectx.capacity();
        this.wakeMax = Math.min(capacity, MAX_WAKE);
        int sq = sqEntries > 0 ? sqEntries : Math.min(pow2(capacity), 4096);
        // Room for every op the context may have in the kernel plus the wake-ups, so that in
        // steady state nothing overflows; the kernel keeps whatever does (NODROP).
        int cq = cqEntries > 0 ? cqEntries : Math.min(Math.max(2 * sq, pow2(capacity + 2 * wakeMax)), IoUring.MAX_CQ_ENTRIES);
        this.arena = Arena.ofShared();
        UringInstance r = null;
        String pollRefused = null;
        try {
            if (ectx.options().sqPoll()) {
                UringInstance.Attempt a = UringInstance.create(sq, cq, new int[] {probe.flagSet()}, true, arena);
                r = a.ring();
                if (r == null) {
                    pollRefused = a.call() + ": " + Errno.describe(a.errno());
                }
            }
            if (r == null) {
                r = UringInstance.open(sq, cq, new int[] {probe.flagSet()}, false, arena);
            }
        } catch (IOException | RuntimeException e) {
            arena.close();
            throw e;
        }
        this.ring = r;
        this.q = ring.rings;
        UringBuffers bufs;
        UringFiles files;
        try {
            this.slots = new UringSlots(capacity, arena);
            bufs = UringBuffers.register(ring.fd, ectx.options().buffers(), arena);
            files = ectx.options().registerFiles() ? UringFiles.open(ring.fd, FILE_SLOTS, arena) : null;
            this.sub = new UringSubmitter(ring, slots, ectx.counters(), bufs, files);
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
                ectx.options().buffers().size(), bufs.refused, ring.sqPoll(), pollRefused));
    }

    static int pow2(int n) {
        return n <= 1 ? 1 : Integer.highestOneBit(n - 1) << 1;
    }

    @Override
    public Capabilities capabilities() {
        return caps;
    }

    @Override
    public boolean needsPumping() {
        return true;
    }

    /** The rings' sizes, for tests and reports. */
    int sqEntries() {
        return q.sqEntries;
    }

    int cqEntries() {
        return q.cqEntries;
    }

    /** Transfers that took the registered-buffer path (for tests). */
    long fixedTransfers() {
        submitLock.lock();
        try {
            return sub.fixedTransfers;
        } finally {
            submitLock.unlock();
        }
    }

    /** Files registered now (for tests). */
    int registeredFiles() {
        submitLock.lock();
        try {
            return sub.files() == null ? 0 : sub.files().registered();
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
    public void submit(Op[] ops, int from, int count) {
        OpBatch out = local.get();
        submitLock.lock();
        try {
            if (closed) {
                sub.refuse(ops, from, count, out);
            } else {
                sub.start(ops, from, count, out);
                sub.flush();
            }
        } finally {
            submitLock.unlock();
        }
        post(out, false);
    }

    @Override
    public void submitAndWait(Op[] ops, int from, int count, int minComplete, long timeoutNanos) {
        OpBatch out = local.get();
        reapLock.lock();
        try {
            boolean open;
            submitLock.lock();
            try {
                open = !closed;
                if (open) {
                    // Written now, consumed by the wait's own io_uring_enter below.
                    sub.start(ops, from, count, out);
                } else {
                    sub.refuse(ops, from, count, out);
                }
            } finally {
                submitLock.unlock();
            }
            post(out, false);
            if (open) {
                waitLocked(minComplete, timeoutNanos, true);
            }
        } finally {
            reapLock.unlock();
        }
    }

    // ------------------------------------------------------------------ reaping

    @Override
    public int harvest() {
        if (!reapLock.tryLock()) {
            return 0;
        }
        try {
            return closed ? 0 : drain(false);
        } finally {
            reapLock.unlock();
        }
    }

    @Override
    public void waitForCompletions(int minComplete, long timeoutNanos) {
        reapLock.lock();
        try {
            if (!closed) {
                waitLocked(minComplete, timeoutNanos, false);
            }
        } finally {
            reapLock.unlock();
        }
    }

    /**
     * Waits in the kernel for at least {@code minComplete} CQEs (at most {@link #wakeMax},
     * at most what is in flight), unless something is there already or was posted outside
     * this wait, then takes what came. With {@code submitting}, the SQEs written by
     * submit-and-wait go to the kernel in the same call. Under reapLock.
     */
    private void waitLocked(int minComplete, long timeoutNanos, boolean submitting) {
        try {
            int need = Math.max(1, Math.min(Math.min(minComplete, slots.used()), wakeMax));
            boolean early = wake.beginWait(need);
            boolean ready = q.cqReady() > 0 || overflowed();
            if (early || ready || timeoutNanos == 0) {
                if (submitting) {
                    flushLocked();
                }
                if (ready || submitting) {
                    drain(true);
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
            IoUring.enter(ring.fd, toSubmit, need, IoUring.IORING_ENTER_GETEVENTS | IoUring.IORING_ENTER_EXT_ARG,
                    waitArg.address(), IoUringGeteventsArg.SIZE);
            drain(true);
        } finally {
            wake.endWait();
        }
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

    /** Whether the kernel holds completions the CQ ring had no room for. */
    private boolean overflowed() {
        return (q.sqFlags() & IoUring.IORING_SQ_CQ_OVERFLOW) != 0;
    }

    /**
     * Takes every CQE in the ring, and those the kernel kept in overflow, and posts what
     * finished. Returns how many user CQEs were handled. Under reapLock.
     */
    private int drain(boolean leader) {
        int user = 0;
        // A few passes: continuations (and removed timers) complete inside the io_uring_enter
        // that submits them, so their CQEs are in the ring by the end of a pass.
        for (int pass = 0; pass < 4; pass++) {
            int n = q.cqReady();
            if (n == 0 && overflowed()) {
                overflowFlushes++;
                IoUring.enter(ring.fd, 0, 0, IoUring.IORING_ENTER_GETEVENTS, 0, 0);
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
                    if (data == UringSubmitter.WAKE_DATA) {
                        wakes++;
                    } else if ((data & UringSubmitter.KIND_MASK) == UringSubmitter.CANCEL_TAG) {
                        answer((int) data, q.cqeRes(cqe));
                    }
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
            if (sub.anyCounting()) {
                sub.checkCounts();
            }
            sub.flush();
        } finally {
            submitLock.unlock();
        }
        boolean posted = reaped.count() > 0;
        post(reaped, leader);
        wake.swallowed(wakes, leader, posted);
        return user;
    }

    /** Posts collected completions, and kicks the waiter unless it is the one posting. */
    private void post(OpBatch out, boolean leader) {
        if (out.count() == 0) {
            return;
        }
        sink.completeBatch(out.ops(), out.count());
        out.clear();
        if (!leader) {
            kick();
        }
    }

    @Override
    public void wakeup(int target) {
        postWakeups(Math.max(1, Math.min(target, wakeMax)));
    }

    /** Makes sure {@code k} wake-up NOPs are on their way (see {@link KernelWake#ensure}). */
    private void postWakeups(int k) {
        submitLock.lock();
        try {
            if (!closed) {
                wake.ensure(k, wakeNops);
            }
        } finally {
            submitLock.unlock();
        }
    }

    /** Submits {@code n} wake-up NOPs, which complete at once. Under submitLock. */
    private int postNops(int n) {
        sub.nops(n, UringSubmitter.WAKE_DATA);
        sub.flush();
        return n;
    }

    /** Tells a waiter in the kernel that completions were posted without it. */
    private void kick() {
        wake.kick(wakeUp);
    }

    @Override
    public void resize(int newCapacity) {
        submitLock.lock();
        try {
            if (!closed) {
                // The CQ ring keeps its size: what it cannot hold waits in the kernel's
                // overflow list (NODROP) until the reaper flushes it.
                slots.grow(newCapacity);
            }
        } finally {
            submitLock.unlock();
        }
    }

    // ------------------------------------------------------------------ cancel and close

    /**
     * Cancels with IORING_OP_ASYNC_CANCEL and returns the kernel's answer, taken from the
     * cancel's own CQE: found and stopped (CANCELED; the op's CQE follows with -ECANCELED),
     * running (-EALREADY: NOT_CANCELED), not found (ALREADY_DONE: its CQE is on its way, or it
     * is between iterations and stops at the next one). The answer usually arrives inside the
     * io_uring_enter that submits the cancel; this thread then reaps it itself, or, when the
     * leader holds the ring, wakes the leader, which reaps it and unparks this thread.
     */
    @Override
    public CancelResult cancel(Op op) {
        CancelTicket t = ticket.get();
        int idx;
        submitLock.lock();
        try {
            if (closed || op.slot < 0 || slots.op(op.slot) != op) {
                return CancelResult.ALREADY_DONE;
            }
            idx = tickets.add(t);
            sub.asyncCancel(slots.userData(op.slot), 0, UringSubmitter.CANCEL_TAG | idx);
            sub.flush();
        } finally {
            submitLock.unlock();
        }
        int res;
        try {
            res = awaitAnswer(t);
        } finally {
            submitLock.lock();
            try {
                tickets.remove(idx);
            } finally {
                submitLock.unlock();
            }
        }
        if (res == 0) {
            return CancelResult.CANCELED;
        }
        return res == -Errno.ENOENT ? CancelResult.ALREADY_DONE : CancelResult.NOT_CANCELED;
    }

    /** Reaps (or has the leader reap) until the cancel's answer is in. */
    private int awaitAnswer(CancelTicket t) {
        while (true) {
            int r = t.res;
            if (r != CancelTicket.PENDING) {
                return r;
            }
            if (reapLock.tryLock()) {
                try {
                    if (pendingSqes() > 0) {
                        flushLocked();
                    }
                    drain(false);
                } finally {
                    reapLock.unlock();
                }
                if (t.res == CancelTicket.PENDING) {
                    // Not posted yet (the kernel answers through task work, say).
                    LockSupport.parkNanos(this, 50_000L);
                }
            } else {
                // The leader holds the ring, maybe waiting in the kernel for more than our one
                // CQE: make it return; it reaps the answer and unparks us.
                postWakeups(Math.max(1, wake.waiterMin()));
                LockSupport.parkNanos(this, 1_000_000L);
            }
        }
    }

    /** The reaper found the answer of ticket {@code idx}. Under submitLock. */
    private void answer(int idx, int res) {
        CancelTicket t = tickets.get(idx);
        if (t != null) {
            t.res = res;
            LockSupport.unpark(t.waiter);
        }
    }

    @Override
    public void cancelAll() {
        submitLock.lock();
        try {
            if (closed || slots.used() == 0) {
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
        } finally {
            submitLock.unlock();
        }
    }

    /**
     * Releases the ring: (1) mark closed, so no call touches the rings any more; (2) close
     * the arena that owns every view of the mapped memory and the native memory the kernel
     * read requests from (the context calls this only after every op reached the sink, and
     * internal requests hold no memory); (3) unmap the rings and close the descriptor, which
     * makes the kernel tear the instance down.
     */
    @Override
    public void close() {
        reapLock.lock();
        submitLock.lock();
        try {
            closed = true;
            if (!destroyed) {
                destroyed = true;
                arena.close();
                ring.close();
            }
        } finally {
            submitLock.unlock();
            reapLock.unlock();
        }
    }

    @Override
    public String toString() {
        return "IoUringEngine(" + ectx.name() + ", sq " + q.sqEntries + ", cq " + q.cqEntries + ")";
    }
}
