package jaio.bench.plan;

import java.util.List;

/**
 * Block sizes per direction, as fio's bs, bsrange, bssplit and blockalign describe them.
 * Index 0 is reads, 1 writes (fio's DDIR_READ and DDIR_WRITE).
 *
 * @param read      reads
 * @param write     writes
 * @param unaligned any size within the range, not only multiples of the minimum (fio's bs_unaligned)
 */
public record BlockSizes(Side read, Side write, boolean unaligned) {

    /**
     * One direction.
     *
     * @param min   smallest size
     * @param max   largest size
     * @param split weighted sizes (fio's bssplit), sorted by weight as fio sorts them; empty for a range
     * @param align boundary of random offsets (fio's blockalign, default min)
     */
    public record Side(long min, long max, List<Split> split, long align) {
        public boolean fixed() {
            return min == max;
        }
    }

    /** One bssplit entry: this size for {@code percent} of the I/Os. */
    public record Split(long bs, int percent) {}

    /** One size for everything. */
    public static BlockSizes fixed(long bs) {
        Side s = new Side(bs, bs, List.of(), bs);
        return new BlockSizes(s, s, false);
    }

    public Side side(int dir) {
        return dir == 0 ? read : write;
    }

    /** The largest size either direction uses (what a buffer must hold). */
    public long maxOfAll() {
        return Math.max(read.max, write.max);
    }

    /** fio's rw_min_bs: the smallest minimum of the directions. */
    public long minOfAll() {
        return Math.min(read.min, write.min);
    }

    /** Every transfer the same size, in both directions. */
    public boolean allFixed() {
        return read.fixed() && write.fixed() && read.min == write.min;
    }

    @Override
    public String toString() {
        return "bs=(R) " + describe(read) + ", (W) " + describe(write);
    }

    /** fio's "4096B-4096B" form of a side. */
    public static String describe(Side s) {
        return s.min + "B-" + s.max + "B";
    }
}
