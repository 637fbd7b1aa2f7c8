package jaio.linux;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;

/**
 * struct iocb from include/uapi/linux/aio_abi.h (64 bytes): one native AIO request as
 * io_submit(2) reads it. The field order is the little-endian one (aio_key before
 * aio_rw_flags); jaio knows only little-endian architectures ({@link Arch}).
 *
 * <p>The kernel copies an iocb when io_submit accepts it and afterwards only uses its address
 * (returned in io_event.obj, looked up by io_cancel), so an iocb may be rewritten as soon as
 * io_submit has returned, provided io_cancel is not called with it any more.
 */
public final class Iocb {
    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
            JAVA_LONG.withName("aio_data"),
            JAVA_INT.withName("aio_key"),
            JAVA_INT.withName("aio_rw_flags"),
            JAVA_SHORT.withName("aio_lio_opcode"),
            JAVA_SHORT.withName("aio_reqprio"),
            JAVA_INT.withName("aio_fildes"),
            JAVA_LONG.withName("aio_buf"),
            JAVA_LONG.withName("aio_nbytes"),
            JAVA_LONG.withName("aio_offset"),
            JAVA_LONG.withName("aio_reserved2"),
            JAVA_INT.withName("aio_flags"),
            JAVA_INT.withName("aio_resfd"));

    /** sizeof(struct iocb). */
    public static final long SIZE = LAYOUT.byteSize();

    public static final long AIO_DATA = LAYOUT.byteOffset(groupElement("aio_data"));
    public static final long AIO_KEY = LAYOUT.byteOffset(groupElement("aio_key"));
    public static final long AIO_RW_FLAGS = LAYOUT.byteOffset(groupElement("aio_rw_flags"));
    public static final long AIO_LIO_OPCODE = LAYOUT.byteOffset(groupElement("aio_lio_opcode"));
    public static final long AIO_REQPRIO = LAYOUT.byteOffset(groupElement("aio_reqprio"));
    public static final long AIO_FILDES = LAYOUT.byteOffset(groupElement("aio_fildes"));
    public static final long AIO_BUF = LAYOUT.byteOffset(groupElement("aio_buf"));
    public static final long AIO_NBYTES = LAYOUT.byteOffset(groupElement("aio_nbytes"));
    public static final long AIO_OFFSET = LAYOUT.byteOffset(groupElement("aio_offset"));
    public static final long AIO_RESERVED2 = LAYOUT.byteOffset(groupElement("aio_reserved2"));
    public static final long AIO_FLAGS = LAYOUT.byteOffset(groupElement("aio_flags"));
    public static final long AIO_RESFD = LAYOUT.byteOffset(groupElement("aio_resfd"));

    private Iocb() {}

    /**
     * Writes every field of the iocb at {@code base} in {@code seg}. aio_key and
     * aio_reserved2 are zeroed: io_submit refuses a non-zero reserved field, and io_cancel
     * expects the key the kernel leaves at 0 (KIOCB_KEY).
     *
     * @param data    returned unchanged in the event's data word
     * @param opcode  an IOCB_CMD_* of {@link Aio}
     * @param fd      the descriptor
     * @param buf     the buffer's (or the iovec array's, or POLL's event mask) value
     * @param nbytes  bytes (or iovec count); 0 where the opcode wants it zero
     * @param offset  file offset
     * @param rwFlags RWF_* flags (must be 0 for FSYNC, FDSYNC and POLL)
     * @param flags   IOCB_FLAG_* bits
     * @param reqprio ioprio value, used with IOCB_FLAG_IOPRIO
     * @param resfd   eventfd signalled on completion, used with IOCB_FLAG_RESFD
     */
    public static void set(MemorySegment seg, long base, long data, int opcode, int fd, long buf, long nbytes,
                           long offset, int rwFlags, int flags, int reqprio, int resfd) {
        seg.set(JAVA_LONG, base + AIO_DATA, data);
        seg.set(JAVA_INT, base + AIO_KEY, 0);
        seg.set(JAVA_INT, base + AIO_RW_FLAGS, rwFlags);
        seg.set(JAVA_SHORT, base + AIO_LIO_OPCODE, (short) opcode);
        seg.set(JAVA_SHORT, base + AIO_REQPRIO, (short) reqprio);
        seg.set(JAVA_INT, base + AIO_FILDES, fd);
        seg.set(JAVA_LONG, base + AIO_BUF, buf);
        seg.set(JAVA_LONG, base + AIO_NBYTES, nbytes);
        seg.set(JAVA_LONG, base + AIO_OFFSET, offset);
        seg.set(JAVA_LONG, base + AIO_RESERVED2, 0L);
        seg.set(JAVA_INT, base + AIO_FLAGS, flags);
        seg.set(JAVA_INT, base + AIO_RESFD, resfd);
    }

    /** The aio_data word of the iocb at {@code base}. */
    public static long data(MemorySegment seg, long base) {
        return seg.get(JAVA_LONG, base + AIO_DATA);
    }

    /** The opcode of the iocb at {@code base}. */
    public static int opcode(MemorySegment seg, long base) {
        return seg.get(JAVA_SHORT, base + AIO_LIO_OPCODE);
    }

    /** The aio_flags of the iocb at {@code base}. */
    public static int flags(MemorySegment seg, long base) {
        return seg.get(JAVA_INT, base + AIO_FLAGS);
    }
}
