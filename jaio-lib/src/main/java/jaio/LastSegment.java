package jaio;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

/**
 * One request's thread (a request is prepared by one thread at a time): the segment of the
 * buffer a request was last prepared with, and the window (position, limit) it covers. A
 * request re-prepared on the same buffer and window, as a read loop does, reuses it instead of
 * allocating a new MemorySegment each time.
 */
final class LastSegment {
    private ByteBuffer buffer;
    private int position;
    private int limit;
    private MemorySegment segment;

    /** {@code MemorySegment.ofBuffer(b)}, the same object while the buffer and its window are. */
    MemorySegment of(ByteBuffer b) {
        int pos = b.position();
        int lim = b.limit();
        if (b != buffer || pos != position || lim != limit) {
            segment = MemorySegment.ofBuffer(b);
            buffer = b;
            position = pos;
            limit = lim;
        }
        return segment;
    }
}
