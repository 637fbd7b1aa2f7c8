package jaio.bench.plan;

/**
 * fio's pseudo-random generator (its {@code struct frand_state}): L'Ecuyer's maximally
 * equidistributed combined Tausworthe generator, taus88 with 32-bit output or taus258 with
 * 64-bit output, seeded the way fio seeds it. The same seed gives the same stream as fio 3.33,
 * which is what makes a job's offsets, block sizes and read/write mix the ones fio would pick.
 * Values are unsigned; a 32-bit draw is returned in the low half of a long. Not thread safe.
 */
public final class FioRandom {
    private static final double MAX32_PLUS_ONE = 4294967296.0;
    private static final double MAX64_PLUS_ONE = 18446744073709551616.0;

    private final boolean use64;
    private int s1;
    private int s2;
    private int s3;
    private long t1;
    private long t2;
    private long t3;
    private long t4;
    private long t5;

    private FioRandom(boolean use64) {
        this.use64 = use64;
    }

    /**
     * A generator seeded as fio's {@code init_rand_seed(state, seed, use64)}: for 32 bits only
     * the low 32 bits of the seed count, as in C's cast to unsigned int.
     */
    public static FioRandom seeded(long seed, boolean use64) {
        FioRandom r = new FioRandom(use64);
        // fio writes (2^31) + (2^17) + (2^7), which in C is XOR: 29 + 19 + 5 = 53.
        final long start = 53;
        if (use64) {
            r.t1 = atLeast(lcg64(start, seed), 1);
            r.t2 = atLeast(lcg64(r.t1, seed), 7);
            r.t3 = atLeast(lcg64(r.t2, seed), 15);
            r.t4 = atLeast(lcg64(r.t3, seed), 33);
            r.t5 = atLeast(lcg64(r.t4, seed), 49);
        } else {
            int s = (int) seed;
            r.s1 = (int) atLeast(lcg32((int) start, s), 1);
            r.s2 = (int) atLeast(lcg32(r.s1, s), 7);
            r.s3 = (int) atLeast(lcg32(r.s2, s), 15);
        }
        for (int i = 0; i < 6; i++) {
            r.next();
        }
        return r;
    }

    private static long lcg32(int x, int seed) {
        return Integer.toUnsignedLong(x * 69069 ^ seed);
    }

    private static long lcg64(long x, long seed) {
        return x * 6906969069L ^ seed;
    }

    /** fio's __seed: values below the minimum the generator needs are lifted by it (unsigned compare). */
    private static long atLeast(long x, long min) {
        return Long.compareUnsigned(x, min) < 0 ? x + min : x;
    }

    /** Whether this is the 64-bit generator (fio's tausworthe64). */
    public boolean is64() {
        return use64;
    }

    /** The next raw value, unsigned: 0..2^32-1, or any 64-bit pattern for the 64-bit generator. */
    public long next() {
        if (use64) {
            long x = ((t1 << 1) ^ t1) >>> 53;
            t1 = ((t1 & 0xFFFFFFFFFFFFFFFEL) << 10) ^ x;
            x = ((t2 << 24) ^ t2) >>> 50;
            t2 = ((t2 & 0xFFFFFFFFFFFFFE00L) << 5) ^ x;
            x = ((t3 << 3) ^ t3) >>> 23;
            t3 = ((t3 & 0xFFFFFFFFFFFFF000L) << 29) ^ x;
            x = ((t4 << 5) ^ t4) >>> 24;
            t4 = ((t4 & 0xFFFFFFFFFFFE0000L) << 23) ^ x;
            x = ((t5 << 3) ^ t5) >>> 33;
            t5 = ((t5 & 0xFFFFFFFFFF800000L) << 8) ^ x;
            return t1 ^ t2 ^ t3 ^ t4 ^ t5;
        }
        s1 = ((s1 & 0xFFFFFFFE) << 12) ^ (((s1 << 13) ^ s1) >>> 19);
        s2 = ((s2 & 0xFFFFFFF8) << 4) ^ (((s2 << 2) ^ s2) >>> 25);
        s3 = ((s3 & 0xFFFFFFF0) << 17) ^ (((s3 << 3) ^ s3) >>> 11);
        return Integer.toUnsignedLong(s1 ^ s2 ^ s3);
    }

    /** The largest value {@link #next()} returns, as a double plus one (fio's rand_max + 1.0). */
    public double maxPlusOne() {
        return use64 ? MAX64_PLUS_ONE : MAX32_PLUS_ONE;
    }

    /** The largest value {@link #next()} returns (unsigned). */
    public long max() {
        return use64 ? -1L : 0xFFFFFFFFL;
    }

    /** {@code next()} as a double in [0, 2^64), reading the 64-bit value as unsigned. */
    static double unsigned(long v) {
        if (v >= 0) {
            return (double) v;
        }
        // Halve with the low bit kept sticky, so the one rounding is C's round-to-nearest.
        return (double) ((v >>> 1) | (v & 1)) * 2.0;
    }

    /** A number in [0, n) as fio scales a draw: {@code n * (r / (rand_max + 1.0))}, truncated. */
    public long scaled(long n) {
        double r = unsigned(next());
        return toUnsigned(unsignedDouble(n) * (r / maxPlusOne()));
    }

    /** fio's rand_between: a number from {@code start} to {@code end}, both included. */
    public long between(long start, long end) {
        long span = end - start + 1;
        double r = unsigned(next());
        if (use64) {
            return start + toUnsigned(unsignedDouble(span) * (r / MAX64_PLUS_ONE));
        }
        // rand32_upto casts through int; spans here are small (1..100, delays)
        return start + (int) ((double) (span & 0xFFFFFFFFL) * (r / MAX32_PLUS_ONE));
    }

    /** fio's __rand_0_1: (r + 1) / (max + 1), in (0, 1]. */
    public double uniform01() {
        return (unsigned(next()) + 1.0) / maxPlusOne();
    }

    private static double unsignedDouble(long n) {
        return n >= 0 ? (double) n : unsigned(n);
    }

    /** C's conversion of a non-negative double to uint64_t. */
    private static long toUnsigned(double d) {
        if (d < 9.223372036854775807E18) {
            return (long) d;
        }
        return (long) (d - 9.223372036854775807E18) + Long.MIN_VALUE;
    }
}
