package jaio.linux;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;

/** struct statx from linux/stat.h (256 bytes): the fields jaio reads. */
public final class Statx {
    /** Ask for stx_dio_mem_align and stx_dio_offset_align (Linux 6.1). */
    public static final int STATX_DIOALIGN = 0x2000;
    /** Ask for stx_size. */
    public static final int STATX_SIZE = 0x200;
    /** Ask for stx_mode. */
    public static final int STATX_TYPE = 0x1;
    /** statx on the descriptor itself rather than a path. */
    public static final int AT_EMPTY_PATH = 0x1000;

    private static final MemoryLayout TIMESTAMP = MemoryLayout.structLayout(
            JAVA_LONG.withName("tv_sec"), JAVA_INT.withName("tv_nsec"), JAVA_INT.withName("pad"));

    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
            JAVA_INT.withName("stx_mask"),
            JAVA_INT.withName("stx_blksize"),
            JAVA_LONG.withName("stx_attributes"),
            JAVA_INT.withName("stx_nlink"),
            JAVA_INT.withName("stx_uid"),
            JAVA_INT.withName("stx_gid"),
            JAVA_SHORT.withName("stx_mode"),
            JAVA_SHORT.withName("pad1"),
            JAVA_LONG.withName("stx_ino"),
            JAVA_LONG.withName("stx_size"),
            JAVA_LONG.withName("stx_blocks"),
            JAVA_LONG.withName("stx_attributes_mask"),
            TIMESTAMP.withName("stx_atime"),
            TIMESTAMP.withName("stx_btime"),
            TIMESTAMP.withName("stx_ctime"),
            TIMESTAMP.withName("stx_mtime"),
            JAVA_INT.withName("stx_rdev_major"),
            JAVA_INT.withName("stx_rdev_minor"),
            JAVA_INT.withName("stx_dev_major"),
            JAVA_INT.withName("stx_dev_minor"),
            JAVA_LONG.withName("stx_mnt_id"),
            JAVA_INT.withName("stx_dio_mem_align"),
            JAVA_INT.withName("stx_dio_offset_align"),
            MemoryLayout.sequenceLayout(12, JAVA_LONG).withName("spare"));

    public static final long MASK = LAYOUT.byteOffset(groupElement("stx_mask"));
    public static final long MODE = LAYOUT.byteOffset(groupElement("stx_mode"));
    public static final long SIZE = LAYOUT.byteOffset(groupElement("stx_size"));
    public static final long DIO_MEM_ALIGN = LAYOUT.byteOffset(groupElement("stx_dio_mem_align"));
    public static final long DIO_OFFSET_ALIGN = LAYOUT.byteOffset(groupElement("stx_dio_offset_align"));

    private Statx() {}
}
