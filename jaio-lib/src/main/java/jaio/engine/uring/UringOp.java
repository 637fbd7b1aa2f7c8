package jaio.engine.uring;

import java.lang.foreign.MemorySegment;
import jaio.spi.Op;
import jaio.spi.Retry;

/**
 * Called only under the engine's submit lock: how one family of opcodes runs on io_uring,
 * that is the SQE of an op's next iteration and what its CQE means. One instance per family
 * per engine, found through the engine's opcode table ({@link UringOpcodes}); a new opcode is
 * a new subclass plus a line there.
 *
 * <p>A family may keep state in its instance (the submit lock guards it) and in the op's
 * engine scratch ({@link Op#engineState}, {@link Op#engineWord}), which is the family's own
 * from the op's first SQE to its final CQE. A family whose op takes more than one SQE (a
 * splice through a pipe: read into it, then write from it, linked) reserves them together
 * ({@link UringSubmitter#reserve}) and writes the rest at {@link UringSubmitter#sqe()}; their
 * CQEs come back to {@link #complete} under the op's one user_data.
 */
abstract class UringOp {
    /** {@link #complete}: the op is finished, its result set; the submitter posts it. */
    static final int DONE = 0;
    /** {@link #complete}: the op goes on; the submitter has {@link #prepare} write its next SQE. */
    static final int AGAIN = 1;

    protected final UringSubmitter sub;
    /** The SQE array, where {@link #prepare} writes. */
    protected final MemorySegment sqes;

    UringOp(UringSubmitter sub) {
        this.sub = sub;
        this.sqes = sub.sqes();
    }

    /**
     * Writes the SQE of the op's next iteration (its first, or the one {@link #complete}
     * asked for) at byte {@code at} of {@link #sqes}.
     *
     * @param fd    the op's descriptor, or its registered index (then flags has IOSQE_FIXED_FILE); -1 without one
     * @param flags the IOSQE_* bits the submitter chose (registered file; a chain's link bits)
     * @param ud    the user_data of the op's slot, which its CQE carries back
     */
    abstract void prepare(Op op, long at, int fd, int flags, long ud);

    /**
     * The CQE of the op's current iteration carried {@code res} (bytes, a poll mask, 0, or
     * -errno): {@link #DONE} or {@link #AGAIN}. The default: one iteration is the whole op.
     */
    int complete(Op op, int res) {
        Retry.afterIteration(op, res);
        return DONE;
    }

    /** Whether {@link #afterCqes} must run after every pass of CQEs (a family that counts completions). */
    boolean watchesCompletions() {
        return false;
    }

    /** After a pass of CQEs, for a family that {@link #watchesCompletions}; may write SQEs. */
    void afterCqes() {
    }

    /** For a family that {@link #watchesCompletions}: the answer to its TIMEOUT_REMOVE of slot {@code slot}. */
    void removeAnswered(int slot, int res) {
    }

    /** The engine is released (nothing of this family is in flight): gives back what the family holds. */
    void release() {
    }
}
