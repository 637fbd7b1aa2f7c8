package jaio.engine.threads;

import java.io.IOException;
import jaio.Opcode;
import jaio.spi.Op;

/**
 * Stateless: FSYNC and FDSYNC on a worker, in one iteration (O3): fsync(2) or fdatasync(2) on
 * the descriptor where it is known, FileChannel.force elsewhere.
 */
final class SyncDriver implements OpDriver {
    @Override
    public boolean inline() {
        return false;
    }

    @Override
    public long iterate(Op op) throws IOException {
        if (DescriptorIo.usable(op)) {
            return DescriptorIo.sync(op);
        }
        // force(false) is fdatasync: the data, and only the metadata needed to read it back.
        op.file.channel().force(op.opcode == Opcode.FSYNC);
        return 0;
    }

    /** Through the descriptor only: an interrupt of the thread would close a FileChannel. */
    @Override
    public boolean runsOnWaiter(Op op) {
        return DescriptorIo.usable(op);
    }
}
