package jaio.bench.run;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class BlockStampTest {
    private final BlockStamp stamp = new BlockStamp();

    private ByteBuffer stamped(int len, long offset, long gen) {
        ByteBuffer b = ByteBuffer.allocateDirect(len);
        stamp.stamp(b, offset, gen);
        return b;
    }

    @Test
    void aStampedBlockChecksOutAndTheBufferIsLeftWhole() {
        for (int len : new int[] {32, 33, 512, 4096, 65536}) {
            ByteBuffer b = stamped(len, 8192, 7);
            assertTrue(b.position() == 0 && b.limit() == len);
            assertNull(stamp.check(b, 8192, 7));
            assertNull(stamp.check(b, 8192, -1), "any generation");
        }
    }

    @Test
    void eachKindOfDamageIsNamed() {
        ByteBuffer b = stamped(4096, 4096, 3);
        b.put(100, (byte) (b.get(100) ^ 1));
        assertTrue(stamp.check(b, 4096, -1).startsWith("checksum"), stamp.check(b, 4096, -1));
        assertTrue(stamp.check(stamped(4096, 4096, 3), 8192, -1).contains("misplaced"));
        assertTrue(stamp.check(stamped(4096, 4096, 3), 4096, 4).contains("stale"));
        assertTrue(stamp.check(ByteBuffer.allocateDirect(4096), 0, -1).startsWith("no verify header"));
        ByteBuffer hdr = stamped(4096, 0, 1);
        hdr.put(20, (byte) 9);
        assertTrue(stamp.check(hdr, 0, -1).startsWith("checksum"), "the header is covered too");
    }

    @Test
    void blocksOfDifferentOffsetsDiffer() {
        ByteBuffer a = stamped(4096, 0, 1);
        ByteBuffer b = stamped(4096, 4096, 1);
        assertTrue(a.getLong(64) != b.getLong(64));
    }
}
