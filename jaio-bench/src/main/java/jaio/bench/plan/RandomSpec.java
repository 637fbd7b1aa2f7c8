package jaio.bench.plan;

import java.util.List;

/**
 * How random offsets are drawn: fio's random_distribution, randrepeat, randseed,
 * norandommap and random_generator.
 *
 * @param kind       the distribution
 * @param param      zipf theta, pareto h, or normal deviation in percent
 * @param center     where the distribution is centred (0..1), or -1 for fio's default
 * @param zones      for zoned and zoned_abs: per direction (read, write) the zones, in order
 * @param randrepeat the same streams on every run (fio's default)
 * @param randseed   the seed, or null for fio's default (0x89)
 * @param randomMap  cover each block once per pass (fio's random map; norandommap=0)
 * @param use64      fio's tausworthe64 generator (else taus88, switched automatically past 2^32 blocks)
 */
public record RandomSpec(Kind kind, double param, double center, List<List<Zone>> zones, boolean randrepeat,
                         Long randseed, boolean randomMap, boolean use64) {

    /** fio's distributions. */
    public enum Kind { RANDOM, ZIPF, PARETO, NORMAL, ZONED, ZONED_ABS }

    /**
     * One zone of a zoned distribution.
     *
     * @param accessPercent percent of the I/Os that land in it
     * @param sizePercent   its size as a percent of the region (zoned)
     * @param size          its size in bytes (zoned_abs)
     */
    public record Zone(int accessPercent, int sizePercent, long size) {}

    /** fio's defaults: uniform, random map, randrepeat, seed 0x89. */
    public static RandomSpec defaults() {
        return new RandomSpec(Kind.RANDOM, 0, -1, List.of(List.of(), List.of()), true, null, true, false);
    }
}
