package jaio.linux;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;

/**
 * struct io_uring_params from include/uapi/linux/io_uring.h (120 bytes), with its two nested
 * structs io_sqring_offsets and io_cqring_offsets (40 bytes each): what io_uring_setup(2)
 * reads (entries, flags) and fills in (sizes, features, where each ring field sits in the
 * mapping).
 */
public final class IoUringParams {
    /** struct io_sqring_offsets. */
    public static final StructLayout SQ_OFFSETS = MemoryLayout.structLayout(
            JAVA_INT.withName("head"),
            JAVA_INT.withName("tail"),
            JAVA_INT.withName("ring_mask"),
            JAVA_INT.withName("ring_entries"),
            JAVA_INT.withName("flags"),
            JAVA_INT.withName("dropped"),
            JAVA_INT.withName("array"),
            JAVA_INT.withName("resv1"),
            JAVA_LONG.withName("user_addr"));

    /** struct io_cqring_offsets. */
    public static final StructLayout CQ_OFFSETS = MemoryLayout.structLayout(
            JAVA_INT.withName("head"),
            JAVA_INT.withName("tail"),
            JAVA_INT.withName("ring_mask"),
            JAVA_INT.withName("ring_entries"),
            JAVA_INT.withName("overflow"),
            JAVA_INT.withName("cqes"),
            JAVA_INT.withName("flags"),
            JAVA_INT.withName("resv1"),
            JAVA_LONG.withName("user_addr"));

    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
            JAVA_INT.withName("sq_entries"),
            JAVA_INT.withName("cq_entries"),
            JAVA_INT.withName("flags"),
            JAVA_INT.withName("sq_thread_cpu"),
            JAVA_INT.withName("sq_thread_idle"),
            JAVA_INT.withName("features"),
            JAVA_INT.withName("wq_fd"),
            MemoryLayout.sequenceLayout(3, JAVA_INT).withName("resv"),
            SQ_OFFSETS.withName("sq_off"),
            CQ_OFFSETS.withName("cq_off"));

    public static final long SIZE = LAYOUT.byteSize();

    public static final long SQ_ENTRIES = LAYOUT.byteOffset(groupElement("sq_entries"));
    public static final long CQ_ENTRIES = LAYOUT.byteOffset(groupElement("cq_entries"));
    public static final long FLAGS = LAYOUT.byteOffset(groupElement("flags"));
    public static final long SQ_THREAD_IDLE = LAYOUT.byteOffset(groupElement("sq_thread_idle"));
    public static final long FEATURES = LAYOUT.byteOffset(groupElement("features"));
    public static final long SQ_OFF = LAYOUT.byteOffset(groupElement("sq_off"));
    public static final long CQ_OFF = LAYOUT.byteOffset(groupElement("cq_off"));

    public static final long SQ_OFF_HEAD = SQ_OFF + SQ_OFFSETS.byteOffset(groupElement("head"));
    public static final long SQ_OFF_TAIL = SQ_OFF + SQ_OFFSETS.byteOffset(groupElement("tail"));
    public static final long SQ_OFF_RING_MASK = SQ_OFF + SQ_OFFSETS.byteOffset(groupElement("ring_mask"));
    public static final long SQ_OFF_RING_ENTRIES = SQ_OFF + SQ_OFFSETS.byteOffset(groupElement("ring_entries"));
    public static final long SQ_OFF_FLAGS = SQ_OFF + SQ_OFFSETS.byteOffset(groupElement("flags"));
    public static final long SQ_OFF_DROPPED = SQ_OFF + SQ_OFFSETS.byteOffset(groupElement("dropped"));
    public static final long SQ_OFF_ARRAY = SQ_OFF + SQ_OFFSETS.byteOffset(groupElement("array"));

    public static final long CQ_OFF_HEAD = CQ_OFF + CQ_OFFSETS.byteOffset(groupElement("head"));
    public static final long CQ_OFF_TAIL = CQ_OFF + CQ_OFFSETS.byteOffset(groupElement("tail"));
    public static final long CQ_OFF_RING_MASK = CQ_OFF + CQ_OFFSETS.byteOffset(groupElement("ring_mask"));
    public static final long CQ_OFF_RING_ENTRIES = CQ_OFF + CQ_OFFSETS.byteOffset(groupElement("ring_entries"));
    public static final long CQ_OFF_OVERFLOW = CQ_OFF + CQ_OFFSETS.byteOffset(groupElement("overflow"));
    public static final long CQ_OFF_CQES = CQ_OFF + CQ_OFFSETS.byteOffset(groupElement("cqes"));
    public static final long CQ_OFF_FLAGS = CQ_OFF + CQ_OFFSETS.byteOffset(groupElement("flags"));

    private IoUringParams() {}

    /** An unsigned 32-bit field of the params at {@code offset}. */
    public static int get(MemorySegment params, long offset) {
        return params.get(JAVA_INT, offset);
    }
}
