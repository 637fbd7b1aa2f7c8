package jaio.engine.uring;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import jaio.Errno;
import jaio.linux.IoUring;
import jaio.linux.IoUringSqe;
import jaio.linux.Timespec;
import jaio.spi.Execution;
import jaio.spi.Op;
import jaio.spi.Retry;

/**
 * Called only under the engine's submit lock, which guards its list of counting timeouts:
 * TIMEOUT on io_uring. The delay is an IORING_OP_TIMEOUT on the slot's timespec. The
 * completion count is kept here rather than by the kernel, whose own count would include
 * retry iterations and internal completions: after each pass of CQEs, every TIMEOUT whose
 * count of user completions is reached has its timer removed (TIMEOUT_REMOVE), and its CQE,
 * -ECANCELED then, becomes 0. A timer that fires first wins (-ETIME).
 *
 * <p>A remove that finds no timer (-ENOENT) while the TIMEOUT's CQE has not come is sent again
 * after the next pass: the kernel may arm a TIMEOUT after the call that submitted it returns
 * (one it starts on a worker thread, as it does with the first request after a drain), and
 * the completions it counts can be there first. Only the answer to a remove still outstanding
 * for the op in that slot counts, so a late answer for a slot's earlier TIMEOUT changes nothing.
 */
final class UringTimeout extends UringOp {
    /** {@link Op#engineState} bit: the completion count was reached and the timer removed. */
    static final int COUNT_MET = 2;
    /** {@link Op#engineState} bit: the op waits for a completion count (target in engineWord). */
    static final int COUNTING = 4;
    /** {@link Op#engineState} bit: a TIMEOUT_REMOVE of this op is in the kernel, not yet answered. */
    static final int REMOVING = 8;
    /**
     * For tests: TIMEOUTs are started with IOSQE_ASYNC, so that the kernel arms them on a
     * worker thread, later than the call that submits them (what a remove must survive).
     */
    static volatile boolean armLateForTests;
    /** Removes the kernel answered -ENOENT and that were sent again (for tests). */
    long removesAgain;

    private final UringSlots slots;
    /** TIMEOUTs waiting for a completion count, unordered. */
    private Op[] armed = new Op[4];
    private int armedCount;

    UringTimeout(UringSubmitter sub) {
        super(sub);
        this.slots = sub.slots();
    }

    /** Kernel, async where the kernel has TIMEOUT and TIMEOUT_REMOVE (5.4). */
    static Execution how(UringProbe probe) {
        return probe.op(IoUring.IORING_OP_TIMEOUT) && probe.op(IoUring.IORING_OP_TIMEOUT_REMOVE)
                ? Execution.KERNEL_ASYNC : null;
    }

    @Override
    void prepare(Op op, long at, int fd, int flags, long ud) {
        // A TIMEOUT has one iteration, so this is its start.
        if (op.timeoutCount > 0) {
            op.engineState = COUNTING;
            op.engineWord = sub.completedOps() + op.timeoutCount;
            arm(op);
        }
        MemorySegment ts = slots.timespec(op.slot);
        Timespec.set(ts, op.timeoutNanos);
        // off 0: the kernel's own completion count is not used.
        int sqeFlags = armLateForTests ? flags | IoUring.IOSQE_ASYNC : flags;
        IoUringSqe.set(sqes, at, IoUring.IORING_OP_TIMEOUT, sqeFlags, 0, -1, 0, ts.address(), 1, 0, ud, 0);
    }

    @Override
    int complete(Op op, int res) {
        if ((op.engineState & COUNTING) != 0) {
            unarm(op);
        }
        Retry.afterIteration(op, res == -Errno.ECANCELED && (op.engineState & COUNT_MET) != 0 ? 0 : res);
        return DONE;
    }

    @Override
    boolean watchesCompletions() {
        return true;
    }

    /** Removes the timer of every TIMEOUT whose completion count is reached. */
    @Override
    void afterCqes() {
        long completed = sub.completedOps();
        for (int i = 0; i < armedCount; i++) {
            Op op = armed[i];
            if ((op.engineState & COUNT_MET) == 0 && completed >= op.engineWord) {
                op.engineState |= COUNT_MET | REMOVING;
                IoUringSqe.set(sqes, sub.sqe(), IoUring.IORING_OP_TIMEOUT_REMOVE, 0, 0, -1, 0,
                        slots.userData(op.slot), 0, 0, UringSubmitter.REMOVE_TAG | op.slot, 0);
            }
        }
    }

    /**
     * The answer to the remove of slot {@code slot}'s TIMEOUT: -ENOENT while the op waits for
     * its CQE means the timer was not armed yet (or has fired, and its CQE, -ETIME, is on its
     * way), so the next pass sends the remove again. 0 and the other answers (the timer is
     * firing) leave the op to its CQE.
     */
    @Override
    void removeAnswered(int slot, int res) {
        for (int i = 0; i < armedCount; i++) {
            Op op = armed[i];
            if (op.slot == slot && (op.engineState & REMOVING) != 0) {
                op.engineState &= ~REMOVING;
                if (res == -Errno.ENOENT) {
                    op.engineState &= ~COUNT_MET;
                    removesAgain++;
                }
                return;
            }
        }
    }

    private void arm(Op op) {
        if (armedCount == armed.length) {
            armed = Arrays.copyOf(armed, armedCount * 2);
        }
        armed[armedCount++] = op;
    }

    private void unarm(Op op) {
        for (int i = 0; i < armedCount; i++) {
            if (armed[i] == op) {
                armed[i] = armed[--armedCount];
                armed[armedCount] = null;
                return;
            }
        }
    }
}
