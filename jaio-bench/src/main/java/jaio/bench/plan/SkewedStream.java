package jaio.bench.plan;

/**
 * fio's zipf, pareto and normal (gauss) block streams over one file (lib/zipf.c, lib/gauss.c):
 * the same arithmetic on the same 32-bit generator, so a seed gives fio's blocks. The block
 * numbers are hashed over the range (fio's default), so the hot blocks are spread, not the
 * first ones. Not thread safe.
 */
final class SkewedStream {
    private static final long ZIPF_MAX_GEN = 10_000_000L;
    private static final long GOLDEN_RATIO_64 = 0x61C8864680B583EBL;
    private static final int GAUSS_ITERS = 12;
    private static final double FRAND32_MAX = 4294967295.0;

    private final RandomSpec.Kind kind;
    private final FioRandom rand;
    private final long nranges;
    private long randOff;
    private double theta;
    private double zeta2;
    private double zetan;
    private double paretoPow;
    private long stddev;

    SkewedStream(RandomSpec spec, long nranges, long seed) {
        this.kind = spec.kind();
        this.nranges = nranges;
        this.rand = FioRandom.seeded(seed, false);
        double center = spec.center();
        switch (kind) {
            case ZIPF -> {
                randOff = rand.next();
                if (center != -1) {
                    randOff = (long) (nranges * center);
                }
                theta = spec.param();
                zeta2 = Math.pow(1.0, theta) + Math.pow(0.5, theta);
                long toGen = Math.min(nranges, ZIPF_MAX_GEN);
                for (long i = 0; i < toGen; i++) {
                    zetan += Math.pow(1.0 / (double) (i + 1), theta);
                }
            }
            case PARETO -> {
                randOff = rand.next();
                if (center != -1) {
                    randOff = (long) (nranges * center);
                }
                paretoPow = Math.log(spec.param()) / Math.log(1.0 - spec.param());
            }
            case NORMAL -> {
                if (spec.param() != 0.0) {
                    stddev = (long) Math.ceil(nranges * spec.param() / 100.0);
                    if (stddev > nranges / 2) {
                        stddev = nranges / 2;
                    }
                }
                randOff = center == -1 ? 0 : (long) (nranges * (center - 0.5));
            }
            default -> throw new IllegalArgumentException(kind + " is not a skewed distribution");
        }
    }

    /** The next block number, 0 .. nranges-1. */
    long next() {
        long val = switch (kind) {
            case ZIPF -> zipf();
            case PARETO -> (long) ((nranges - 1) * Math.pow(rand.next() / FRAND32_MAX, paretoPow));
            default -> gauss();
        };
        val *= GOLDEN_RATIO_64;
        return Long.remainderUnsigned(val + randOff, nranges);
    }

    private long zipf() {
        double alpha = 1.0 / (1.0 - theta);
        double n = (double) nranges;
        double eta = (1.0 - Math.pow(2.0 / n, 1.0 - theta)) / (1.0 - zeta2 / zetan);
        double randUni = rand.next() / FRAND32_MAX;
        double randZ = randUni * zetan;
        long val;
        if (randZ < 1.0) {
            val = 1;
        } else if (randZ < 1.0 + Math.pow(0.5, theta)) {
            val = 2;
        } else {
            val = 1 + (long) (n * Math.pow(eta * randUni - eta + 1.0, alpha));
        }
        return val - 1;
    }

    private long gauss() {
        long sum = 0;
        for (int i = 0; i < GAUSS_ITERS; i++) {
            sum += Long.remainderUnsigned(rand.next(), nranges + 1);
        }
        sum = (sum + GAUSS_ITERS - 1) / GAUSS_ITERS;
        if (stddev != 0) {
            int dev = gaussDev();
            // C compares unsigned: a negative sum wraps high and keeps halving the deviation.
            while (Long.compareUnsigned(dev + sum, nranges) >= 0) {
                dev /= 2;
            }
            sum += dev;
        }
        return sum;
    }

    private int gaussDev() {
        long r = rand.next();
        int vr = (int) (stddev * (r / (FRAND32_MAX + 1.0)));
        return vr - (int) (stddev / 2);
    }
}
