package jaio.engine;

import jaio.RequestFlag;
import jaio.spi.FileHandle;
import jaio.spi.Op;

/**
 * Where a {@link WorkerPool} reports, on the thread that ran the iteration, with no lock held;
 * and what the engine that owns the pool decides for its ops.
 */
public interface PoolOwner {
    /** An iteration was short and the op goes back to the queue (E4's retry count). */
    void retried();

    /** {@code op} is finished (result set, engineState 0): post it. */
    void finished(Op op);

    /** {@code ops[0, count)} are finished (result set, engineState 0): post them. */
    default void finishedBatch(Op[] ops, int count) {
        for (int i = 0; i < count; i++) {
            finished(ops[i]);
        }
    }

    /**
     * Whether a thread waiting for events, which is not a worker, may run {@code op}'s next
     * iteration ({@link WorkerPool#runQueued}): the iteration must not depend on the thread (an
     * interrupt of it, per-thread resources a worker keeps) and must never wait for
     * readiness on it. No op is left for a waiter, nor run by one, without this.
     */
    default boolean mayRunOnWaiter(Op op) {
        return false;
    }

    /** A waiting thread is about to run an iteration in a worker's place (caller-runs). */
    default void ranOnWaiter() {
    }

    /**
     * Whether {@code op} is one of those of which the pool runs one per file at a time
     * ({@link FileLanes}; {@link #takesTurns} names the buffered writes, which the file
     * system serializes anyway). Must give the same answer for an op every time it is asked.
     */
    default boolean onePerFile(Op op) {
        return false;
    }

    /**
     * How many ops of one file that {@link #onePerFile} names may hold a turn at once while a
     * sync of the owner runs lately ({@link FileLanes#SYNC_QUIET_NANOS}); one at other times.
     * {@link Integer#MAX_VALUE}, the default: no turns then, they all run side by side.
     * Otherwise 1 or 2.
     */
    default int turnsWhileSyncing() {
        return Integer.MAX_VALUE;
    }

    /**
     * A buffered write to a regular file, not durable by itself: what engines let take turns
     * per file ({@link #onePerFile}). A write that syncs (DSYNC or SYNC, by its flags or
     * its file's) is left out: it waits for the device, and such writes side by side share
     * the file system's journal commits.
     */
    static boolean takesTurns(Op op) {
        return op.isWrite() && op.file != null && op.file.kind() == FileHandle.Kind.FILE
                && !op.file.direct() && !op.file.syncWrites()
                && (op.flags & (RequestFlag.DSYNC.bit() | RequestFlag.SYNC.bit())) == 0;
    }
}
