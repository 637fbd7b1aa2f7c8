package jaio.engine;

import java.util.Arrays;
import jaio.Opcode;
import jaio.spi.FileHandle;
import jaio.spi.Op;

/**
 * Used under its {@link WorkerPool}'s lock, except {@link #mayHoldTurn} and the sync clock
 * ({@link #syncStarted}, {@link #iterationStarts}: a volatile any thread writes, a racy value is
 * fine). Per file, one of the pool's ops that the owner wants serialized
 * ({@link PoolOwner#onePerFile}, buffered writes) is in the pool's queue
 * or running at a time (while a sync runs, {@link #SYNC_QUIET_NANOS}: as many as
 * {@link PoolOwner#turnsWhileSyncing} says); the others wait here, in the order they came, and
 * the next one goes to the queue when one admitted finishes.
 *
 * <p>Why: a file system takes the file's inode lock exclusively for a buffered write (ext4,
 * XFS, btrfs), so writers of one file run one after another in the kernel anyway; workers that
 * write one file together each sleep on the lock and are woken for it, a context switch or two
 * per write that a single writer does not pay (128 KiB writes at depth 32: 1819 MiB/s with 32
 * writers, 2125 with one; 4 KiB random writes: 215k against 400k IOPS). Without syncs, two at a
 * time was worse than either: each write then woke the other writer. Holding the rest here also
 * wakes no worker for an op that would only wait for the lock.
 *
 * <p>A lane exists while its file has an op admitted, in a small array reused from file to
 * file (a handful of files have writes in flight at once; a lookup is a scan), so nothing is
 * allocated per op and no file is remembered after its last write ended.
 */
final class FileLanes {
    static final int LANED = WorkerPool.LANED;
    /**
     * How long after a sync started a file's ops that take turns run as many at once as
     * {@link PoolOwner#turnsWhileSyncing} says, instead of one. With syncs in flight, one writer per file was down to half the speed of many (a log
     * written in 64 KiB blocks with an fsync every 16: 850 against 1850 MiB/s), since the one
     * writer waits on the sync's journal commit with the rest queued behind it; two were as fast
     * as many (1909 MiB/s), and with batches of 32 writes and their fsync, many writers, each
     * woken for the inode lock, fell to 0.85x of one (docs/PERFORMANCE.md, "Item 6, third pass"
     * and "Two writers per file while a sync runs").
     */
    static final long SYNC_QUIET_NANOS = 10_000_000L;
    /** {@link #lastSync} before any sync. */
    private static final long NEVER = Long.MIN_VALUE;

    /** One file's admitted ops and those waiting for a turn. */
    private static final class Lane {
        FileHandle file;
        /** The ops holding a turn; null where none does. */
        final Op[] admitted;
        /** Non-null entries of {@link #admitted}. */
        int holding;
        final OpQueue waiting = new OpQueue(LANED);

        Lane(int turns) {
            admitted = new Op[turns];
        }

        void hold(Op op) {
            for (int i = 0; i < admitted.length; i++) {
                if (admitted[i] == null) {
                    admitted[i] = op;
                    holding++;
                    return;
                }
            }
            throw new IllegalStateException("no free turn");
        }

        /** Gives {@code op}'s turn back; false when it held none here. */
        boolean drop(Op op) {
            for (int i = 0; i < admitted.length; i++) {
                if (admitted[i] == op) {
                    admitted[i] = null;
                    holding--;
                    return true;
                }
            }
            return false;
        }
    }

    private final PoolOwner owner;
    private Lane[] lanes = new Lane[4];
    /** Lanes in use: lanes[0, used). */
    private int used;
    /** When the last sync started. */
    private volatile long lastSync = NEVER;
    /** {@link #SYNC_QUIET_NANOS}, which tests change (before the pool is used). */
    long syncQuietNanos = SYNC_QUIET_NANOS;

    /** {@link PoolOwner#turnsWhileSyncing}: 1 or 2, or MAX_VALUE for no turns while syncing. */
    private final int syncTurns;

    FileLanes(PoolOwner owner) {
        this.owner = owner;
        int t = owner.turnsWhileSyncing();
        if (t != Integer.MAX_VALUE && (t < 1 || t > 2)) {
            throw new IllegalArgumentException("turnsWhileSyncing must be 1, 2 or Integer.MAX_VALUE, was " + t);
        }
        this.syncTurns = t;
    }

