package jaio.core;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;

/**
 * Library-owned memory for requests whose buffers an engine cannot use in place (heap
 * memory on a kernel engine, closable arenas). Page-aligned, so bounced buffers also satisfy
 * O_DIRECT. Sizes are rounded up to powers of two from 4 KiB; up to {@link #KEEP_PER_CLASS}
 * segments per size class are kept for reuse, so a steady stream of bounced requests
 * allocates nothing. Larger buffers (over 16 MiB) are allocated per request and left to the
 * garbage collector.
 *
 * <p>Memory comes from automatic arenas: a segment is freed only once no request refers to
 * it, so nothing a user does can free memory the kernel still writes into. Thread safe.
 */
final class BouncePool {
    static final int ALIGN = 4096;
    private static final int MIN_SHIFT = 12;
    private static final int MAX_SHIFT = 24;
    private static final int KEEP_PER_CLASS = 64;

    @SuppressWarnings("unchecked")
    private final ArrayDeque<MemorySegment>[] free = new ArrayDeque[MAX_SHIFT - MIN_SHIFT + 1];

    BouncePool() {
        for (int i = 0; i < free.length; i++) {
            free[i] = new ArrayDeque<>();
        }
    }

    /** A segment of at least {@code size} bytes, aligned to 4 KiB. */
    MemorySegment take(long size) {
        int c = sizeClass(size);
        if (c < 0) {
            return Arena.ofAuto().allocate(Math.max(size, 1), ALIGN);
        }
        ArrayDeque<MemorySegment> q = free[c];
        synchronized (q) {
            MemorySegment s = q.pollFirst();
            if (s != null) {
                return s;
            }
        }
        return Arena.ofAuto().allocate(1L << (c + MIN_SHIFT), ALIGN);
    }

    /** Returns a segment obtained from {@link #take}. */
    void give(MemorySegment s) {
        int c = sizeClass(s.byteSize());
        if (c < 0 || s.byteSize() != 1L << (c + MIN_SHIFT)) {
            return;
        }
        ArrayDeque<MemorySegment> q = free[c];
        synchronized (q) {
            if (q.size() < KEEP_PER_CLASS) {
                q.addFirst(s);
            }
        }
    }

    private static int sizeClass(long size) {
        if (size > 1L << MAX_SHIFT) {
            return -1;
        }
        int shift = Math.max(MIN_SHIFT, 64 - Long.numberOfLeadingZeros(Math.max(size, 1) - 1));
        return shift - MIN_SHIFT;
    }
}
