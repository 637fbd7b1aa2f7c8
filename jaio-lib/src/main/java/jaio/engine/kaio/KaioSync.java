package jaio.engine.kaio;

import java.lang.foreign.MemorySegment;
import jaio.Opcode;
import jaio.linux.Aio;
import jaio.linux.Iocb;
import jaio.spi.Op;

/**
 * Called only under the engine's submit lock: FSYNC and FDSYNC on native AIO, which the
 * kernel runs on a workqueue, asynchronously. Their iocbs must have zero buffer, offset,
 * length and rw_flags.
 */
final class KaioSync extends KaioOp {
    private final KaioSubmitter sub;

    KaioSync(KaioSubmitter sub) {
        super(sub);
        this.sub = sub;
    }

    /**
     * To the kernel, or to the punt pool when nothing else of the context is in flight (depth
     * 1): there the thread that waits for it runs fsync(2) itself, as caller-runs, where the
     * kernel's aio fsync adds a workqueue's hand-off each way (4 KiB writes with an fsync every
     * 32 at depth 1: docs/PERFORMANCE.md, "Item 6, third pass"). At depth, no thread is held by
     * a sync. Either way the punt pool hears of it (buffered writes stop taking turns meanwhile).
     */
    @Override
    int route(Op op) {
        sub.syncStarted();
        return sub.idle() ? WORKER : KERNEL;
    }

    @Override
    void prepare(Op op, MemorySegment t, int s) {
        int cmd = op.opcode == Opcode.FDSYNC ? Aio.IOCB_CMD_FDSYNC : Aio.IOCB_CMD_FSYNC;
        Iocb.set(t, 0, s, cmd, op.file.fd(), 0, 0, 0, 0, resfdFlag(), 0, resfd());
    }
}
