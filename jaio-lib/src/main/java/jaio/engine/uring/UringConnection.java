package jaio.engine.uring;

import jaio.Errno;
import jaio.Opcode;
import jaio.linux.IoUring;
import jaio.linux.IoUringSqe;
import jaio.linux.LibC;
import jaio.linux.Net;
import jaio.spi.Execution;
import jaio.spi.Op;
import jaio.spi.Retry;

/**
 * Called only under the engine's submit lock: ACCEPT, CONNECT and SHUTDOWN on io_uring, as
 * IORING_OP_ACCEPT (the new socket non-blocking and close-on-exec, like every jaio socket),
 * IORING_OP_CONNECT and IORING_OP_SHUTDOWN. An ACCEPT with nothing to accept waits in the
 * kernel's poll; where the non-blocking listener answers -EAGAIN instead, a POLL_ADD waits and
 * the ACCEPT runs again. A CONNECT in progress (-EINPROGRESS or -EAGAIN) waits for POLLOUT and
 * then takes its outcome from SO_ERROR (a second connect would start over after a failure).
 */
final class UringConnection extends UringOp {
    /** {@link Op#engineState} bit: the op waits for readiness (its SQE is a POLL_ADD). */
    static final int ARMED = 1;

    private final boolean poll32;

    UringConnection(UringSubmitter sub) {
        super(sub);
        this.poll32 = sub.poll32();
    }

    /** Kernel, async where the kernel has ACCEPT, CONNECT (5.5), SHUTDOWN (5.11) and POLL_ADD. */
    static Execution how(UringProbe probe) {
        return probe.op(IoUring.IORING_OP_ACCEPT) && probe.op(IoUring.IORING_OP_CONNECT)
                && probe.op(IoUring.IORING_OP_SHUTDOWN) && probe.op(IoUring.IORING_OP_POLL_ADD)
                ? Execution.KERNEL_ASYNC : null;
    }

    @Override
    void prepare(Op op, long at, int fd, int flags, long ud) {
        if ((op.engineState & ARMED) != 0) {
            int events = op.opcode == Opcode.ACCEPT ? LibC.POLLIN : LibC.POLLOUT;
            IoUringSqe.set(sqes, at, IoUring.IORING_OP_POLL_ADD, flags, 0, fd, 0, 0, 0, UringPoll.mask(poll32, events),
                    ud, 0);
            return;
        }
        switch (op.opcode) {
            // addr and addr2 (off) 0: the peer's address is not wanted.
            case ACCEPT -> IoUringSqe.set(sqes, at, IoUring.IORING_OP_ACCEPT, flags, 0, fd, 0, 0, 0,
                    Net.SOCK_NONBLOCK | Net.SOCK_CLOEXEC, ud, 0);
            // off carries the address length.
            case CONNECT -> IoUringSqe.set(sqes, at, IoUring.IORING_OP_CONNECT, flags, 0, fd, op.addressLength,
                    op.address.address(), 0, 0, ud, 0);
            default -> IoUringSqe.set(sqes, at, IoUring.IORING_OP_SHUTDOWN, flags, 0, fd, 0, 0, op.how, 0, ud, 0);
        }
    }

    @Override
    int complete(Op op, int res) {
        if ((op.engineState & ARMED) != 0) {
            op.engineState &= ~ARMED;
            boolean cancel = op.takeCancel();
            if (res < 0 || cancel) {
                Retry.finish(op, cancel ? -Errno.ECANCELED : res);
                return DONE;
            }
            if (op.opcode == Opcode.CONNECT) {
                // Writable: the connection is made or failed; SO_ERROR says which.
                int err = Net.getIntOption(op.file.fd(), Net.SOL_SOCKET, Net.SO_ERROR);
                Retry.afterIteration(op, err < 0 ? err : -err);
                return DONE;
            }
            return AGAIN;
        }
        boolean waits = res == -Errno.EAGAIN || (op.opcode == Opcode.CONNECT && res == -Errno.EINPROGRESS);
        if (waits && op.opcode != Opcode.SHUTDOWN) {
            if (op.takeCancel()) {
                Retry.finish(op, -Errno.ECANCELED);
                return DONE;
            }
            op.engineState |= ARMED;
            return AGAIN;
        }
        Retry.afterIteration(op, res);
        return DONE;
    }
}
