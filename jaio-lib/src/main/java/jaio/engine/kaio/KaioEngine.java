package jaio.engine.kaio;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jaio.CancelResult;
import jaio.Errno;
import jaio.engine.KernelEngine;
import jaio.engine.PoolOwner;
import jaio.linux.Aio;
import jaio.linux.Iocb;
import jaio.linux.LibC;
import jaio.spi.Capabilities;
import jaio.spi.Counters;
import jaio.spi.EngineContext;
import jaio.spi.Op;
import jaio.spi.Retry;
import jaio.spi.SetupException;

/**
 * Any thread may call it, under {@link KernelEngine}'s two locks (the punt pool's lock nests
 * inside the submit lock): the Linux native AIO engine (E2), io_setup / io_submit /
 * io_getevents / io_cancel / io_destroy through FFM, completions reaped straight from the
 * user-mapped ring (C11).
 *
 * <p><b>How each request runs</b> is its opcode family's business ({@link KaioOpcodes}):
 * O_DIRECT transfers, FSYNC, FDSYNC and POLL go to the kernel, which completes them
 * asynchronously; buffered transfers go with RWF_NOWAIT and what would block is punted to the
 * {@link PuntPool}, counted in {@link Counters#punted}; NOOP is completed here. Short
 * transfers are continued through {@link Retry} on every path.
 *
 * <p><b>Reaping.</b> Whoever holds the reap lock may take events: {@link #harvest} from the
 * mapped ring without a system call, {@link #waitForCompletions} with io_getevents. The lock
 * makes sure the ring is never read while another thread sits in io_getevents on this context
 * (both consume events, which would deliver one twice). A buffered read completes inside its
 * io_submit, so its submitter harvests; when it finds the lock taken it leaves its events to
 * the holder, which harvests again before it leaves (the base's hand-off), so no completion
 * stays in the ring unposted and unsignalled.
 *
 * <p><b>Waking the waiter.</b> io_getevents counts only the events it consumes itself toward
 * min_nr, and nothing else can interrupt it short of a signal. So a wake-up is made of events:
 * an internal eventfd is kept readable, and a wake-up submits as many IOCB_CMD_POLL iocbs on
 * it as the waiter could be asking for; each completes inside io_submit, so the waiter,
 * inside io_getevents or about to enter it, finds enough events and returns. Their events
 * carry {@link #WAKE_DATA} and are swallowed by whoever reaps them. The alternatives were
 * worse: a signal (pthread_kill plus io_pgetevents' sigmask) disturbs the JVM's own signal
 * use, and a short timeout loop is either slow to wake or burns CPU. The same mechanism wakes
 * the waiter when a request completes outside the kernel (a punted, cancelled or NOOP request).
 *
 * <p><b>Notification (C10).</b> With a notify eventfd, every iocb whose event is the
 * request's completion and arrives asynchronously (O_DIRECT transfers, FSYNC, FDSYNC, POLL)
 * carries IOCB_FLAG_RESFD, so the kernel signals it once, after posting the event. For every
 * other completion (NOOP, punted, refused, cancelled-in-queue, and buffered transfers whose
 * non-blocking iterations complete inside io_submit and may still need a continuation)
 * jaio writes the eventfd itself after posting. Internal iocbs never signal it. Two cases
 * signal once more than they complete, a spurious wakeup rather than a missed one: an
 * O_DIRECT transfer the kernel ends short before end of file (each iteration's RESFD fires),
 * and a pipe or socket transfer that had to wait for readiness more than once.
 */
public final class KaioEngine extends KernelEngine<Completions> {
    /** aio_data of the internal wake-up iocbs (slot numbers are never negative). */
    static final long WAKE_DATA = -1L;
    /** Most wake-up events posted at once, and so the most a waiter asks io_getevents for. */
    static final int MAX_WAKE = 128;
    /** Passes over the ring in one harvest round. */
    private static final int HARVEST_PASSES = 4;

