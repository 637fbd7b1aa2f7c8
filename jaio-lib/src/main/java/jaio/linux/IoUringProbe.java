package jaio.linux;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;

/**
 * struct io_uring_probe (16 bytes) followed by struct io_uring_probe_op[] (8 bytes each),
 * from include/uapi/linux/io_uring.h: what IORING_REGISTER_PROBE reports about each opcode.
 */
public final class IoUringProbe {
    public static final StructLayout OP_LAYOUT = MemoryLayout.structLayout(
            JAVA_BYTE.withName("op"),
            JAVA_BYTE.withName("resv"),
            JAVA_SHORT.withName("flags"),
            JAVA_INT.withName("resv2"));

    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
            JAVA_BYTE.withName("last_op"),
            JAVA_BYTE.withName("ops_len"),
            JAVA_SHORT.withName("resv"),
            MemoryLayout.sequenceLayout(3, JAVA_INT).withName("resv2"));

    /** sizeof(struct io_uring_probe): where ops[0] starts. */
    public static final long HEADER_SIZE = LAYOUT.byteSize();
    public static final long OP_SIZE = OP_LAYOUT.byteSize();

    public static final long LAST_OP = LAYOUT.byteOffset(groupElement("last_op"));
    public static final long OPS_LEN = LAYOUT.byteOffset(groupElement("ops_len"));
    public static final long OP_OP = OP_LAYOUT.byteOffset(groupElement("op"));
    public static final long OP_FLAGS = OP_LAYOUT.byteOffset(groupElement("flags"));

    /** Entries jaio asks for: every opcode value a u8 can name. */
    public static final int MAX_OPS = 256;

    private IoUringProbe() {}

    /** Bytes to allocate (zeroed) for a probe with room for {@code ops} entries. */
    public static long bytes(int ops) {
        return HEADER_SIZE + ops * OP_SIZE;
    }

    /** The highest opcode the kernel knows. */
    public static int lastOp(MemorySegment probe) {
        return probe.get(JAVA_BYTE, LAST_OP) & 0xFF;
    }

    /** Whether the filled-in probe marks {@code opcode} supported. */
    public static boolean supports(MemorySegment probe, int opcode) {
        int len = probe.get(JAVA_BYTE, OPS_LEN) & 0xFF;
        if (opcode >= len || opcode > lastOp(probe)) {
            return false;
        }
        long base = HEADER_SIZE + opcode * OP_SIZE;
        return (probe.get(JAVA_SHORT, base + OP_FLAGS) & IoUring.IO_URING_OP_SUPPORTED) != 0;
    }
}
