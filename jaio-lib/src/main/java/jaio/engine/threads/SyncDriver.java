package jaio.engine.threads;

import java.io.IOException;
import jaio.Opcode;
import jaio.spi.Op;

/** Stateless: FSYNC and FDSYNC as FileChannel.force on a worker, in one iteration (O3). */
final class SyncDriver implements OpDriver {
    @Override
    public boolean inline() {
        return false;
    }

    @Override
    public long iterate(Op op) throws IOException {
        // force(false) is fdatasync: the data, and only the metadata needed to read it back.
        op.file.channel().force(op.opcode == Opcode.FSYNC);
        return 0;
    }
}
