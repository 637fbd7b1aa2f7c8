package jaio.linux;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;

/** struct iovec from include/uapi/linux/uio.h (16 bytes on 64-bit): one buffer of a vectored transfer. */
public final class Iovec {
    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
            JAVA_LONG.withName("iov_base"),
            JAVA_LONG.withName("iov_len"));

    /** sizeof(struct iovec). */
    public static final long SIZE = LAYOUT.byteSize();

    public static final long IOV_BASE = LAYOUT.byteOffset(groupElement("iov_base"));
    public static final long IOV_LEN = LAYOUT.byteOffset(groupElement("iov_len"));

    private Iovec() {}

    /** Sets entry {@code index} of the iovec array at {@code seg}. */
    public static void set(MemorySegment seg, int index, long address, long length) {
        long base = index * SIZE;
        seg.set(JAVA_LONG, base + IOV_BASE, address);
        seg.set(JAVA_LONG, base + IOV_LEN, length);
    }

    /**
     * Describes the part of {@code segs[0..count)} that starts {@code skip} bytes in (the
     * remainder of a transfer that moved {@code skip} bytes already) as iovecs in {@code out}.
     *
     * @return the number of entries written, at most {@code count}
     */
    public static int fillRemainder(MemorySegment out, MemorySegment[] segs, int count, long skip) {
        int n = 0;
        for (int i = 0; i < count; i++) {
            long size = segs[i].byteSize();
            if (skip >= size && i < count - 1) {
                skip -= size;
                continue;
            }
            long start = Math.min(skip, size);
            set(out, n++, segs[i].address() + start, size - start);
            skip = 0;
        }
        return n;
    }
}
