package jaio.bench.plan;

import java.util.List;
import java.util.Locale;

/**
 * How a written block is checksummed (fio's verify=): the JDK's CRC32C and CRC32, and its
 * MD5, SHA-1, SHA-256 and SHA-512 digests. The header layout is jaio's, not fio's: a file
 * written by fio does not verify under jaio, nor the reverse.
 */
public enum VerifyMethod {
    NONE("0", null, 0),
    CRC32C("crc32c", null, 4),
    CRC32("crc32", null, 4),
    MD5("md5", "MD5", 16),
    SHA1("sha1", "SHA-1", 20),
    SHA256("sha256", "SHA-256", 32),
    SHA512("sha512", "SHA-512", 64);

    /** The names verify= accepts (fio's crc32c-intel is crc32c; "1"/"meta"-style methods are not carried). */
    public static final List<String> NAMES = List.of("0", "crc32c", "crc32c-intel", "crc32", "md5", "sha1", "sha256", "sha512");

    private final String fioName;
    private final String digest;
    private final int length;

    VerifyMethod(String fioName, String digest, int length) {
        this.fioName = fioName;
        this.digest = digest;
        this.length = length;
    }

    public String fioName() {
        return fioName;
    }

    /** The JDK MessageDigest algorithm, or null for the CRCs and NONE. */
    public String digestAlgorithm() {
        return digest;
    }

    /** Bytes of the checksum in a block's header. */
    public int length() {
        return length;
    }

    /**
     * Bytes of a block's header: 32 (magic, length, offset, generation, and a CRC in place), plus
     * the digest after them for the digest methods.
     */
    public int headerLength() {
        return digest == null ? 32 : 32 + length;
    }

    /** The method for a verify= value, or null when jaio has none by that name. */
    public static VerifyMethod byName(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        return switch (t) {
            case "0", "none", "" -> NONE;
            case "crc32c", "crc32c-intel" -> CRC32C;
            case "crc32" -> CRC32;
            case "md5" -> MD5;
            case "sha1" -> SHA1;
            case "sha256" -> SHA256;
            case "sha512" -> SHA512;
            default -> null;
        };
    }
}
