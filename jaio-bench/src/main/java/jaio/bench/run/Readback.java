package jaio.bench.run;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.BitSet;

/**
 * After a write run with --verify (like fio's verify phase): reads every block the run wrote
 * and checks its header, including that it carries this run's generation. The reader is a
 * plain FileChannel, independent of the engine that wrote.
 */
final class Readback {
    private Readback() {}

    /** Checks the blocks set in {@code written}; the outcome's verify counters say what was found. */
    static JobStats check(Path file, int bs, BitSet written, long generation) throws IOException {
        BlockStamp stamp = new BlockStamp();
        ByteBuffer buf = ByteBuffer.allocateDirect(bs);
        JobStats out = new JobStats();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            for (int b = written.nextSetBit(0); b >= 0; b = written.nextSetBit(b + 1)) {
                long off = (long) b * bs;
                buf.clear();
                int n = 0;
                while (buf.hasRemaining() && n >= 0) {
                    // a short read is continued; at EOF the rest stays unread and the check fails
                    n = ch.read(buf, off + buf.position());
                }
                buf.clear();
                String why = stamp.check(buf, off, generation);
                if (why == null) {
                    out.verifiedOk();
                } else {
                    out.mismatch(off, why);
                }
            }
        }
        return out;
    }
}