    private final Capabilities caps;
    private final Arena arena;
    /** The kernel context; replaced (under both locks) only when it is idle, after C9. */
    private KaioRing ring;
    /**
     * The io_setup count of {@link #ring}, and the one the capacity asks for. Written under
     * the submit lock; volatile because the reaper reads them without it to decide whether to
     * try a replacement, which looks at them again under the lock.
     */
    private volatile int ringSize;
    private volatile int ringWanted;
    private final boolean useRing;
    /**
     * Whether a drained kernel context may be parked for the next open instead of destroyed
     * ({@link KaioContextPool}). Not with a notify eventfd: the kernel signals it just after
     * it posts the event, so a parked context could signal it after close returned, where
     * io_destroy waits for that.
     */
    private final boolean poolable;
    private final PuntPool punt;
    private final KaioSubmitter submitter;
    private final int wakeFd;
    private final MemorySegment wakePointers;

    // ---- under the reap lock ----
    private long[] evData;
    private long[] evRes;

    KaioEngine(EngineContext ectx, KaioProbe probe, boolean useRing) throws IOException {
        this(ectx, probe, useRing, 0);
    }

    /**
     * @param useRing    false reaps with io_getevents even where the ring could be read
     * @param ringEvents the io_setup count, or 0 for the right one (capacity plus wake-ups);
     *                   tests pass less to make io_submit run out of room
     */
    KaioEngine(EngineContext ectx, KaioProbe probe, boolean useRing, int ringEvents) throws IOException {
        super(ectx, MAX_WAKE, ectx.options().notifyFd(), true, Completions::new,
                ringEvents > 0 ? ringEvents : ectx.capacity() + Math.min(ectx.capacity(), MAX_WAKE));
        Counters counters = ectx.counters();
        int capacity = ectx.capacity();
        int notifyFd = ectx.options().notifyFd();
        this.arena = Arena.ofShared();
        this.useRing = useRing;
        this.poolable = notifyFd < 0;
        // Room for every request the context may have in the kernel, plus the wake-ups.
        this.ringSize = ringEvents > 0 ? ringEvents : capacity + wakeMax;
        this.ringWanted = ringSize;
        int fd = -1;
        KaioRing r = null;
        try {
            r = KaioRing.open(ringSize, useRing, arena);
            fd = LibC.eventfd(1, LibC.EFD_NONBLOCK);
            if (fd < 0) {
                throw new SetupException("eventfd: " + Errno.describe(fd), -fd);
            }
        } catch (IOException | RuntimeException e) {
            if (r != null) {
                r.destroy();
            }
            arena.close();
            throw e;
        }
        this.ring = r;
        this.wakeFd = fd;
        // One internal iocb: the kernel copies it at io_submit, so the same one may be
        // submitted many times at once. No RESFD: wake-ups never signal the notify eventfd.
        MemorySegment wake = arena.allocate(Iocb.LAYOUT);
        Iocb.set(wake, 0, WAKE_DATA, Aio.IOCB_CMD_POLL, wakeFd, LibC.POLLIN, 0, 0, 0, 0, 0, 0);
        this.wakePointers = arena.allocate(ValueLayout.JAVA_LONG, wakeMax);
        for (int i = 0; i < wakeMax; i++) {
            wakePointers.setAtIndex(ValueLayout.JAVA_LONG, i, wake.address());
        }
        this.evData = new long[ring.capacity()];
        this.evRes = new long[ring.capacity()];
        this.punt = new PuntPool(ectx.name(), ectx.workerThreads(), new PuntPool.Owner() {
            @Override
            public void retried() {
                counters.retries.increment();
            }

            @Override
            public void finished(Op op) {
                postOutside(op);
            }

            @Override
            public boolean mayRunOnWaiter(Op op) {
                return PuntPool.mayRunOnWaiter(op);
            }

            @Override
            public void ranOnWaiter() {
                counters.callerRuns.increment();
            }

            @Override
            public boolean onePerFile(Op op) {
                return PoolOwner.takesTurns(op);
            }

            /**
             * Two: here a sync at depth runs in the kernel beside the punted writes, and batches
             * of 32 writes with their fsync were 0.8x fio's libaio with all writers side by side
             * (each woken for the inode lock) and 1.0x with two (docs/PERFORMANCE.md, "Two
             * writers per file while a sync runs").
             */
            @Override
            public int turnsWhileSyncing() {
                return 2;
            }
        });
        this.submitter = new KaioSubmitter(ring.ctxId, capacity, probe, notifyFd, counters, punt, arena);
        this.caps = KaioCapabilities.of(probe, ring.mapped(), ring.describe(), punt.maxWorkers());
    }

