package jaio.engine.kaio;

import java.lang.foreign.MemorySegment;
import jaio.Errno;
import jaio.linux.Aio;
import jaio.linux.Iocb;
import jaio.spi.Execution;
import jaio.spi.FileHandle;
import jaio.spi.Op;
import jaio.spi.Retry;

/**
 * Called only under the engine's submit lock: POLL on native AIO, a one-shot IOCB_CMD_POLL
 * (Linux 4.19) with the event mask in aio_buf. It is the one request io_cancel can stop; the
 * cancelled poll's event still arrives, with an empty mask, and becomes -ECANCELED here.
 */
final class KaioPoll extends KaioOp {
    KaioPoll(KaioSubmitter sub) {
        super(sub);
    }

    /** Kernel, async where the kernel has IOCB_CMD_POLL. */
    static Execution how(KaioProbe probe) {
        return probe.poll() ? Execution.KERNEL_ASYNC : null;
    }

    @Override
    void prepare(Op op, MemorySegment t, int s) {
        Iocb.set(t, 0, s, Aio.IOCB_CMD_POLL, op.file.fd(), op.pollEvents & 0xFFFF, 0, 0, 0, resfdFlag(), 0, resfd());
    }

    @Override
    int complete(Op op, long res) {
        if (res == -Errno.EINVAL && op.file.kind() != FileHandle.Kind.FILE && (op.engineWord & CANCEL_ACCEPTED) == 0) {
            return PUNT;
        }
        if ((res == 0 || (op.engineWord & CANCEL_ACCEPTED) != 0) && op.takeCancel()) {
            // A cancelled poll completes with an empty mask.
            res = -Errno.ECANCELED;
        }
        Retry.afterIteration(op, res);
        return DONE;
    }

    /**
     * The kernel's aio poll refuses some descriptors it could wait on (a FIFO opened for
     * reading and writing: EINVAL at once): those wait on a worker instead, as they would in
     * io_uring (see PuntPool).
     */
    @Override
    int refused(Op op, long err) {
        if (err == -Errno.EINVAL && op.file.kind() != FileHandle.Kind.FILE) {
            return PUNT;
        }
        return super.refused(op, err);
    }

    @Override
    boolean cancellable(Op op) {
        return true;
    }

    @Override
    boolean waitsForRoom() {
        return true;
    }
}
