package jaio.linux;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;

/**
 * struct io_uring_cqe from include/uapi/linux/io_uring.h (16 bytes without
 * IORING_SETUP_CQE32, which jaio does not use): one completion in the mapped CQ ring.
 */
public final class IoUringCqe {
    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
            JAVA_LONG.withName("user_data"),
            JAVA_INT.withName("res"),
            JAVA_INT.withName("flags"));

    /** sizeof(struct io_uring_cqe). */
    public static final long SIZE = LAYOUT.byteSize();

    public static final long USER_DATA = LAYOUT.byteOffset(groupElement("user_data"));
    public static final long RES = LAYOUT.byteOffset(groupElement("res"));
    public static final long FLAGS = LAYOUT.byteOffset(groupElement("flags"));

    /** IORING_CQE_F_MORE: the request will post more CQEs (multishot). */
    public static final int IORING_CQE_F_MORE = 1 << 1;

    private IoUringCqe() {}

    public static long userData(MemorySegment cqes, long base) {
        return cqes.get(JAVA_LONG, base + USER_DATA);
    }

    /** The result: bytes, a poll mask, or -errno. */
    public static int res(MemorySegment cqes, long base) {
        return cqes.get(JAVA_INT, base + RES);
    }

    public static int flags(MemorySegment cqes, long base) {
        return cqes.get(JAVA_INT, base + FLAGS);
    }
}
