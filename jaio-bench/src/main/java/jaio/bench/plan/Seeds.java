package jaio.bench.plan;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;

/**
 * The seeds of one job's random streams, derived as fio 3.33 derives them
 * ({@code setup_random_seeds} and {@code td_fill_rand_seeds}): from {@code randseed} (default
 * 0x89) and the job's thread number (1, 2, ... over every job and numjobs clone, in file
 * order), so that the same job file and seed give the same streams as in fio. With
 * {@code randrepeat=0} and no {@code randseed}, the seeds are drawn at random, as fio does.
 */
public final class Seeds {
    /** fio's FIO_RANDSEED: the offset stream's seed under randrepeat=1 is this times the thread number. */
    static final long FIO_RANDSEED = 0xb1899bedL;
    /** fio's default randseed. */
    public static final long DEFAULT_RANDSEED = 0x89;

    // Indexes into fio's rand_seeds[] (enum in fio.h), the streams jaio uses.
    static final int BS_READ = 0;
    static final int BS_WRITE = 1;
    static final int MIX = 4;
    static final int BLOCK = 6;
    static final int FILE_SIZE = 7;
    static final int POISSON_READ = 15;
    static final int ZONE = 16;
    static final int POISSON_WRITE = 17;
    private static final int COUNT = 21;

    private final long[] seeds = new long[COUNT];
    private final boolean randrepeat;
    private final boolean repeatable;
    private final int threadNumber;

    /**
     * @param randrepeat   fio's randrepeat (ignored when a randseed is given, as in fio)
     * @param randseed     the randseed option, or null when not set
     * @param threadNumber the job's thread number, from 1
     */
    public Seeds(boolean randrepeat, Long randseed, int threadNumber) {
        this.threadNumber = threadNumber;
        this.randrepeat = randrepeat;
        this.repeatable = randrepeat && randseed == null;
        if (!randrepeat && randseed == null) {
            SecureRandom r = new SecureRandom();
            for (int i = 0; i < COUNT; i++) {
                seeds[i] = r.nextLong();
            }
            return;
        }
        long seed = randseed == null ? DEFAULT_RANDSEED : randseed;
        for (int i = 0; i < 4; i++) {
            seed *= 0x9e370001L;
        }
        for (int i = 0; i < COUNT; i++) {
            seeds[i] = seed * threadNumber + i;
            seed *= 0x9e370001L;
        }
    }

    /**
     * Whether the streams are seeded again at each pass, and a zipf, pareto or normal stream
     * from the file name: randrepeat without a randseed (fio turns randrepeat off when a
     * randseed is given, but only after the first seeding).
     */
    public boolean repeatable() {
        return repeatable;
    }

    public int threadNumber() {
        return threadNumber;
    }

    /**
     * The seed of the random offsets (uniform and zoned distributions). Under randrepeat (the
     * default) it is FIO_RANDSEED times the thread number even when a randseed is given: fio
     * 3.33 seeds this stream before it lets randseed turn randrepeat off.
     */
    public long block() {
        return randrepeat ? FIO_RANDSEED * threadNumber : seeds[BLOCK];
    }

    /**
     * The block size stream of a direction; when verifying, reads and writes share the read
     * seed (fio does so the read phase finds the sizes that were written).
     */
    public long blockSize(boolean write, boolean verify) {
        return write && !verify ? seeds[BS_WRITE] : seeds[BS_READ];
    }

    /** The stream that draws file sizes from a filesize range. */
    public long fileSize() {
        return seeds[FILE_SIZE];
    }

    public long mix() {
        return seeds[MIX];
    }

    public long zone() {
        return seeds[ZONE];
    }

    public long poisson(boolean write) {
        return write ? seeds[POISSON_WRITE] : seeds[POISSON_READ];
    }

    /**
     * The seed of a zipf, pareto or normal stream on one file: fio hashes the file name
     * with jhash and multiplies by the thread number (32-bit arithmetic), unless randrepeat is off.
     */
    public long distribution(String fileName) {
        if (!repeatable) {
            return block();
        }
        byte[] k = fileName.getBytes(StandardCharsets.UTF_8);
        return Integer.toUnsignedLong(jhash(k) * threadNumber);
    }

    /**
     * fio's jhash (hash.h) with initval 0, as fio computes it: note that its loop over 12-byte
     * blocks adds single bytes, not words; the result must be fio's, not Bob Jenkins'.
     */
    static int jhash(byte[] k) {
        int length = k.length;
        int a = 0x61C88647 + length;
        int b = a;
        int c = a;
        int p = 0;
        while (length > 12) {
            a += k[p] & 0xff;
            b += k[p + 4] & 0xff;
            c += k[p + 8] & 0xff;
            a -= c; a ^= Integer.rotateLeft(c, 4); c += b;
            b -= a; b ^= Integer.rotateLeft(a, 6); a += c;
            c -= b; c ^= Integer.rotateLeft(b, 8); b += a;
            a -= c; a ^= Integer.rotateLeft(c, 16); c += b;
            b -= a; b ^= Integer.rotateLeft(a, 19); a += c;
            c -= b; c ^= Integer.rotateLeft(b, 4); b += a;
            length -= 12;
            p += 12;
        }
        if (length == 0) {
            return c;
        }
        // fio's switch falls through from the length down to 1: the same as these tests in order.
        if (length >= 12) {
            c += (k[p + 11] & 0xff) << 24;
        }
        if (length >= 11) {
            c += (k[p + 10] & 0xff) << 16;
        }
        if (length >= 10) {
            c += (k[p + 9] & 0xff) << 8;
        }
        if (length >= 9) {
            c += k[p + 8] & 0xff;
        }
        if (length >= 8) {
            b += (k[p + 7] & 0xff) << 24;
        }
        if (length >= 7) {
            b += (k[p + 6] & 0xff) << 16;
        }
        if (length >= 6) {
            b += (k[p + 5] & 0xff) << 8;
        }
        if (length >= 5) {
            b += k[p + 4] & 0xff;
        }
        if (length >= 4) {
            a += (k[p + 3] & 0xff) << 24;
        }
        if (length >= 3) {
            a += (k[p + 2] & 0xff) << 16;
        }
        if (length >= 2) {
            a += (k[p + 1] & 0xff) << 8;
        }
        a += k[p] & 0xff;
        c ^= b; c -= Integer.rotateLeft(b, 14);
        a ^= c; a -= Integer.rotateLeft(c, 11);
        b ^= a; b -= Integer.rotateLeft(a, 25);
        c ^= b; c -= Integer.rotateLeft(b, 16);
        a ^= c; a -= Integer.rotateLeft(c, 4);
        b ^= a; b -= Integer.rotateLeft(a, 14);
        c ^= b; c -= Integer.rotateLeft(b, 24);
        return c;
    }
}
