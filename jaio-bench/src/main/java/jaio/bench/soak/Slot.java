package jaio.bench.soak;

import java.lang.foreign.MemorySegment;
import jaio.Errno;
import jaio.Request;

/**
 * One reusable request of the soak and what it was sent to do. The submitting thread
 * prepares it; the reaping thread that takes its event checks it ({@link #check}) and then
 * gives it back through the free list, which publishes its fields both ways.
 */
final class Slot {
    /** What a slot carries; the pipe kinds are a lane's steps and are never cancelled. */
    enum Kind {
        READ_FIXED(true), READ_WRITTEN(true), WRITE(true), FSYNC(true), NOOP(true), TIMEOUT(true), POLL(true),
        PIPE_WRITE(false), PIPE_DRAIN(false);

        final boolean cancellable;

        Kind(boolean cancellable) {
            this.cancellable = cancellable;
        }
    }

    final Soak soak;
    final Request req = Soak.request();
    final MemorySegment buf = Soak.buffer();
    Kind kind;
    int block;
    long version;
    long id;
    Lane lane;
    /** Set by the submitter before submission, cleared with the event; read after a close. */
    volatile boolean inFlight;

    Slot(Soak soak) {
        this.soak = soak;
    }

    /**
     * Checks the result against what the slot was sent to do, updates the written blocks'
     * state, and returns what is wrong, or null. A data mismatch is counted in the ledger.
     * {@code closing}: the context is closing, which cancels even the lanes' requests.
     */
    String check(long r, boolean closing) {
        boolean canceled = r == -Errno.ECANCELED;
        switch (kind) {
            case READ_FIXED -> {
                if (r == Soak.BLOCK) {
                    mismatch(Soak.verify(buf, block, 0), block, 0);
                    return null;
                }
                return canceled ? null : "read of a fixed block: " + Errno.name(r);
            }
            case READ_WRITTEN -> {
                int b = block - Soak.READ_BLOCKS;
                try {
                    if (r == Soak.BLOCK) {
                        if (version >= 0) {
                            mismatch(Soak.verify(buf, block, version), block, version);
                        }
                        return null;
                    }
                    return canceled ? null : "read of a written block: " + Errno.name(r);
                } finally {
                    soak.busy.set(b, 0);
                }
            }
            case WRITE -> {
                int b = block - Soak.READ_BLOCKS;
                soak.versions.set(b, r == Soak.BLOCK ? version : -1);
                soak.busy.set(b, 0);
                return r == Soak.BLOCK || canceled ? null : "write: " + Errno.name(r);
            }
            case FSYNC, NOOP -> {
                return r == 0 || canceled ? null : kind + ": " + Errno.name(r);
            }
            case TIMEOUT -> {
                return r == 0 || r == -Errno.ETIME || canceled ? null : "timeout: " + Errno.name(r);
            }
            case POLL -> {
                lane.partDone();
                return r > 0 || canceled ? null : "poll: " + r;
            }
            case PIPE_WRITE -> {
                lane.partDone();
                return r == 1 || canceled && closing ? null : "pipe write: " + r;
            }
            case PIPE_DRAIN -> {
                lane.drained();
                return r == 1 || canceled && closing ? null : "pipe read: " + r;
            }
            default -> throw new AssertionError(kind);
        }
    }

    /** After a close that dropped this slot's event: the block it touched is free, and unknown if written. */
    void dropped() {
        if (kind == Kind.WRITE || kind == Kind.READ_WRITTEN) {
            int b = block - Soak.READ_BLOCKS;
            if (kind == Kind.WRITE) {
                soak.versions.set(b, -1);
            }
            soak.busy.set(b, 0);
        }
    }

    private void mismatch(int at, int blk, long ver) {
        if (at >= 0) {
            soak.ledger().mismatches.incrementAndGet();
            soak.ledger().note(soak.engineName() + ": request " + id + ": block " + blk + " version " + ver
                    + " differs at byte " + at);
        }
    }
}
