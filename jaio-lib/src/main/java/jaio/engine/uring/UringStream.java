package jaio.engine.uring;

import java.lang.foreign.MemorySegment;
import jaio.Errno;
import jaio.engine.SocketCalls;
import jaio.linux.IoUring;
import jaio.linux.IoUringSqe;
import jaio.linux.Iovec;
import jaio.linux.LibC;
import jaio.linux.MsgHdr;
import jaio.linux.Net;
import jaio.spi.Counters;
import jaio.spi.Execution;
import jaio.spi.Op;
import jaio.spi.Retry;

/**
 * Called only under the engine's submit lock: RECV, SEND, RECVMSG and SENDMSG on io_uring,
 * as IORING_OP_RECV, SEND, RECVMSG and SENDMSG (the vectored forms over the slot's msghdr and
 * iovec array). A socket that is not ready is waited for by the kernel (FAST_POLL arms its own
 * poll; on a non-blocking socket that answers -EAGAIN instead, a POLL_ADD is armed here and the
 * operation runs again when it fires), so no kernel worker waits for a socket. A short send is
 * continued from where it stopped unless the request is flagged PARTIAL (E4). Sends carry
 * MSG_NOSIGNAL: a reset peer is -EPIPE or -ECONNRESET in the event, never a SIGPIPE.
 */
final class UringStream extends UringOp {
    /** {@link Op#engineState} bit: the op waits for readiness (its SQE is a POLL_ADD). */
    static final int ARMED = 1;

    private final UringSlots slots;
    private final Counters counters;
    private final boolean poll32;

    UringStream(UringSubmitter sub) {
        super(sub);
        this.slots = sub.slots();
        this.counters = sub.counters();
        this.poll32 = sub.poll32();
    }

    /** Kernel, async where the kernel has all four operations (5.6) and POLL_ADD. */
    static Execution how(UringProbe probe) {
        return probe.op(IoUring.IORING_OP_RECV) && probe.op(IoUring.IORING_OP_SEND)
                && probe.op(IoUring.IORING_OP_RECVMSG) && probe.op(IoUring.IORING_OP_SENDMSG)
                && probe.op(IoUring.IORING_OP_POLL_ADD) ? Execution.KERNEL_ASYNC : null;
    }

    @Override
    void prepare(Op op, long at, int fd, int flags, long ud) {
        boolean recv = op.isRecv();
        if ((op.engineState & ARMED) != 0) {
            IoUringSqe.set(sqes, at, IoUring.IORING_OP_POLL_ADD, flags, 0, fd, 0, 0, 0,
                    UringPoll.mask(poll32, recv ? LibC.POLLIN : LibC.POLLOUT), ud, 0);
            return;
        }
        int msg = recv ? op.msgFlags : op.msgFlags | Net.MSG_NOSIGNAL | SocketCalls.more(op);
        if (op.segCount == 1) {
            long addr = op.ioSegs[0].address() + op.done;
            IoUringSqe.set(sqes, at, recv ? IoUring.IORING_OP_RECV : IoUring.IORING_OP_SEND, flags, 0, fd, 0, addr,
                    (int) op.remaining(), msg, ud, 0);
            return;
        }
        MemorySegment iov = slots.iovecs(op.slot, op.segCount);
        int n = Iovec.fillRemainder(iov, op.ioSegs, op.segCount, op.done);
        MemorySegment hdr = slots.msghdr(op.slot);
        MsgHdr.set(hdr, iov, n);
        IoUringSqe.set(sqes, at, recv ? IoUring.IORING_OP_RECVMSG : IoUring.IORING_OP_SENDMSG, flags, 0, fd, 0,
                hdr.address(), 1, msg, ud, 0);
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
            // Ready, hung up or in error: the operation itself tells which.
            return AGAIN;
        }
        if (res == -Errno.EAGAIN) {
            if (op.takeCancel()) {
                Retry.finish(op, -Errno.ECANCELED);
                return DONE;
            }
            op.engineState |= ARMED;
            return AGAIN;
        }
        if (Retry.afterIteration(op, res) == Retry.AGAIN) {
            counters.retries.increment();
            return AGAIN;
        }
        return DONE;
    }
}
