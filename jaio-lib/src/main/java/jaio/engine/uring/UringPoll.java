package jaio.engine.uring;

import jaio.linux.IoUring;
import jaio.linux.IoUringSqe;
import jaio.spi.Execution;
import jaio.spi.Op;

/**
 * Called only under the engine's submit lock: POLL on io_uring, a one-shot
 * IORING_OP_POLL_ADD whose CQE carries the ready mask.
 */
final class UringPoll extends UringOp {
    private final boolean poll32;

    UringPoll(UringSubmitter sub) {
        super(sub);
        this.poll32 = sub.poll32();
    }

    /** Kernel, async where the kernel has POLL_ADD (5.1). */
    static Execution how(UringProbe probe) {
        return probe.op(IoUring.IORING_OP_POLL_ADD) ? Execution.KERNEL_ASYNC : null;
    }

    /** A poll mask in the op_flags word: poll32_events, or the 16-bit poll_events of older kernels. */
    static int mask(boolean poll32, int events) {
        return poll32 ? events : events & 0xFFFF;
    }

    @Override
    void prepare(Op op, long at, int fd, int flags, long ud) {
        IoUringSqe.set(sqes, at, IoUring.IORING_OP_POLL_ADD, flags, 0, fd, 0, 0, 0, mask(poll32, op.pollEvents), ud, 0);
    }
}
