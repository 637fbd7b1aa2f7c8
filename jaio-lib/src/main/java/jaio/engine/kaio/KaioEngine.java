package jaio.engine.kaio;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.locks.ReentrantLock;
import jaio.CancelResult;
import jaio.Errno;
import jaio.engine.KernelWake;
import jaio.linux.Aio;
import jaio.linux.Iocb;
import jaio.linux.LibC;
import jaio.spi.Capabilities;
import jaio.spi.CompletionSink;
import jaio.spi.Counters;
import jaio.spi.EngineContext;
import jaio.spi.IoEngine;
import jaio.spi.Op;
import jaio.spi.Retry;

/**
 * The Linux native AIO engine (SPEC E2): io_setup / io_submit / io_getevents / io_cancel /
 * io_destroy through FFM, completions reaped straight from the user-mapped ring (C11).
 *
 * <p><b>How each request runs.</b> O_DIRECT transfers, FSYNC, FDSYNC and POLL go to the
 * kernel, which completes them asynchronously. Buffered transfers would run synchronously
 * inside io_submit, so they are submitted with RWF_NOWAIT (the seed's F_ATOMIC fast path):
 * page-cache hits complete inside io_submit without blocking, and each one that comes back
 * EAGAIN (or EOPNOTSUPP: ext4 has no non-blocking buffered writes) is punted to the
 * {@link PuntPool}, which finishes it with blocking preadv2/pwritev2, counted in
 * {@link Counters#punted}. On a pipe, socket or eventfd, a transfer that would block waits
 * for readiness with a one-shot IOCB_CMD_POLL and then runs again, so it holds no thread and
 * stays cancellable. A request the user flagged NOWAIT is never punted: its EAGAIN is its
 * result. NOOP is completed here (the kernel refuses IOCB_CMD_NOOP). Short transfers are
 * continued through {@link Retry} on every path.
 *
 * <p><b>Reaping.</b> Whoever holds {@link #reapLock} may take events: {@link #harvest} from
 * the mapped ring without a system call, {@link #waitForCompletions} with io_getevents.
 * The lock makes sure the ring is never read while another thread sits in io_getevents on
 * this context (both consume events, which would deliver one twice). A thread that finds the
 * lock taken leaves its events to the holder, which harvests again before it leaves (see
 * {@link #harvest}), so no completion stays in the ring unposted and unsignalled.
 *
 * <p><b>Waking the waiter.</b> io_getevents counts only the events it consumes itself toward
 * min_nr, and nothing else can interrupt it short of a signal. So a wakeup is made of events:
 * an internal eventfd is kept readable, and {@link #wakeup} submits as many IOCB_CMD_POLL
 * iocbs on it as the waiter could be asking for; each completes inside io_submit, so the
 * waiter, inside io_getevents or about to enter it, finds enough events and returns. Their
 * events carry {@link #WAKE_DATA} and are swallowed by whoever reaps them. The alternatives
 * were worse: a signal (pthread_kill plus io_pgetevents' sigmask) disturbs the JVM's own
 * signal use, and a short timeout loop is either slow to wake or burns CPU. The same
 * mechanism wakes the waiter when a request completes outside the kernel (a punted,
 * cancelled or NOOP request): see {@link #kick}.
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
 *
 * <p>Threading: as {@link IoEngine}. Lock order: reapLock, then submitLock (which guards the
 * {@link KaioSubmitter}), then the punt pool's lock. The sink is called with reapLock at
 * most, never with submitLock: delivery (waking waiters, copying events) must not hold up
 * submitters, wake-ups and workers, which all take submitLock.
 */
public final class KaioEngine implements IoEngine {
    /** aio_data of the internal wake-up iocbs (slot numbers are never negative). */
    static final long WAKE_DATA = -1L;
    /** Most wake-up events posted at once, and so the most a waiter asks io_getevents for. */
    static final int MAX_WAKE = 128;
    /** Passes over the ring in one harvest round, and rounds in one harvest call. */
    private static final int HARVEST_PASSES = 4;
    private static final int MAX_HARVEST_ROUNDS = 64;

    private final EngineContext ectx;
    private final CompletionSink sink;
    private final Capabilities caps;
    private final int notifyFd;
    private final int wakeMax;
    private final Arena arena;
    /** The kernel context; replaced (under both locks) only when it is idle, after C9. */
    private KaioRing ring;
    /** The io_setup count of {@link #ring}, and the one the capacity asks for (under submitLock). */
    private volatile int ringSize;
    private volatile int ringWanted;
    private final boolean useRing;
    private final PuntPool punt;
    private final KaioSubmitter submitter;
    private final int wakeFd;
    private final MemorySegment wakePointers;

    private final ReentrantLock submitLock = new ReentrantLock();
    private final ReentrantLock reapLock = new ReentrantLock();
    /** A harvest found reapLock taken: its holder harvests again before leaving (see harvest). */
    private volatile boolean harvestWanted;
    /** Set under both locks. */
    private boolean closed;
    private boolean destroyed;

    private final KernelWake wake = new KernelWake();
    private final KernelWake.Poster wakePolls = this::postPolls;
    /** Made once: a method reference created per kick would be an allocation per harvest. */
    private final java.util.function.IntConsumer wakeUp = this::postWakeups;

