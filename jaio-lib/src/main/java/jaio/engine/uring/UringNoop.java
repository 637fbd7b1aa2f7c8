package jaio.engine.uring;

import jaio.linux.IoUring;
import jaio.linux.IoUringSqe;
import jaio.spi.Op;

/**
 * Called only under the engine's submit lock: NOOP on io_uring, an IORING_OP_NOP that
 * completes inside the io_uring_enter that submits it, with result 0.
 */
final class UringNoop extends UringOp {
    UringNoop(UringSubmitter sub) {
        super(sub);
    }

    @Override
    void prepare(Op op, long at, int fd, int flags, long ud) {
        IoUringSqe.set(sqes, at, IoUring.IORING_OP_NOP, flags, 0, -1, 0, 0, 0, 0, ud, 0);
    }
}
