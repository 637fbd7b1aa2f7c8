package jaio;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

/**
 * Memory for I/O that every engine uses in place, without a copy (J4).
 *
 * <p>It comes from automatic arenas: it is freed by the garbage collector once nothing refers
 * to it, and a request in flight refers to its buffers, so no user action can free memory the
 * kernel still uses. For O_DIRECT, use {@link #forDirectIo(IoFile, long)} or an alignment of
 * at least {@link IoFile#memoryAlignment()}.
 */
public final class IoBuffers {
    /** The alignment used when none is given: 4 KiB, enough for O_DIRECT on common devices. */
    public static final long DEFAULT_ALIGNMENT = 4096;

    private IoBuffers() {}

    /** {@code size} bytes, zeroed, aligned to 4 KiB. */
    public static MemorySegment allocate(long size) {
        return allocateAligned(size, DEFAULT_ALIGNMENT);
    }

    /**
     * {@code size} bytes, zeroed, aligned to {@code alignment} (a power of two).
     *
     * @throws IllegalArgumentException when size is negative or alignment not a power of two
     */
    public static MemorySegment allocateAligned(long size, long alignment) {
        if (size < 0) {
            throw new IllegalArgumentException("negative size " + size);
        }
        if (alignment <= 0 || Long.bitCount(alignment) != 1) {
            throw new IllegalArgumentException("alignment must be a power of two, was " + alignment);
        }
        return Arena.ofAuto().allocate(size, alignment);
    }

    /** Memory aligned for direct I/O on {@code file} with any engine (and at least 4 KiB aligned). */
    public static MemorySegment forDirectIo(IoFile file, long size) {
        return allocateAligned(size, Math.max(DEFAULT_ALIGNMENT, file.storeBlockAlignment()));
    }

    /** A direct ByteBuffer of {@code capacity} bytes aligned to 4 KiB, used in place by every engine. */
    public static ByteBuffer byteBuffer(int capacity) {
        return allocate(capacity).asByteBuffer();
    }
}