    @Override
    public Capabilities capabilities() {
        return caps;
    }

    /** Whether completions are read from the mapped ring (else with io_getevents). */
    boolean reapsFromRing() {
        return ring.mapped();
    }

    // ------------------------------------------------------------------ submit

    /**
     * Returns whether non-blocking buffered iterations completed inside io_submit: their
     * events are in the ring already, so the submitter takes them now (this is also what
     * signals a notify eventfd for them, since they carry no RESFD).
     */
    @Override
    protected boolean startLocked(Op[] ops, int from, int count, Completions out) {
        return submitter.submit(ops, from, count, out);
    }

    // ------------------------------------------------------------------ reaping

    /** A few passes over the ring. */
    @Override
    protected int drainLocked(boolean leader) {
        int user = 0;
        // Processing may rerun transfers (continuations, a pipe that became ready) that
        // complete inside io_submit, so their events are in the ring by the next pass.
        for (int pass = 0; pass < HARVEST_PASSES; pass++) {
            int n = ring.poll(evData, evRes);
            if (n == 0) {
                break;
            }
            user += process(n, leader);
            if (pass == HARVEST_PASSES - 1) {
                // Still finding events: come back for them.
                harvestAgain();
            }
        }
        return user;
    }

    /** Asks the kernel only for what it can deliver: ops with the workers finish outside it and kick. */
    @Override
    protected int inKernel() {
        return submitter.inKernel();
    }

    /**
     * Caller-runs: while nothing of this context is in the kernel (no completion there would
     * wait to be reaped meanwhile), the waiting thread runs a punted request itself, in a
     * worker's place; at depth 1 a buffered write then costs no hand-off either way.
     */
    @Override
    protected boolean runOnWaiter() {
        return inKernel() == 0 && punt.runQueued();
    }

    @Override
    protected void awaitLocked(int need, boolean early, long timeoutNanos, boolean submitting) {
        int n = ring.poll(evData, evRes);
        if (n > 0) {
            process(n, true);
            return;
        }
        if (early || timeoutNanos == 0) {
            return;
        }
        n = ring.await(need, timeoutNanos, evData, evRes);
        if (n > 0) {
            process(n, true);
        }
    }

    @Override
    protected void afterReapLocked() {
        if (ringWanted > ringSize) {
            replaceRingIfIdle();
        }
    }

    /** Submits {@code n} wake-up POLLs on the readable internal eventfd. */
    @Override
    protected int postWakeupsLocked(int n) {
        long r = Aio.ioSubmit(ring.ctxId, n, wakePointers, 0);
        return r > 0 ? (int) r : 0;
    }

    /** Handles {@code n} reaped events in evData/evRes, then posts. Under the reap lock. */
    private int process(int n, boolean leader) {
        int wakes = 0;
        for (int i = 0; i < n; i++) {
            if (evData[i] == WAKE_DATA) {
                wakes++;
            }
        }
        if (wakes < n) {
            // The submit lock also orders this after the io_submit that published each op.
            submitLock.lock();
            try {
                submitter.onEvents(evData, evRes, n, reaped);
            } finally {
                submitLock.unlock();
            }
        }
        reaped(reaped, wakes, leader);
        return n - wakes;
    }

    // ------------------------------------------------------------------ resize

