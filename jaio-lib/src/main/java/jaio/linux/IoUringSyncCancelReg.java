package jaio.linux;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;

/**
 * struct io_uring_sync_cancel_reg from include/uapi/linux/io_uring.h (64 bytes): the argument
 * of IORING_REGISTER_SYNC_CANCEL (Linux 6.0), which cancels a request and answers at once
 * whether it found it. Newer kernels take an opcode byte where older headers show padding;
 * jaio leaves it 0.
 */
public final class IoUringSyncCancelReg {
    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
            JAVA_LONG.withName("addr"),
            JAVA_INT.withName("fd"),
            JAVA_INT.withName("flags"),
            Timespec.LAYOUT.withName("timeout"),
            JAVA_BYTE.withName("opcode"),
            MemoryLayout.sequenceLayout(7, JAVA_BYTE).withName("pad"),
            MemoryLayout.sequenceLayout(3, JAVA_LONG).withName("pad2"));

    public static final long SIZE = LAYOUT.byteSize();

    public static final long ADDR = LAYOUT.byteOffset(groupElement("addr"));
    public static final long FD = LAYOUT.byteOffset(groupElement("fd"));
    public static final long FLAGS = LAYOUT.byteOffset(groupElement("flags"));
    public static final long TIMEOUT = LAYOUT.byteOffset(groupElement("timeout"));
    public static final long OPCODE = LAYOUT.byteOffset(groupElement("opcode"));

    private IoUringSyncCancelReg() {}

    /**
     * A cancel of the request whose user_data is {@code userData} (with {@code flags} 0), or
     * of whatever the flags select, that does not wait for a request already running: the
     * zero timeout makes the kernel answer -ETIME instead.
     */
    public static void set(MemorySegment reg, long userData, int flags) {
        reg.fill((byte) 0);
        reg.set(JAVA_LONG, ADDR, userData);
        reg.set(JAVA_INT, FD, -1);
        reg.set(JAVA_INT, FLAGS, flags);
        Timespec.set(reg.asSlice(TIMEOUT, Timespec.LAYOUT.byteSize()), 0);
    }
}
