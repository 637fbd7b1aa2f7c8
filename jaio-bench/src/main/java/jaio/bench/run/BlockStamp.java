package jaio.bench.run;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * The verify header (SPEC B2). A written block starts with 32 bytes, little endian:
 * <pre>
 *   0  u32 magic 0x6a61696f ("jaio")
 *   4  u32 block length
 *   8  u64 file offset the block was written at
 *  16  u64 generation (the run that wrote it)
 *  24  u32 CRC32C of bytes 0..24 and 28..length
 *  28  u32 zero
 * </pre>
 * followed by pseudo-random data drawn from offset and generation. A read block is checked:
 * magic, length, offset, checksum, and the generation when one is expected. Works on a
 * ByteBuffer view of the block without allocating; not thread safe (one CRC32C per instance).
 */
public final class BlockStamp {
    public static final int HEADER = 32;
    private static final int MAGIC = 0x6a61696f;
    private static final int CRC_AT = 24;

    private final CRC32C crc = new CRC32C();

    /** Fills {@code block} (position 0, limit = length) with a header and data for {@code offset}. */
    public void stamp(ByteBuffer block, long offset, long generation) {
        ByteBuffer b = block.order(ByteOrder.LITTLE_ENDIAN);
        int len = b.limit();
        long x = offset * 0x9E3779B97F4A7C15L ^ generation ^ 0x632BE59BD9B4E019L;
        for (int i = HEADER; i + 8 <= len; i += 8) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            b.putLong(i, x);
        }
        for (int i = Math.max(HEADER, len & ~7); i < len; i++) {
            b.put(i, (byte) i);
        }
        b.putInt(0, MAGIC);
        b.putInt(4, len);
        b.putLong(8, offset);
        b.putLong(16, generation);
        b.putInt(CRC_AT, 0);
        b.putInt(28, 0);
        b.putInt(CRC_AT, checksum(b, len));
    }

    private int checksum(ByteBuffer b, int len) {
        crc.reset();
        b.limit(CRC_AT).position(0);
        crc.update(b);
        b.limit(len).position(CRC_AT + 4);
        crc.update(b);
        b.position(0);
        return (int) crc.getValue();
    }

    /**
     * Checks a block read at {@code offset}.
     *
     * @param expectedGeneration the generation that must be there, or -1 for any
     * @return null when it is good, else what is wrong
     */
    public String check(ByteBuffer block, long offset, long expectedGeneration) {
        ByteBuffer b = block.order(ByteOrder.LITTLE_ENDIAN);
        int len = b.limit();
        if (b.getInt(0) != MAGIC) {
            return "no verify header (magic 0x" + Integer.toHexString(b.getInt(0))
                    + "; was the block written with --verify?)";
        }
        if (b.getInt(4) != len) {
            return "header says a block of " + b.getInt(4) + " bytes, read " + len;
        }
        if (b.getLong(8) != offset) {
            return "header says offset " + b.getLong(8) + " (misplaced write)";
        }
        int stored = b.getInt(CRC_AT);
        int computed = checksum(b, len);
        if (stored != computed) {
            return "checksum 0x" + Integer.toHexString(stored) + " in the header, data gives 0x"
                    + Integer.toHexString(computed);
        }
        if (expectedGeneration >= 0 && b.getLong(16) != expectedGeneration) {
            return "generation " + b.getLong(16) + ", expected " + expectedGeneration + " (stale data)";
        }
        return null;
    }
}
