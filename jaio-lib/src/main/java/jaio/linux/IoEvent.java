package jaio.linux;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;

/**
 * struct io_event from include/uapi/linux/aio_abi.h (32 bytes): one completion, as
 * io_getevents(2) copies it out and as it sits in the user-mapped ring ({@link AioRing}).
 */
public final class IoEvent {
    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
            JAVA_LONG.withName("data"),
            JAVA_LONG.withName("obj"),
            JAVA_LONG.withName("res"),
            JAVA_LONG.withName("res2"));

    /** sizeof(struct io_event). */
    public static final long SIZE = LAYOUT.byteSize();

    public static final long DATA = LAYOUT.byteOffset(groupElement("data"));
    public static final long OBJ = LAYOUT.byteOffset(groupElement("obj"));
    public static final long RES = LAYOUT.byteOffset(groupElement("res"));
    public static final long RES2 = LAYOUT.byteOffset(groupElement("res2"));

    private IoEvent() {}

    /** The iocb's aio_data, returned unchanged. */
    public static long data(MemorySegment seg, long base) {
        return seg.get(JAVA_LONG, base + DATA);
    }

    /** The address of the iocb this event completes. */
    public static long obj(MemorySegment seg, long base) {
        return seg.get(JAVA_LONG, base + OBJ);
    }

    /** The result: bytes transferred, a poll mask, or -errno. */
    public static long res(MemorySegment seg, long base) {
        return seg.get(JAVA_LONG, base + RES);
    }

    /** The secondary result (0 for every request kind jaio submits). */
    public static long res2(MemorySegment seg, long base) {
        return seg.get(JAVA_LONG, base + RES2);
    }
}
