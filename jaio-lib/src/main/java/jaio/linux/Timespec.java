package jaio.linux;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;

/** struct __kernel_timespec from include/uapi/linux/time_types.h (16 bytes): a relative timeout. */
public final class Timespec {
    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
            JAVA_LONG.withName("tv_sec"),
            JAVA_LONG.withName("tv_nsec"));

    public static final long TV_SEC = LAYOUT.byteOffset(groupElement("tv_sec"));
    public static final long TV_NSEC = LAYOUT.byteOffset(groupElement("tv_nsec"));

    private Timespec() {}

    /** Stores a non-negative duration in nanoseconds. */
    public static void set(MemorySegment seg, long nanos) {
        seg.set(JAVA_LONG, TV_SEC, nanos / 1_000_000_000L);
        seg.set(JAVA_LONG, TV_NSEC, nanos % 1_000_000_000L);
    }
}