    /** A sync of one of the owner's files starts: for a while a file's writes get more turns. */
    void syncStarted() {
        lastSync = System.nanoTime();
    }

    /** A worker or a waiting thread is about to run an iteration of {@code op}: a sync counts. */
    void iterationStarts(Op op) {
        if (op.opcode == Opcode.FSYNC || op.opcode == Opcode.FDSYNC) {
            syncStarted();
        }
    }

    /** Whether {@code op} is of those that may hold a turn (no lock needed). */
    boolean mayHoldTurn(Op op) {
        return owner.onePerFile(op);
    }

    /**
     * Whether {@code op} may go to the queue now: it takes no turns (not of those the owner
     * names), or it takes one of its file's turns (one, two while a sync runs lately) with no
     * op waiting before it; false when it waits in the lane, in the order it came.
     */
    boolean admit(Op op) {
        if (!owner.onePerFile(op)) {
            return true;
        }
        int t = turns();
        if (t == Integer.MAX_VALUE) {
            // No turns for now: it runs beside the others, and holds none when it ends.
            return true;
        }
        Lane l = find(op.file);
        if (l == null) {
            open(op.file).hold(op);
            return true;
        }
        if (l.waiting.isEmpty() && l.holding < t) {
            l.hold(op);
            return true;
        }
        l.waiting.add(op);
        return false;
    }

    /**
     * {@code op}, admitted, is finished or left the pool: the next op waiting on its file, now
     * holding the turn it gave back, for the caller to queue; or null.
     */
    Op release(Op op) {
        if (!owner.onePerFile(op)) {
            return null;
        }
        Lane l = find(op.file);
        if (l == null || !l.drop(op)) {
            // It held no turn (it reached the pool while there were none): nothing changes.
            return null;
        }
        return next(l);
    }

    /**
     * After {@link #release} returned an op of {@code f}'s: one more that may take a turn now
     * (the file has a free one while a sync runs), for the caller to queue; or null.
     */
    Op more(FileHandle f) {
        Lane l = find(f);
        return l == null ? null : next(l);
    }

    private Op next(Lane l) {
        int t = turns();
        if (l.holding < t) {
            Op next = l.waiting.poll();
            if (next != null) {
                if (t != Integer.MAX_VALUE) {
                    l.hold(next);
                }
                // else no turns for now: it runs beside the others, holding none
                return next;
            }
        }
        if (l.holding == 0 && l.waiting.isEmpty()) {
            close(l);
        }
        return null;
    }

    private int turns() {
        return syncing() ? syncTurns : 1;
    }

    private boolean syncing() {
        long t = lastSync;
        return t != NEVER && System.nanoTime() - t <= syncQuietNanos;
    }

    /** Takes {@code op} out of its lane when it waits there; false otherwise. */
    boolean remove(Op op) {
        if (op.engineState != LANED) {
            return false;
        }
        Lane l = find(op.file);
        return l != null && l.waiting.remove(op);
    }

    /** Takes the oldest op waiting in any lane out (for close), or returns null. */
    Op pollWaiting() {
        for (int i = 0; i < used; i++) {
            Op op = lanes[i].waiting.poll();
            if (op != null) {
                return op;
            }
        }
        return null;
    }

    /** Ops waiting in lanes (for tests). */
    int waiting() {
        int n = 0;
        for (int i = 0; i < used; i++) {
            n += lanes[i].waiting.size();
        }
        return n;
    }

    /** Files with a lane (for tests). */
    int files() {
        return used;
    }

    private Lane find(FileHandle f) {
        for (int i = 0; i < used; i++) {
            if (lanes[i].file == f) {
                return lanes[i];
            }
        }
        return null;
    }

    private Lane open(FileHandle f) {
        if (used == lanes.length) {
            lanes = Arrays.copyOf(lanes, used * 2);
        }
        Lane l = lanes[used];
        if (l == null) {
            l = new Lane(syncTurns == Integer.MAX_VALUE ? 1 : syncTurns);
            lanes[used] = l;
        }
        used++;
        l.file = f;
        return l;
    }

    /** A lane with nothing admitted and nothing waiting: its file is forgotten, the lane kept for reuse. */
    private void close(Lane l) {
        int i = 0;
        while (lanes[i] != l) {
            i++;
        }
        l.file = null;
        lanes[i] = lanes[used - 1];
        lanes[used - 1] = l;
        used--;
    }
}