    // ---- under reapLock ----
    private long[] evData;
    private long[] evRes;
    private final Completions reaped;

    /** Per submitting (or cancelling) thread: ops finished under submitLock, posted after it. */
    private final ThreadLocal<Completions> local = ThreadLocal.withInitial(() -> new Completions(16));

    KaioEngine(EngineContext ectx, KaioProbe probe, boolean useRing) throws IOException {
        this(ectx, probe, useRing, 0);
    }

    /**
     * @param useRing    false reaps with io_getevents even where the ring could be read
     * @param ringEvents the io_setup count, or 0 for the right one (capacity plus wake-ups);
     *                   tests pass less to make io_submit run out of room
     */
    KaioEngine(EngineContext ectx, KaioProbe probe, boolean useRing, int ringEvents) throws IOException {
        this.ectx = ectx;
        this.sink = ectx.sink();
        Counters counters = ectx.counters();
        int capacity = ectx.capacity();
        this.notifyFd = ectx.options().notifyFd();
        this.wakeMax = Math.min(capacity, MAX_WAKE);
        this.arena = Arena.ofShared();
        this.useRing = useRing;
        // Room for every request the context may have in the kernel, plus the wake-ups.
        this.ringSize = ringEvents > 0 ? ringEvents : capacity + wakeMax;
        this.ringWanted = ringSize;
        int fd = -1;
        KaioRing r = null;
        try {
            r = KaioRing.open(ringSize, useRing, arena);
            fd = LibC.eventfd(1, LibC.EFD_NONBLOCK);
            if (fd < 0) {
                throw new IOException("eventfd: " + Errno.describe(fd));
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
        this.reaped = new Completions(ring.capacity());
        this.punt = new PuntPool(ectx.name(), ectx.workerThreads(), new PuntPool.Owner() {
            @Override
            public void retried() {
                counters.retries.increment();
            }

            @Override
            public void finished(Op op) {
                completeOutside(op);
            }
        });
        this.submitter = new KaioSubmitter(ring.ctxId, capacity, probe, notifyFd, counters, punt, arena);
        this.caps = KaioCapabilities.of(probe, ring.mapped(), ring.describe(), punt.maxWorkers());
    }

    @Override
    public Capabilities capabilities() {
        return caps;
    }

    @Override
    public boolean needsPumping() {
        return true;
    }

    /** Whether completions are read from the mapped ring (else with io_getevents). */
    boolean reapsFromRing() {
        return ring.mapped();
    }

    // ------------------------------------------------------------------ submit

    @Override
    public void submit(Op[] ops, int from, int count) {
        Completions out = local.get();
        boolean buffered = false;
        submitLock.lock();
        try {
            if (closed) {
                for (int i = from; i < from + count; i++) {
                    Retry.finish(ops[i], -Errno.ECANCELED);
                    out.add(ops[i], true);
                }
            } else {
                buffered = submitter.submit(ops, from, count, out);
            }
        } finally {
            submitLock.unlock();
        }
        post(out, false);
        if (buffered) {
            // Non-blocking buffered iterations completed inside io_submit: their events are
            // in the ring already, so take them now (this is also what signals a notify
            // eventfd for them, since they carry no RESFD).
            harvest();
        }
    }

    // ------------------------------------------------------------------ reaping

    /**
     * Harvests. A caller that finds the reap lock taken leaves its events (say a buffered read
     * that completed inside its io_submit) to the holder, so it first sets
     * {@link #harvestWanted}; every holder looks at that flag after it let the lock go and
     * harvests again when it is set. The flag is written before the lock is tried and read
     * after it is released (volatile accesses both), so one of the two threads always sees the
     * other: an event is never left in the ring with nobody coming for it.
     */
    @Override
    public int harvest() {
        int user = 0;
        harvestWanted = true;
        // Bounded, so that a thread does not harvest for others for ever under a steady
        // stream; when the bound is hit the flag stays set for the next caller.
        for (int round = 0; round < MAX_HARVEST_ROUNDS && harvestWanted; round++) {
            if (!reapLock.tryLock()) {
                return user;
            }
            try {
                harvestWanted = false;
                if (closed) {
                    return user;
                }
                user += harvestLocked();
            } finally {
                reapLock.unlock();
            }
        }
        return user;
    }

    /** A few passes over the ring. Under reapLock. */
    private int harvestLocked() {
        int user = 0;
        // Processing may rerun transfers (continuations, a pipe that became ready) that
        // complete inside io_submit, so their events are in the ring by the next pass.
        for (int pass = 0; pass < HARVEST_PASSES; pass++) {
            int n = ring.poll(evData, evRes);
            if (n == 0) {
                break;
            }
            user += process(n, false);
            if (pass == HARVEST_PASSES - 1) {
                // Still finding events: come back for them (see harvest).
                harvestWanted = true;
            }
        }
        if (ringWanted > ringSize) {
            replaceRingIfIdle();
        }
        return user;
    }

    @Override
    public void waitForCompletions(int minComplete, long timeoutNanos) {
        reapLock.lock();
        try {
            if (closed) {
                return;
            }
            // Ask the kernel only for what it can deliver (ops with the workers finish
            // outside it and kick), and never for more than one wake-up batch covers.
            int need = Math.max(1, Math.min(Math.min(minComplete, submitter.inKernel()), wakeMax));
            boolean early = wake.beginWait(need);
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
        } finally {
            wake.endWait();
            if (ringWanted > ringSize) {
                replaceRingIfIdle();
            }
            reapLock.unlock();
        }
        if (harvestWanted) {
            // Somebody left events in the ring while this thread held the lock.
            harvest();
        }
    }

    @Override
    public void wakeup(int target) {
        postWakeups(Math.max(1, Math.min(target, wakeMax)));
    }

    /**
     * Makes sure {@code k} wake-up events are pending (see {@link KernelWake#ensure}): enough
     * for any io_getevents whose min_nr is at most k, in progress or about to start.
     */
    private void postWakeups(int k) {
        submitLock.lock();
        try {
            if (!closed) {
                wake.ensure(k, wakePolls);
            }
        } finally {
            submitLock.unlock();
        }
    }

    /** Submits {@code n} wake-up POLLs on the readable internal eventfd. Under submitLock. */
    private int postPolls(int n) {
        long r = Aio.ioSubmit(ring.ctxId, n, wakePointers, 0);
        return r > 0 ? (int) r : 0;
    }

    /**
     * Tells a waiter in io_getevents that completions were posted without it: called after
     * every post that did not come from that waiter's own reaping.
     */
    private void kick() {
        wake.kick(wakeUp);
    }

    /** Handles {@code n} reaped events in evData/evRes, then posts. Under reapLock. */
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
        boolean posted = reaped.count > 0;
        post(reaped, leader);
        wake.swallowed(wakes, leader, posted);
        return n - wakes;
    }

    /** Posts collected completions, signals the notify eventfd for them, and kicks the waiter. */
    private void post(Completions out, boolean leader) {
        if (out.count == 0) {
            return;
        }
        sink.completeBatch(out.ops, out.count);
        if (notifyFd >= 0 && out.signals > 0) {
            LibC.eventfdWrite(notifyFd, out.signals);
        }
        out.clear();
        if (!leader) {
            kick();
        }
    }

    /** A worker finished an op. */
    private void completeOutside(Op op) {
        sink.complete(op);
        if (notifyFd >= 0) {
            LibC.eventfdWrite(notifyFd, 1);
        }
        kick();
    }

    /**
     * Grows to {@code newCapacity} (C9): more slots at once; a kernel context with room for
     * them replaces the current one as soon as nothing is in it (now, when the context is
     * idle and no thread is reaping). Until then what finds the kernel ring full runs on the
     * workers (see {@link KaioSubmitter#grow}).
     */
    @Override
    public void resize(int newCapacity) {
        submitLock.lock();
        try {
            if (closed) {
                return;
            }
            submitter.grow(newCapacity);
            ringWanted = Math.max(ringWanted, newCapacity + wakeMax);
        } finally {
            submitLock.unlock();
        }
        if (reapLock.tryLock()) {
            try {
                replaceRingIfIdle();
            } finally {
                reapLock.unlock();
            }
            if (harvestWanted) {
                harvest();
            }
        }
    }

    /**
     * Replaces the kernel context by a larger one when the capacity outgrew it and nothing
     * is in it: no user iocb in flight or waiting for room, and the wake-ups (which complete
     * inside io_submit) swallowed from the ring. io_destroy's wait is short then. Under
     * reapLock; takes submitLock.
     */
    private void replaceRingIfIdle() {
        submitLock.lock();
        try {
            if (closed || ringWanted <= ringSize || !submitter.quiescent()) {
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
            ring.destroy();
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
        Completions out = local.get();
        CancelResult result;
        submitLock.lock();
        try {
            if (closed) {
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
    public void cancelAll() {
        Completions out = local.get();
        submitLock.lock();
        try {
            if (!closed) {
                submitter.cancelAll(out);
            }
        } finally {
            submitLock.unlock();
        }
        post(out, false);
    }

    /**
     * Releases the context: (1) mark closed, so no call reaches the kernel or the ring any
     * more; (2) stop the workers; (3) io_destroy, which returns once every iocb in flight
     * (only internal wake-ups by now: the context calls this after every op reached the
     * sink) completed, and unmaps the ring; (4) close the internal eventfd and free the
     * native memory.
     */
    @Override
    public void close() {
        reapLock.lock();
        submitLock.lock();
        try {
            closed = true;
        } finally {
            submitLock.unlock();
            reapLock.unlock();
        }
        punt.close();
        reapLock.lock();
        submitLock.lock();
        try {
            if (!destroyed) {
                destroyed = true;
                ring.destroy();
                LibC.close(wakeFd);
                arena.close();
            }
        } finally {
            submitLock.unlock();
            reapLock.unlock();
        }
    }

    @Override
    public String toString() {
        return "KaioEngine(" + ectx.name() + ", " + (ring.mapped() ? "ring" : "io_getevents") + ")";
    }
}
