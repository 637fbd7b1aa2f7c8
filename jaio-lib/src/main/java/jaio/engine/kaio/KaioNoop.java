package jaio.engine.kaio;

import java.lang.foreign.MemorySegment;
import jaio.spi.Op;
import jaio.spi.Retry;

/**
 * Called only under the engine's submit lock: NOOP on native AIO, completed by jaio at
 * submission with result 0, since the kernel refuses IOCB_CMD_NOOP with EINVAL.
 */
final class KaioNoop extends KaioOp {
    KaioNoop(KaioSubmitter sub) {
        super(sub);
    }

    @Override
    int route(Op op) {
        Retry.afterIteration(op, 0);
        return FINISHED;
    }

    @Override
    void prepare(Op op, MemorySegment t, int s) {
        throw new IllegalStateException("NOOP never reaches the kernel");
    }
}
