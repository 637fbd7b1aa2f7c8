package jaio.bench.run;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

/**
 * One job thread's: the buffer of each request slot, and per slot the slice of it (and that
 * slice's ByteBuffer view, and a one-segment vector of it) for each block length seen, made
 * once, so that re-aiming a slot at a new length allocates nothing after the first time.
 * Lengths are cached by length / the smallest block size; with unaligned block sizes, or more
 * than 1024 lengths, nothing is cached.
 */
final class SlotBuffers {
    private final MemorySegment[] buffers;
    private final long minBs;
    private final long maxBs;
    private final MemorySegment[][] slices;
    private final ByteBuffer[][] views;
    private final MemorySegment[][][] vectors;

    SlotBuffers(MemorySegment[] buffers, long minBs, long maxBs, boolean unaligned) {
        this.buffers = buffers;
        this.minBs = minBs;
        this.maxBs = maxBs;
        int lengths = unaligned || maxBs / minBs > 1024 ? 0 : (int) (maxBs / minBs) + 1;
        this.slices = new MemorySegment[buffers.length][lengths];
        this.views = new ByteBuffer[buffers.length][lengths];
        this.vectors = new MemorySegment[buffers.length][lengths][];
    }

    private int lengthIndex(long len) {
        return len % minBs == 0 && len / minBs < slices[0].length ? (int) (len / minBs) : -1;
    }

    /** The first {@code len} bytes of the slot's buffer. */
    MemorySegment slice(int slot, long len) {
        int i = lengthIndex(len);
        if (i < 0) {
            return buffers[slot].asSlice(0, len);
        }
        MemorySegment s = slices[slot][i];
        if (s == null) {
            s = len == maxBs ? buffers[slot] : buffers[slot].asSlice(0, len);
            slices[slot][i] = s;
        }
        return s;
    }

    /** A ByteBuffer view of {@link #slice}. */
    ByteBuffer view(int slot, long len) {
        int i = lengthIndex(len);
        if (i < 0) {
            return slice(slot, len).asByteBuffer();
        }
        ByteBuffer v = views[slot][i];
        if (v == null) {
            v = slice(slot, len).asByteBuffer();
            views[slot][i] = v;
        }
        return v;
    }

    /** A one-segment vector of {@code seg}, the slot's slice of {@code len}. */
    MemorySegment[] vector(int slot, long len, MemorySegment seg) {
        int i = lengthIndex(len);
        if (i < 0) {
            return new MemorySegment[] {seg};
        }
        MemorySegment[] v = vectors[slot][i];
        if (v == null) {
            v = new MemorySegment[] {seg};
            vectors[slot][i] = v;
        }
        return v;
    }
}
