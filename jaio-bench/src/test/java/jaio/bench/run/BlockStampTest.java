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

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(value = jaio.bench.plan.VerifyMethod.class, names = "NONE",
            mode = org.junit.jupiter.params.provider.EnumSource.Mode.EXCLUDE)
    void everyMethodFindsAFlippedBitAndItsOwnHeader(jaio.bench.plan.VerifyMethod m) {
        BlockStamp s = new BlockStamp(m);
        ByteBuffer b = ByteBuffer.allocateDirect(4096);
        s.stamp(b, 8192, 5);
        assertNull(s.check(b, 8192, 5), m + " checks what it stamped");
        b.put(4000, (byte) (b.get(4000) ^ 0x10));
        assertTrue(s.check(b, 8192, 5) != null, m + " finds a flipped bit");
        b.put(4000, (byte) (b.get(4000) ^ 0x10));
        assertNull(s.check(b, 8192, 5), "the check leaves the block as it was");
        BlockStamp other = new BlockStamp(m == jaio.bench.plan.VerifyMethod.MD5 ? jaio.bench.plan.VerifyMethod.SHA256
                : jaio.bench.plan.VerifyMethod.MD5);
        assertTrue(other.check(b, 8192, 5).startsWith("written with verify=" + m.fioName()), other.check(b, 8192, 5));
    }

    @Test
    void blocksOfDifferentOffsetsDiffer() {
        ByteBuffer a = stamped(4096, 0, 1);
        ByteBuffer b = stamped(4096, 4096, 1);
        assertTrue(a.getLong(64) != b.getLong(64));
    }
}
