package jaio.linux;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;

/**
 * struct io_uring_files_update from include/uapi/linux/io_uring.h (16 bytes): the argument of
 * IORING_REGISTER_FILES_UPDATE, which replaces registered-file slots from {@code offset} with
 * the descriptors of an int array (-1 empties a slot).
 */
public final class IoUringFilesUpdate {
    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
            JAVA_INT.withName("offset"),
            JAVA_INT.withName("resv"),
            JAVA_LONG.withName("fds"));

    public static final long SIZE = LAYOUT.byteSize();

    public static final long OFFSET = LAYOUT.byteOffset(groupElement("offset"));
    public static final long RESV = LAYOUT.byteOffset(groupElement("resv"));
    public static final long FDS = LAYOUT.byteOffset(groupElement("fds"));

    private IoUringFilesUpdate() {}

    public static void set(MemorySegment upd, int offset, long fdsAddress) {
        upd.set(JAVA_INT, OFFSET, offset);
        upd.set(JAVA_INT, RESV, 0);
        upd.set(JAVA_LONG, FDS, fdsAddress);
    }
}
