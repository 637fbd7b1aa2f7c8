package jaio.engine.kaio;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jaio.Errno;
import jaio.linux.Aio;
import jaio.linux.AioRing;
import jaio.linux.IoEvent;
import jaio.linux.Timespec;
import jaio.spi.SetupException;

/**
 * Not thread safe: one reaper at a time (the engine's reap lock; io_destroy and parking under
 * both of its locks). One native AIO context and its completion ring: io_setup (or a drained
 * context from the {@link KaioContextPool}), reaping, and at close parking or io_destroy.
 *
 * <p>The one-reaper rule is what makes reading the user-mapped ring safe: the ring and
 * io_getevents both consume events, so the ring must never be read while a thread is inside
 * io_getevents on the same context, or an event could be taken twice.
 *
 * <p>Events are copied into the caller's {@code data}/{@code res} arrays, so the engine
 * processes them with the ring head already moved and the kernel free to reuse the slots.
 */
final class KaioRing {
    /** The context id, which is also the ring's address. */
    final long ctxId;
    private final MemorySegment ring;
    /** Whether the ring header is one {@link AioRing} understands (so head and tail can be read). */
    private final boolean compatible;
    private final boolean mapped;
    /** The count io_setup was asked for: the pool's key. */
    private final int requested;
    private final int nr;
    private final MemorySegment events;
    private final MemorySegment timeout;
    private final MemorySegment zero;
    /** Destroyed or parked: the context is no longer this object's. */
    private boolean released;

    private KaioRing(long ctxId, MemorySegment ring, boolean compatible, boolean mapped, int requested, int nr,
                     Arena arena) {
        this.ctxId = ctxId;
        this.ring = ring;
        this.compatible = compatible;
        this.mapped = mapped;
        this.requested = requested;
        this.nr = nr;
        this.events = arena.allocate(IoEvent.LAYOUT, nr);
        this.timeout = arena.allocate(Timespec.LAYOUT);
        this.zero = arena.allocate(Timespec.LAYOUT);
    }

    /**
     * A context for {@code nrEvents} requests in flight (the kernel rounds up): a drained one
     * from the {@link KaioContextPool} when one of that count is parked, else io_setup's. When
     * io_setup runs out of fs.aio-max-nr (EAGAIN) while contexts are parked, they are
     * destroyed and io_setup is tried once more.
     *
     * @param useRing false forces io_getevents even when the ring header is understood (tests)
     * @throws IOException naming io_setup and the errno, with a hint for the usual causes
     */
    static KaioRing open(int nrEvents, boolean useRing, Arena arena) throws IOException {
        long id;
        while ((id = KaioContextPool.take(nrEvents)) != 0) {
            KaioRing r = of(id, nrEvents, useRing, arena);
            if (r.compatible && r.empty()) {
                return r;
            }
            // Cannot happen (only empty rings are parked); never hand over a ring with events.
            r.destroy();
        }
        MemorySegment out = arena.allocate(ValueLayout.JAVA_LONG);
        int r = Aio.ioSetup(nrEvents, out);
        if (r == -Errno.EAGAIN && KaioContextPool.destroyAll() > 0) {
            out.set(ValueLayout.JAVA_LONG, 0, 0L);
            r = Aio.ioSetup(nrEvents, out);
        }
        if (r < 0) {
            throw new SetupException("io_setup(" + nrEvents + "): " + Errno.describe(r) + KaioProbe.hint(r), -r);
        }
        return of(out.get(ValueLayout.JAVA_LONG, 0), nrEvents, useRing, arena);
    }

    private static KaioRing of(long id, int nrEvents, boolean useRing, Arena arena) {
        MemorySegment ring = AioRing.map(id, arena);
        boolean ok = AioRing.compatible(ring);
        // Without a readable header we do not know nr: the kernel allots at least twice the
        // requested count, which bounds what one io_getevents can return.
        int n = ok ? AioRing.nr(ring) : Math.max(2 * nrEvents, 64);
        return new KaioRing(id, ring, ok, ok && useRing, nrEvents, n, arena);
    }

    /** Whether events are read from the mapped ring (else with io_getevents). */
    boolean mapped() {
        return mapped;
    }

    /** Most events one reap can return; size the caller's arrays with it. */
    int capacity() {
        return nr;
    }

    /** The ring header, for reports. */
    String describe() {
        return AioRing.describe(ring);
    }

    /**
     * Takes the events that are already there, up to {@code data.length}, without waiting:
     * straight from the mapped ring (no system call), or with a polling io_getevents.
     *
     * @return events taken (0 when none, or on an error of the fallback call)
     */
    int poll(long[] data, long[] res) {
        if (!mapped) {
            long n = Aio.ioGetevents(ctxId, 0, Math.min(nr, data.length), events, zero);
            return n <= 0 ? 0 : copy((int) n, data, res);
        }
        int head = AioRing.head(ring);
        int tail = AioRing.tailAcquire(ring);
        if (head == tail) {
            return 0;
        }
        // The kernel clamps a head that user space may have corrupted the same way.
        head = Integer.remainderUnsigned(head, nr);
        int n = 0;
        int max = data.length;
        while (head != tail && n < max) {
            long off = AioRing.eventOffset(head);
            data[n] = IoEvent.data(ring, off);
            res[n] = IoEvent.res(ring, off);
            n++;
            head = head + 1 == nr ? 0 : head + 1;
        }
        AioRing.headRelease(ring, head);
        return n;
    }

    /**
     * Waits with io_getevents until {@code minNr} events have arrived or the timeout passes
     * ({@code timeoutNanos < 0}: no limit), and takes up to {@code data.length}.
     *
     * @return events taken, or -errno (-EINTR when a signal came first)
     */
    int await(int minNr, long timeoutNanos, long[] data, long[] res) {
        MemorySegment ts = MemorySegment.NULL;
        if (timeoutNanos >= 0) {
            Timespec.set(timeout, timeoutNanos);
            ts = timeout;
        }
        int max = Math.min(nr, data.length);
        long n = Aio.ioGetevents(ctxId, Math.min(minNr, max), max, events, ts);
        if (n <= 0) {
            return (int) n;
        }
        return copy((int) n, data, res);
    }

    private int copy(int n, long[] data, long[] res) {
        for (int i = 0; i < n; i++) {
            long off = i * IoEvent.SIZE;
            data[i] = IoEvent.data(events, off);
            res[i] = IoEvent.res(events, off);
        }
        return n;
    }

    /**
     * Whether no event waits in the ring (head equals tail). Only for a compatible header;
     * under the reap lock, like every read of the ring.
     */
    boolean empty() {
        return AioRing.head(ring) == AioRing.tailAcquire(ring);
    }

    /**
     * Gives the context up at close: parks it in the {@link KaioContextPool} when
     * {@code drained} (the engine's word that no iocb of it is in the kernel any more and
     * every event of it was reaped) and its ring is seen empty, else destroys it. Idempotent.
     *
     * @return whether it was parked
     */
    /** Whether the context was destroyed or parked. */
    boolean released() {
        return released;
    }

    boolean release(boolean drained) {
        if (released) {
            return false;
        }
        if (drained && compatible && empty() && KaioContextPool.park(ctxId, requested)) {
            released = true;
            return true;
        }
        destroy();
        return false;
    }

    /**
     * io_destroy: the kernel cancels what it can and returns once every request in flight has
     * completed; the ring is unmapped. Idempotent (and nothing once the context was parked).
     */
    void destroy() {
        if (!released) {
            Aio.ioDestroy(ctxId);
            released = true;
        }
    }
}
