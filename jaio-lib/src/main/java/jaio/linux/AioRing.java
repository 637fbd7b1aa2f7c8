package jaio.linux;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;

/**
 * Stateless accessors of memory the kernel shares with one reader at a time (the caller's
 * lock), each with the ordering its comment states: struct aio_ring from fs/aio.c, the header
 * of the completion ring the kernel maps into the process at the address that io_setup(2)
 * returns as the context id, followed by {@code nr} struct io_event ({@link IoEvent}).
 *
 * <p>The kernel writes events at the tail and then moves {@code tail}; user space reads events
 * from {@code head} and moves {@code head}; io_getevents(2) moves it too. So the ring may be
 * read without a system call, by one reader at a time, and never while a thread is inside
 * io_getevents on the same context. The layout is only trusted when magic and the feature words
 * match what this class knows ({@link #compatible}).
 */
public final class AioRing {
    /** AIO_RING_MAGIC from fs/aio.c. */
    public static final int AIO_RING_MAGIC = 0xa10a10a1;
    /** AIO_RING_COMPAT_FEATURES from fs/aio.c. */
    public static final int AIO_RING_COMPAT_FEATURES = 1;
    /** AIO_RING_INCOMPAT_FEATURES from fs/aio.c. */
    public static final int AIO_RING_INCOMPAT_FEATURES = 0;

    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
            JAVA_INT.withName("id"),
            JAVA_INT.withName("nr"),
            JAVA_INT.withName("head"),
            JAVA_INT.withName("tail"),
            JAVA_INT.withName("magic"),
            JAVA_INT.withName("compat_features"),
            JAVA_INT.withName("incompat_features"),
            JAVA_INT.withName("header_length"));

    /** sizeof(struct aio_ring): where io_events[0] starts. */
    public static final long HEADER_SIZE = LAYOUT.byteSize();

    public static final long ID = LAYOUT.byteOffset(groupElement("id"));
    public static final long NR = LAYOUT.byteOffset(groupElement("nr"));
    public static final long HEAD = LAYOUT.byteOffset(groupElement("head"));
    public static final long TAIL = LAYOUT.byteOffset(groupElement("tail"));
    public static final long MAGIC = LAYOUT.byteOffset(groupElement("magic"));
    public static final long COMPAT_FEATURES = LAYOUT.byteOffset(groupElement("compat_features"));
    public static final long INCOMPAT_FEATURES = LAYOUT.byteOffset(groupElement("incompat_features"));
    public static final long HEADER_LENGTH = LAYOUT.byteOffset(groupElement("header_length"));

    private static final VarHandle HEAD_VH = LAYOUT.varHandle(groupElement("head"));
    private static final VarHandle TAIL_VH = LAYOUT.varHandle(groupElement("tail"));

    private AioRing() {}

    /**
     * The ring of context {@code ctxId}: the header alone when the header is not one this
     * class understands, else the header and all {@code nr} events. The segment belongs to
     * {@code owner}, so that once the owner closes (after io_destroy unmapped the ring) a stray
     * access throws instead of touching unmapped memory.
     */
    @SuppressWarnings("restricted") // reinterpret: the size comes from the kernel's own header
    public static MemorySegment map(long ctxId, Arena owner) {
        MemorySegment header = MemorySegment.ofAddress(ctxId).reinterpret(HEADER_SIZE, owner, null);
        if (!compatible(header)) {
            return header;
        }
        long nr = Integer.toUnsignedLong(header.get(JAVA_INT, NR));
        return header.reinterpret(HEADER_SIZE + nr * IoEvent.SIZE, owner, null);
    }

    /**
     * Whether the header has the magic, the feature words and the header length this class
     * was written for, so that events may be read from the mapping directly.
     */
    public static boolean compatible(MemorySegment ring) {
        return ring.get(JAVA_INT, MAGIC) == AIO_RING_MAGIC
                && ring.get(JAVA_INT, COMPAT_FEATURES) == AIO_RING_COMPAT_FEATURES
                && ring.get(JAVA_INT, INCOMPAT_FEATURES) == AIO_RING_INCOMPAT_FEATURES
                && Integer.toUnsignedLong(ring.get(JAVA_INT, HEADER_LENGTH)) == HEADER_SIZE
                && ring.get(JAVA_INT, NR) > 0;
    }

    /** Number of event slots. */
    public static int nr(MemorySegment ring) {
        return ring.get(JAVA_INT, NR);
    }

    /** The header words, for reports: magic, compat, incompat, header length. */
    public static String describe(MemorySegment ring) {
        return String.format("magic 0x%08x, compat_features %d, incompat_features %d, header_length %d, nr %d",
                ring.get(JAVA_INT, MAGIC), ring.get(JAVA_INT, COMPAT_FEATURES), ring.get(JAVA_INT, INCOMPAT_FEATURES),
                ring.get(JAVA_INT, HEADER_LENGTH), ring.get(JAVA_INT, NR));
    }

    /**
     * The consumer index. Only the single reader of the ring and io_getevents write it, and
     * both run under the reader's lock (io_getevents is a system call, a full barrier), so a
     * plain read sees the last value.
     */
    public static int head(MemorySegment ring) {
        return ring.get(JAVA_INT, HEAD);
    }

    /**
     * The producer index. Acquire: pairs with the kernel's smp_wmb before it stores tail in
     * aio_complete, so the events below the tail read afterwards are complete.
     */
    public static int tailAcquire(MemorySegment ring) {
        return (int) TAIL_VH.getAcquire(ring, 0L);
    }

    /**
     * Moves the consumer index. Release: our reads of the consumed events complete before
     * the kernel can see their slots as free (it reads head when it refills its request
     * budget) and overwrite them.
     */
    public static void headRelease(MemorySegment ring, int head) {
        HEAD_VH.setRelease(ring, 0L, head);
    }

    /** Offset of event {@code index} in the mapping. */
    public static long eventOffset(int index) {
        return HEADER_SIZE + index * IoEvent.SIZE;
    }
}
