package jaio.engine.uring;

import java.lang.foreign.Arena;
import java.util.ArrayDeque;
import java.util.Iterator;

/**
 * Any thread may call it; one lock (the class's monitor) guards the parked instances, and no
 * system call runs under it. A small process-wide pool of drained io_uring instances, so that
 * opening and closing contexts does not set up, map, unmap and tear down a ring each time
 * (issue 14, item 8): io_uring_setup allocates and clears the rings, each munmap shoots down
 * the TLB of every CPU running the process, and the kernel's teardown runs on a worker thread
 * that competes for the CPU.
 *
 * <p><b>What may be parked</b> is decided by the closing engine: an instance that any thread
 * may use (not single-issuer, no SQPOLL thread), with no registered files or buffers, with
 * nothing in the kernel (checked with a drain marker, see the engine's close), its SQ
 * consumed and its CQ ring empty. When taken, the rings are seen through the new owner's
 * arena and checked again to be empty; a ring found otherwise is destroyed instead.
 *
 * <p><b>Bounds.</b> Each parked instance holds a descriptor and its ring memory: at most
 * {@link #MAX_PARKED} are parked, the oldest closed first when more come. An open that finds
 * descriptors or memory short (EMFILE, ENFILE, ENOMEM) closes every parked instance and tries
 * once more ({@link #destroyAll}).
 *
 * <p>Public only for tests and reports in other packages (the package is not exported).
 */
public final class UringRingPool {
    /** Most instances parked at once. */
    static final int MAX_PARKED = 16;

    /** A drained instance and what setup was asked for. */
    private record Parked(UringInstance ring, int sqEntries, int cqEntries, int flags) {}

    /** Newest first. Guarded by the class monitor. */
    private static final ArrayDeque<Parked> PARKED = new ArrayDeque<>();
    private static long reused;

    private UringRingPool() {}

    /**
     * Takes an instance set up with {@code sqEntries}, {@code cqEntries} and {@code flags},
     * most recently parked first, its rings now belonging to {@code owner}.
     *
     * @return the instance, or null when none is parked
     */
    static UringInstance take(int sqEntries, int cqEntries, int flags, Arena owner) {
        while (true) {
            Parked found = null;
            synchronized (UringRingPool.class) {
                for (Iterator<Parked> it = PARKED.iterator(); it.hasNext(); ) {
                    Parked p = it.next();
                    if (p.sqEntries == sqEntries && p.cqEntries == cqEntries && p.flags == flags) {
                        it.remove();
                        found = p;
                        break;
                    }
                }
            }
            if (found == null) {
                return null;
            }
            UringInstance r = found.ring.reattach(owner);
            if (r.idle()) {
                synchronized (UringRingPool.class) {
                    reused++;
                }
                return r;
            }
            // Cannot happen (only drained instances are parked); never hand over one that is not.
            found.ring.destroyParked();
        }
    }

    /**
     * Parks a drained instance (the caller checked it, see the class comment); its previous
     * owner's arena is closed or about to be. Closes the oldest parked one past the bound.
     */
    static void park(UringInstance ring, int sqEntries, int cqEntries, int flags) {
        Parked evicted = null;
        ring.markParked();
        synchronized (UringRingPool.class) {
            if (PARKED.size() >= MAX_PARKED) {
                evicted = PARKED.removeLast();
            }
            PARKED.addFirst(new Parked(ring, sqEntries, cqEntries, flags));
        }
        if (evicted != null) {
            evicted.ring.destroyParked();
        }
    }

    /**
     * Closes every parked instance (an open found descriptors or memory short; tests).
     *
     * @return how many were closed
     */
    public static int destroyAll() {
        ArrayDeque<Parked> all;
        synchronized (UringRingPool.class) {
            all = new ArrayDeque<>(PARKED);
            PARKED.clear();
        }
        for (Parked p : all) {
            p.ring.destroyParked();
        }
        return all.size();
    }

    /** Instances parked now. */
    public static int parked() {
        synchronized (UringRingPool.class) {
            return PARKED.size();
        }
    }

    /** Instances taken from the pool since the process started. */
    public static long reused() {
        synchronized (UringRingPool.class) {
            return reused;
        }
    }
}
