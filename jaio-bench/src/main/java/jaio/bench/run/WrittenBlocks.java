package jaio.bench.run;

import java.util.BitSet;

/**
 * The blocks a verify job wrote, per file, to read back and check: the start and length of
 * each, at the job's smallest block size. A later write over an earlier one replaces it (the
 * earlier header is gone). Recording allocates nothing. One writer thread at a time (callers
 * of the JDK baseline lock around it).
 */
final class WrittenBlocks {
    private final long unit;
    private final BitSet[] starts;
    private final int[][] lengths;
    private final boolean fixed;
    private final long maxLen;
    private long count;

    /**
     * @param fileSizes each file's size
     * @param minBs     the smallest block size (the granularity)
     * @param maxBs     the largest
     */
    WrittenBlocks(long[] fileSizes, long minBs, long maxBs) {
        this.unit = minBs;
        this.fixed = minBs == maxBs;
        this.maxLen = maxBs;
        starts = new BitSet[fileSizes.length];
        lengths = new int[fileSizes.length][];
        for (int i = 0; i < fileSizes.length; i++) {
            long units = (fileSizes[i] + minBs - 1) / minBs;
            if (units > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("too many blocks to verify in one file: " + units);
            }
            starts[i] = new BitSet((int) units);
            lengths[i] = fixed ? null : new int[(int) units];
        }
    }

    /** A write of {@code len} bytes at {@code offset} completed. */
    void record(int file, long offset, long len) {
        int first = (int) (offset / unit);
        int end = (int) ((offset + len + unit - 1) / unit);
        BitSet s = starts[file];
        if (!fixed) {
            // a longer earlier write starting before this one and reaching into it is overwritten
            int back = (int) Math.max(0, first - (maxLen + unit - 1) / unit);
            for (int i = s.previousSetBit(first - 1); i >= back; i = s.previousSetBit(i - 1)) {
                if (i + (lengths[file][i] + unit - 1) / unit > first) {
                    s.clear(i);
                    count--;
                }
            }
        }
        for (int i = s.nextSetBit(first); i >= 0 && i < end; i = s.nextSetBit(i + 1)) {
            s.clear(i);
            count--;
        }
        s.set(first);
        count++;
        if (!fixed) {
            lengths[file][first] = (int) len;
        }
    }

    /** Blocks to read back. */
    long count() {
        return count;
    }

    /** The next recorded block of {@code file} at or after unit {@code from}, as its unit index; -1 when none. */
    int next(int file, int from) {
        return starts[file].nextSetBit(from);
    }

    long offsetOf(int unitIndex) {
        return unitIndex * unit;
    }

    long lengthAt(int file, int unitIndex) {
        return fixed ? unit : lengths[file][unitIndex];
    }

    int files() {
        return starts.length;
    }

    /** Forgets the blocks {@code other} holds (a backlog just read back is not read back again at the end). */
    void removeAll(WrittenBlocks other) {
        for (int i = 0; i < starts.length; i++) {
            BitSet both = (BitSet) starts[i].clone();
            both.and(other.starts[i]);
            count -= both.cardinality();
            starts[i].andNot(other.starts[i]);
        }
    }

    /** Forgets everything (after a backlog was read back). */
    void clear() {
        for (BitSet s : starts) {
            s.clear();
        }
        count = 0;
    }
}
