package jaio.bench.plan;

import java.util.BitSet;

/**
 * Which blocks of a file this pass has already covered (fio's axmap, in a flat BitSet): a
 * random offset that lands on a covered block moves to the next free one after it, wrapping
 * to the start, so each block is read or written once per pass. Not thread safe.
 */
final class RandomMap {
    private final BitSet set;
    private final long blocks;
    private long free;

    RandomMap(long blocks) {
        if (blocks > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("the random map holds at most 2^31 blocks (" + blocks
                    + " asked); use norandommap");
        }
        this.blocks = blocks;
        this.set = new BitSet((int) blocks);
        this.free = blocks;
    }

    boolean isFree(long block) {
        return block >= blocks || !set.get((int) block);
    }

    /** fio's axmap_next_free: the first free block after {@code block}, else the first from 0; -1 when full. */
    long nextFree(long block) {
        if (block >= blocks || free == 0) {
            return -1;
        }
        long next = block + 1 == blocks ? 0 : block + 1;
        int c = set.nextClearBit((int) next);
        if (c < blocks) {
            return c;
        }
        if (next == 0) {
            return -1;
        }
        c = set.nextClearBit(0);
        return c < blocks ? c : -1;
    }

    /**
     * fio's axmap_set_nr: marks up to {@code nr} blocks from {@code block}, stopping at one
     * already marked; blocks past the end count as free (as the unused bits of fio's last word).
     *
     * @return how many were marked
     */
    long mark(long block, long nr) {
        long done = 0;
        while (done < nr) {
            long b = block + done;
            if (b < blocks) {
                if (set.get((int) b)) {
                    break;
                }
                set.set((int) b);
                free--;
            }
            done++;
        }
        return done;
    }

    void clear() {
        set.clear();
        free = blocks;
    }
}
