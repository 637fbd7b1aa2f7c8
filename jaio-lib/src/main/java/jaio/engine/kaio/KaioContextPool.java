package jaio.engine.kaio;

import java.util.ArrayDeque;
import java.util.Iterator;
import jaio.linux.Aio;

/**
 * Any thread may call it; one lock (the class's monitor) guards the parked contexts, and no
 * system call runs under it. A small process-wide pool of drained native AIO contexts, so that
 * opening and closing contexts does not pay io_destroy each time (issue 14, item 8).
 *
 * <p><b>Why.</b> io_destroy returns only after an RCU grace period, tens of milliseconds,
 * even for an idle context: a program opening a context per file or per task was held to a
 * few dozen contexts a second. A closing engine whose context is drained parks it here
 * instead ({@link KaioRing#release}), and the next open asking io_setup for the same count
 * takes it ({@link KaioRing#open}).
 *
 * <p><b>What may be parked</b> is decided by the engine and checked again by the ring: no
 * iocb of the previous user in the kernel (every user event and every wake-up reaped), and
 * the ring's head equal to its tail. A context is taken back only when its head still equals
 * its tail, so no event of a previous user can reach the next one. A context that closed with
 * iocbs it could not drain is destroyed as before.
 *
 * <p><b>Bounds.</b> A parked context keeps its kernel memory and counts against the
 * system-wide fs.aio-max-nr, which other programs share: at most {@link #MAX_PARKED} contexts
 * and {@link #MAX_PARKED_EVENTS} io_setup events in all are parked; parking past either
 * destroys the oldest parked ones first. When io_setup runs out of that budget (EAGAIN), the
 * opener destroys every parked context and tries once more ({@link #destroyAll}). Parked
 * contexts hold no file descriptor; the kernel frees what is still parked when the process
 * exits.
 *
 * <p>Public only for tests and reports in other packages (the package is not exported).
 */
public final class KaioContextPool {
    /** Most contexts parked at once. */
    static final int MAX_PARKED = 16;
    /** Most io_setup events parked at once, 1/8 of fs.aio-max-nr's default (65536). */
    static final int MAX_PARKED_EVENTS = 8192;

    /** A drained context: its id and the count io_setup was asked for. */
    private record Parked(long ctxId, int nrEvents) {}

    /** Newest first. Guarded by the class monitor. */
    private static final ArrayDeque<Parked> PARKED = new ArrayDeque<>();
    private static int parkedEvents;
    /** Contexts taken from the pool and parked in it, for tests and reports. */
    private static long reused;
    private static long parkedTotal;

    private KaioContextPool() {}

    /**
     * Takes a parked context made by io_setup({@code nrEvents}), most recently parked first.
     *
     * @return its id, or 0 when none is parked
     */
    static long take(int nrEvents) {
        synchronized (KaioContextPool.class) {
            for (Iterator<Parked> it = PARKED.iterator(); it.hasNext(); ) {
                Parked p = it.next();
                if (p.nrEvents == nrEvents) {
                    it.remove();
                    parkedEvents -= nrEvents;
                    reused++;
                    return p.ctxId;
                }
            }
            return 0;
        }
    }

    /**
     * Parks a drained context (the caller checked that nothing of it is in the kernel and its
     * ring is empty), destroying the oldest parked ones when the bounds would be passed.
     *
     * @return false when it is larger than the whole budget: the caller destroys it
     */
    static boolean park(long ctxId, int nrEvents) {
        if (nrEvents > MAX_PARKED_EVENTS) {
            return false;
        }
        ArrayDeque<Parked> evicted = null;
        synchronized (KaioContextPool.class) {
            while (PARKED.size() >= MAX_PARKED || parkedEvents + nrEvents > MAX_PARKED_EVENTS) {
                Parked old = PARKED.removeLast();
                parkedEvents -= old.nrEvents;
                if (evicted == null) {
                    evicted = new ArrayDeque<>();
                }
                evicted.add(old);
            }
            PARKED.addFirst(new Parked(ctxId, nrEvents));
            parkedEvents += nrEvents;
            parkedTotal++;
        }
        destroy(evicted);
        return true;
    }

    /**
     * Destroys every parked context (io_setup said EAGAIN: they hold the budget it needs).
     *
     * @return how many were destroyed
     */
    public static int destroyAll() {
        ArrayDeque<Parked> all;
        synchronized (KaioContextPool.class) {
            all = new ArrayDeque<>(PARKED);
            PARKED.clear();
            parkedEvents = 0;
        }
        destroy(all);
        return all.size();
    }

    private static void destroy(ArrayDeque<Parked> ps) {
        if (ps != null) {
            for (Parked p : ps) {
                Aio.ioDestroy(p.ctxId);
            }
        }
    }

    /** Contexts parked now. */
    public static int parked() {
        synchronized (KaioContextPool.class) {
            return PARKED.size();
        }
    }

    /** Contexts taken from the pool since the process started. */
    public static long reused() {
        synchronized (KaioContextPool.class) {
            return reused;
        }
    }

    /** Contexts parked since the process started. */
    public static long parkedTotal() {
        synchronized (KaioContextPool.class) {
            return parkedTotal;
        }
    }
}
