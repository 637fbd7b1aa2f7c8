package jaio.engine.uring;

import jaio.linux.IoUring;
import jaio.linux.IoUringSqe;
import jaio.spi.Execution;
import jaio.spi.Op;

/**
 * Called only under the engine's submit lock: CLOSE on io_uring. The socket is marked closed
 * when its SQE is written; when the CLOSE is its only request in flight the descriptor is
 * detached from the handle and closed by the kernel (IORING_OP_CLOSE, on the descriptor
 * itself, never a registered slot), else the SQE is a NOP and the descriptor is released by
 * the last request in flight on it (which the public layer has cancelled), so it is never
 * closed under one.
 */
final class UringClose extends UringOp {
    UringClose(UringSubmitter sub) {
        super(sub);
    }

    /** Kernel, async where the kernel has IORING_OP_CLOSE (5.6). */
    static Execution how(UringProbe probe) {
        return probe.op(IoUring.IORING_OP_CLOSE) ? Execution.KERNEL_ASYNC : null;
    }

    @Override
    void prepare(Op op, long at, int fd, int flags, long ud) {
        int plain = flags & ~IoUring.IOSQE_FIXED_FILE;
        if (op.file.closeDetaching()) {
            IoUringSqe.set(sqes, at, IoUring.IORING_OP_CLOSE, plain, 0, op.file.fd(), 0, 0, 0, 0, ud, 0);
        } else {
            IoUringSqe.set(sqes, at, IoUring.IORING_OP_NOP, plain, 0, -1, 0, 0, 0, 0, ud, 0);
        }
    }
}
