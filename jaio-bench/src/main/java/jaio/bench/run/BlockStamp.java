package jaio.bench.run;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.zip.CRC32;
import java.util.zip.CRC32C;
import java.util.zip.Checksum;
import jaio.bench.plan.VerifyMethod;

/**
 * The verify header jaio writes at the start of every block of a verify run (SPEC B2), and
 * its check. Layout, little endian:
 * <pre>
 *   0  u32 magic 0x6a61696f ("jaio")
 *   4  u32 block length
 *   8  u64 offset the block was written at
 *  16  u64 generation (the run that wrote it)
 *  24  u32 CRC32C or CRC32 of the block with this field zeroed (0 for the digest methods)
 *  28  u32 method (the VerifyMethod's ordinal)
 *  32  the MD5 / SHA digest of the block with this field zeroed (digest methods only)
 * </pre>
 * followed by pseudo-random data drawn from offset and generation. A read block is checked:
 * magic, length, offset, method, checksum, and the generation when one is expected. Works on
 * a ByteBuffer view of the block without allocating; not thread safe (one checksum state per
 * instance).
 */
public final class BlockStamp {
    /** The header of the CRC methods (the digest methods add their digest). */
    public static final int HEADER = 32;
    private static final int MAGIC = 0x6a61696f;
    private static final int CRC_AT = 24;
    private static final int METHOD_AT = 28;

    private final VerifyMethod method;
    private final Checksum crc;
    private final MessageDigest digest;
    private final byte[] computed;
    private final byte[] stored;

    /** A stamp for CRC32C (the tool's default). */
    public BlockStamp() {
        this(VerifyMethod.CRC32C);
    }

    public BlockStamp(VerifyMethod method) {
        this.method = method;
        this.crc = method == VerifyMethod.CRC32 ? new CRC32() : method == VerifyMethod.CRC32C ? new CRC32C() : null;
        try {
            this.digest = method.digestAlgorithm() == null ? null : MessageDigest.getInstance(method.digestAlgorithm());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(method.digestAlgorithm() + " is missing from this JDK", e);
        }
        this.computed = new byte[Math.max(4, method.length())];
        this.stored = new byte[Math.max(4, method.length())];
    }

    /** Bytes of the header for this method. */
    public int headerLength() {
        return method.headerLength();
    }

    /** Fills {@code block} (position 0, limit = length) with a header and data for {@code offset}. */
    public void stamp(ByteBuffer block, long offset, long generation) {
        ByteBuffer b = block.order(ByteOrder.LITTLE_ENDIAN);
        int len = b.limit();
        int header = headerLength();
        long x = offset * 0x9E3779B97F4A7C15L ^ generation ^ 0x632BE59BD9B4E019L;
        for (int i = header; i + 8 <= len; i += 8) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            b.putLong(i, x);
        }
        for (int i = Math.max(header, len & ~7); i < len; i++) {
            b.put(i, (byte) i);
        }
        b.putInt(0, MAGIC);
        b.putInt(4, len);
        b.putLong(8, offset);
        b.putLong(16, generation);
        b.putInt(CRC_AT, 0);
        b.putInt(METHOD_AT, method.ordinal());
        for (int i = HEADER; i < header; i++) {
            b.put(i, (byte) 0);
        }
        compute(b, len);
        if (digest == null) {
            b.putInt(CRC_AT, intOf(computed));
        } else {
            for (int i = 0; i < method.length(); i++) {
                b.put(HEADER + i, computed[i]);
            }
        }
    }

    /** The checksum of the block with its checksum field zeroed (the caller zeroed it), into {@link #computed}. */
    private void compute(ByteBuffer b, int len) {
        if (digest == null) {
            crc.reset();
            b.limit(len).position(0);
            crc.update(b);
            int v = (int) crc.getValue();
            computed[0] = (byte) v;
            computed[1] = (byte) (v >>> 8);
            computed[2] = (byte) (v >>> 16);
            computed[3] = (byte) (v >>> 24);
        } else {
            digest.reset();
            b.limit(len).position(0);
            digest.update(b);
            try {
                digest.digest(computed, 0, method.length());
            } catch (DigestException e) {
                throw new IllegalStateException(e);
            }
        }
        b.limit(len).position(0);
    }

    private static int intOf(byte[] v) {
        return (v[0] & 0xff) | (v[1] & 0xff) << 8 | (v[2] & 0xff) << 16 | (v[3] & 0xff) << 24;
    }

    /**
     * Checks a block read at {@code offset}. The header is restored after the check.
     *
     * @param expectedGeneration the generation that must be there, or -1 for any
     * @return null when it is good, else what is wrong
     */
    public String check(ByteBuffer block, long offset, long expectedGeneration) {
        ByteBuffer b = block.order(ByteOrder.LITTLE_ENDIAN);
        int len = b.limit();
        if (len < headerLength()) {
            return "block of " + len + " bytes, shorter than the " + headerLength() + "-byte header";
        }
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
        int m = b.getInt(METHOD_AT);
        if (m != method.ordinal()) {
            String was = m >= 0 && m < VerifyMethod.values().length ? VerifyMethod.values()[m].fioName() : "#" + m;
            return "written with verify=" + was + ", checked with " + method.fioName();
        }
        String bad;
        if (digest == null) {
            int was = b.getInt(CRC_AT);
            b.putInt(CRC_AT, 0);
            compute(b, len);
            b.putInt(CRC_AT, was);
            int c = intOf(computed);
            bad = was == c ? null : "checksum 0x" + Integer.toHexString(was) + " in the header, data gives 0x"
                    + Integer.toHexString(c);
        } else {
            int n = method.length();
            for (int i = 0; i < n; i++) {
                stored[i] = b.get(HEADER + i);
                b.put(HEADER + i, (byte) 0);
            }
            compute(b, len);
            boolean same = true;
            for (int i = 0; i < n; i++) {
                b.put(HEADER + i, stored[i]);
                same &= stored[i] == computed[i];
            }
            bad = same ? null : method.fioName() + " digest in the header does not match the data";
        }
        if (bad != null) {
            return bad;
        }
        if (expectedGeneration >= 0 && b.getLong(16) != expectedGeneration) {
            return "generation " + b.getLong(16) + ", expected " + expectedGeneration + " (stale data)";
        }
        return null;
    }
}
