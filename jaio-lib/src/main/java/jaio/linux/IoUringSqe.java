package jaio.linux;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * struct io_uring_sqe from include/uapi/linux/io_uring.h (64 bytes): one submission. Unions
 * are named after the member jaio uses: {@code off} (also addr2), {@code addr}, {@code
 * op_flags} (rw_flags, fsync_flags, poll32_events, timeout_flags, cancel_flags ...),
 * {@code file_index} (also splice_fd_in) and {@code addr3}.
 *
 * <p>The kernel copies an SQE when io_uring_enter consumes it (and, with
 * IORING_FEAT_SUBMIT_STABLE, whatever it points to that describes the request, such as
 * iovecs), so its slot may be reused once the SQ head has moved past it.
 */
public final class IoUringSqe {
    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
            JAVA_BYTE.withName("opcode"),
            JAVA_BYTE.withName("flags"),
            JAVA_SHORT.withName("ioprio"),
            JAVA_INT.withName("fd"),
            JAVA_LONG.withName("off"),
            JAVA_LONG.withName("addr"),
            JAVA_INT.withName("len"),
            JAVA_INT.withName("op_flags"),
            JAVA_LONG.withName("user_data"),
            JAVA_SHORT.withName("buf_index"),
            JAVA_SHORT.withName("personality"),
            JAVA_INT.withName("file_index"),
            JAVA_LONG.withName("addr3"),
            JAVA_LONG.withName("pad2"));

    /** sizeof(struct io_uring_sqe). */
    public static final long SIZE = LAYOUT.byteSize();

    public static final long OPCODE = LAYOUT.byteOffset(groupElement("opcode"));
    public static final long FLAGS = LAYOUT.byteOffset(groupElement("flags"));
    public static final long IOPRIO = LAYOUT.byteOffset(groupElement("ioprio"));
    public static final long FD = LAYOUT.byteOffset(groupElement("fd"));
    public static final long OFF = LAYOUT.byteOffset(groupElement("off"));
    public static final long ADDR = LAYOUT.byteOffset(groupElement("addr"));
    public static final long LEN = LAYOUT.byteOffset(groupElement("len"));
    public static final long OP_FLAGS = LAYOUT.byteOffset(groupElement("op_flags"));
    public static final long USER_DATA = LAYOUT.byteOffset(groupElement("user_data"));
    public static final long BUF_INDEX = LAYOUT.byteOffset(groupElement("buf_index"));
    public static final long PERSONALITY = LAYOUT.byteOffset(groupElement("personality"));
    public static final long FILE_INDEX = LAYOUT.byteOffset(groupElement("file_index"));
    public static final long ADDR3 = LAYOUT.byteOffset(groupElement("addr3"));
    public static final long PAD2 = LAYOUT.byteOffset(groupElement("pad2"));

    /** SQEs are 64-byte aligned in the mapped ring; the unaligned layout skips the per-store alignment check. */
    private static final ValueLayout.OfLong WORD = ValueLayout.JAVA_LONG_UNALIGNED;
    private static final boolean LITTLE_ENDIAN = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;

    private IoUringSqe() {}

    /**
     * Writes every field of the SQE at {@code base} in {@code sqes}; the fields jaio does not
     * use (personality, file_index, addr3, the padding) are zeroed, as the kernel requires.
     *
     * @param opcode   an IORING_OP_* of {@link IoUring}
     * @param flags    IOSQE_* bits
     * @param ioprio   the I/O priority (0: the task's)
     * @param fd       the descriptor, or the registered-file index with IOSQE_FIXED_FILE
     * @param off      file offset (TIMEOUT: the completion count)
     * @param addr     buffer, iovec array, timespec, or the user_data a cancel targets
     * @param len      bytes, iovec count, or 1 for a timespec
     * @param opFlags  rw_flags, fsync_flags, poll32_events, timeout_flags or cancel_flags
     * @param userData returned unchanged in the CQE
     * @param bufIndex the registered buffer of READ_FIXED/WRITE_FIXED
     */
    public static void set(MemorySegment sqes, long base, int opcode, int flags, int ioprio, int fd, long off,
                           long addr, int len, int opFlags, long userData, int bufIndex) {
        if (LITTLE_ENDIAN) {
            // Eight 8-byte stores instead of fourteen field stores: the SQE is written once per
            // request, and each store is bounds-checked. The words in memory order, low byte first.
            sqes.set(WORD, base, (opcode & 0xFFL) | (flags & 0xFFL) << 8 | (ioprio & 0xFFFFL) << 16 | (long) fd << 32);
            sqes.set(WORD, base + OFF, off);
            sqes.set(WORD, base + ADDR, addr);
            sqes.set(WORD, base + LEN, (len & 0xFFFFFFFFL) | (long) opFlags << 32);
            sqes.set(WORD, base + USER_DATA, userData);
            sqes.set(WORD, base + BUF_INDEX, bufIndex & 0xFFFFL);
            sqes.set(WORD, base + ADDR3, 0L);
            sqes.set(WORD, base + PAD2, 0L);
            return;
        }
        sqes.set(JAVA_BYTE, base + OPCODE, (byte) opcode);
        sqes.set(JAVA_BYTE, base + FLAGS, (byte) flags);
        sqes.set(JAVA_SHORT, base + IOPRIO, (short) ioprio);
        sqes.set(JAVA_INT, base + FD, fd);
        sqes.set(JAVA_LONG, base + OFF, off);
        sqes.set(JAVA_LONG, base + ADDR, addr);
        sqes.set(JAVA_INT, base + LEN, len);
        sqes.set(JAVA_INT, base + OP_FLAGS, opFlags);
        sqes.set(JAVA_LONG, base + USER_DATA, userData);
        sqes.set(JAVA_SHORT, base + BUF_INDEX, (short) bufIndex);
        sqes.set(JAVA_SHORT, base + PERSONALITY, (short) 0);
        sqes.set(JAVA_INT, base + FILE_INDEX, 0);
        sqes.set(JAVA_LONG, base + ADDR3, 0L);
        sqes.set(JAVA_LONG, base + PAD2, 0L);
    }

    /** Sets splice_fd_in (the union with file_index) of a SPLICE SQE written by {@link #set}. */
    public static void setSpliceFdIn(MemorySegment sqes, long base, int fd) {
        sqes.set(JAVA_INT, base + FILE_INDEX, fd);
    }

    /** The user_data of the SQE at {@code base}. */
    public static long userData(MemorySegment sqes, long base) {
        return sqes.get(JAVA_LONG, base + USER_DATA);
    }

    /** The opcode of the SQE at {@code base}. */
    public static int opcode(MemorySegment sqes, long base) {
        return sqes.get(JAVA_BYTE, base + OPCODE) & 0xFF;
    }
}
