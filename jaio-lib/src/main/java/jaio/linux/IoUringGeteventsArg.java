package jaio.linux;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;

/**
 * struct io_uring_getevents_arg from include/uapi/linux/io_uring.h (24 bytes): the extended
 * argument of io_uring_enter with IORING_ENTER_EXT_ARG (Linux 5.11), which lets the kernel
 * wait for at least N completions with a timeout.
 */
public final class IoUringGeteventsArg {
    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
            JAVA_LONG.withName("sigmask"),
            JAVA_INT.withName("sigmask_sz"),
            JAVA_INT.withName("pad"),
            JAVA_LONG.withName("ts"));

    public static final long SIZE = LAYOUT.byteSize();

    public static final long SIGMASK = LAYOUT.byteOffset(groupElement("sigmask"));
    public static final long SIGMASK_SZ = LAYOUT.byteOffset(groupElement("sigmask_sz"));
    public static final long PAD = LAYOUT.byteOffset(groupElement("pad"));
    public static final long TS = LAYOUT.byteOffset(groupElement("ts"));

    private IoUringGeteventsArg() {}

    /** No signal mask, and the timeout at {@code timespec} (a {@link Timespec}), or 0 for none. */
    public static void set(MemorySegment arg, long timespec) {
        arg.set(JAVA_LONG, SIGMASK, 0L);
        arg.set(JAVA_INT, SIGMASK_SZ, 0);
        arg.set(JAVA_INT, PAD, 0);
        arg.set(JAVA_LONG, TS, timespec);
    }
}
