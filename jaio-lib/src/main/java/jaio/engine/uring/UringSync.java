package jaio.engine.uring;

import jaio.Opcode;
import jaio.linux.IoUring;
import jaio.linux.IoUringSqe;
import jaio.spi.Op;

/**
 * Called only under the engine's submit lock: FSYNC and FDSYNC on io_uring, one
 * IORING_OP_FSYNC (with IORING_FSYNC_DATASYNC for FDSYNC). Like the kernel's, it is not
 * ordered after earlier writes unless the requests are linked.
 */
final class UringSync extends UringOp {
    UringSync(UringSubmitter sub) {
        super(sub);
    }

    @Override
    void prepare(Op op, long at, int fd, int flags, long ud) {
        int sync = op.opcode == Opcode.FDSYNC ? IoUring.IORING_FSYNC_DATASYNC : 0;
        IoUringSqe.set(sqes, at, IoUring.IORING_OP_FSYNC, flags, 0, fd, 0, 0, 0, sync, ud, 0);
    }
}