    /**
     * Grows to {@code newCapacity} (C9): more slots at once; a kernel context with room for
     * them replaces the current one as soon as nothing is in it (now, when the context is
     * idle and no thread is reaping). Until then what finds the kernel ring full runs on the
     * workers (see {@link KaioSubmitter#grow}).
     */
    @Override
    public void resize(int newCapacity) {
        super.resize(newCapacity);
        if (reapLock.tryLock()) {
            try {
                replaceRingIfIdle();
            } finally {
                reapLock.unlock();
            }
            harvestIfWanted();
        }
    }

    @Override
    protected void resizeLocked(int newCapacity) {
        submitter.grow(newCapacity);
        ringWanted = Math.max(ringWanted, newCapacity + wakeMax);
    }

    /**
     * Replaces the kernel context by a larger one when the capacity outgrew it and nothing
     * is in it: no user iocb in flight or waiting for room, and the wake-ups (which complete
     * inside io_submit) swallowed from the ring. io_destroy's wait is short then. Under
     * the reap lock; takes the submit lock.
     */
    private void replaceRingIfIdle() {
        submitLock.lock();
        try {
            if (closed() || ringWanted <= ringSize || !submitter.quiescent()) {
                return;
            }
            int n;
            while (wake.outstanding() > 0 && (n = ring.poll(evData, evRes)) > 0) {
                wake.swallowed(n, true, false);
            }
            if (wake.outstanding() > 0) {
                return;
            }
            KaioRing next;
            try {
                next = KaioRing.open(ringWanted, useRing, arena);
            } catch (IOException e) {
                // Keep the smaller context: the workers take what does not fit.
                ringWanted = ringSize;
                return;
            }
            ring.release(poolable);
            ring = next;
            ringSize = ringWanted;
            evData = new long[next.capacity()];
            evRes = new long[next.capacity()];
            submitter.useContext(next.ctxId);
        } finally {
            submitLock.unlock();
        }
    }

    // ------------------------------------------------------------------ cancel and close

    @Override
    public CancelResult cancel(Op op) {
        Completions out = localBatch();
        CancelResult result;
        submitLock.lock();
        try {
            if (closed()) {
                return CancelResult.ALREADY_DONE;
            }
            result = submitter.cancel(op, out);
        } finally {
            submitLock.unlock();
        }
        post(out, false);
        return result;
    }

    @Override
    protected void cancelAllLocked(Completions out) {
        submitter.cancelAll(out);
    }

    /** Close, step 2: the workers finish what they run and stop. */
    @Override
    protected void stopWorkers() {
        punt.close();
    }

    /** The internal eventfd was closed (a close that failed is tried again); under both locks. */
    private boolean wakeClosed;

    /**
     * Close, step 3: the kernel context is parked for a later open when it is drained (see
     * {@link #drainedLocked}), else io_destroy, which returns once every iocb in flight
     * completed, and unmaps the ring; then the internal eventfd and the native memory.
     */
    @Override
    protected void releaseLocked() {
        if (!ring.released()) {
            ring.release(poolable && drainedLocked());
        }
        if (!wakeClosed) {
            LibC.close(wakeFd);
            wakeClosed = true;
        }
        if (arena.scope().isAlive()) {
            arena.close();
        }
    }

    /**
     * Whether nothing of this context is left in the kernel, so that its next user cannot
     * see an event of ours: no user iocb in flight or waiting for room (the context reaped
     * the event of every iocb it submitted, a cancelled POLL's included), and every wake-up's
     * event taken from the ring, which this takes now (they complete inside io_submit). An
     * event that is not a wake-up, which the close sequence rules out, means no. Under both
     * locks, the engine closed.
     */
    private boolean drainedLocked() {
        if (!submitter.quiescent()) {
            return false;
        }
        int n;
        while (wake.outstanding() > 0 && (n = ring.poll(evData, evRes)) > 0) {
            for (int i = 0; i < n; i++) {
                if (evData[i] != WAKE_DATA) {
                    return false;
                }
            }
            wake.swallowed(n, true, false);
        }
        return wake.outstanding() == 0;
    }

    @Override
    public String toString() {
        return "KaioEngine(" + ectx.name() + ", " + (ring.mapped() ? "ring" : "io_getevents") + ")";
    }
}
