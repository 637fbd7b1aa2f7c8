package jaio.engine.uring;

import java.lang.foreign.MemorySegment;
import jaio.Errno;
import jaio.RequestFlag;
import jaio.engine.KernelFlags;
import jaio.linux.IoUring;
import jaio.linux.IoUringSqe;
import jaio.linux.Iovec;
import jaio.linux.LibC;
import jaio.spi.Counters;
import jaio.spi.FileHandle;
import jaio.spi.Op;
import jaio.spi.Retry;

/**
 * Called only under the engine's submit lock: PREAD, PWRITE, PREADV and PWRITEV on io_uring.
 * A single buffer is READ/WRITE, or READ_FIXED/WRITE_FIXED when it lies inside a registered
 * buffer; several are READV/WRITEV over the slot's iovec array. A short transfer is continued
 * from where it stopped (E4). A transfer on a non-blocking pipe, socket or eventfd that is not
 * ready waits for readiness with a POLL_ADD and then runs again, so it holds no kernel worker.
 */
final class UringTransfer extends UringOp {
    /** {@link Op#engineState} bit: the op waits for readiness (its SQE is a POLL_ADD). */
    static final int ARMED = 1;

    private final UringSlots slots;
    private final UringBuffers buffers;
    private final Counters counters;
    private final boolean poll32;

    UringTransfer(UringSubmitter sub) {
        super(sub);
        this.slots = sub.slots();
        this.buffers = sub.buffers();
        this.counters = sub.counters();
        this.poll32 = sub.poll32();
    }

    @Override
    void prepare(Op op, long at, int fd, int flags, long ud) {
        if ((op.engineState & ARMED) != 0) {
            int events = op.isRead() ? LibC.POLLIN : LibC.POLLOUT;
            IoUringSqe.set(sqes, at, IoUring.IORING_OP_POLL_ADD, flags, 0, fd, 0, 0, 0,
                    UringPoll.mask(poll32, events), ud, 0);
            return;
        }
        int prio = KernelFlags.ioprio(op.priority);
        int rw = KernelFlags.rw(op.flags);
        boolean read = op.isRead();
        if (op.segCount == 1) {
            long addr = op.ioSegs[0].address() + op.done;
            int len = (int) op.remaining();
            int bi = buffers.find(addr, len);
            int code;
            if (bi >= 0) {
                code = read ? IoUring.IORING_OP_READ_FIXED : IoUring.IORING_OP_WRITE_FIXED;
                sub.fixedTransfers++;
            } else {
                code = read ? IoUring.IORING_OP_READ : IoUring.IORING_OP_WRITE;
                bi = 0;
            }
            IoUringSqe.set(sqes, at, code, flags, prio, fd, op.nextOffset(), addr, len, rw, ud, bi);
        } else {
            MemorySegment iov = slots.iovecs(op.slot, op.segCount);
            int n = Iovec.fillRemainder(iov, op.ioSegs, op.segCount, op.done);
            IoUringSqe.set(sqes, at, read ? IoUring.IORING_OP_READV : IoUring.IORING_OP_WRITEV, flags, prio, fd,
                    op.nextOffset(), iov.address(), n, rw, ud, 0);
        }
    }

    @Override
    int complete(Op op, int res) {
        if ((op.engineState & ARMED) != 0) {
            op.engineState &= ~ARMED;
            if (res < 0) {
                Retry.finish(op, op.takeCancel() ? -Errno.ECANCELED : res);
                return DONE;
            }
            if (op.takeCancel()) {
                Retry.finish(op, -Errno.ECANCELED);
                return DONE;
            }
            // Ready, hung up or in error: the transfer itself tells which.
            return AGAIN;
        }
        if (res == -Errno.EAGAIN && !op.cancelRequested() && (op.flags & RequestFlag.NOWAIT.bit()) == 0
                && op.file.kind() != FileHandle.Kind.FILE) {
            // A non-blocking pipe, socket or eventfd is not ready: wait for it in the kernel.
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
