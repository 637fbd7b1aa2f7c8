package jaio.engine.uring;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.List;
import jaio.Errno;
import jaio.linux.IoUring;
import jaio.linux.Iovec;

/**
 * Immutable after construction, so lookups are safe from any thread: the context's registered
 * buffers (J4), registered once with IORING_REGISTER_BUFFERS when the engine opens, then looked
 * up by address for each single-buffer transfer, which uses READ_FIXED/WRITE_FIXED when its
 * memory lies inside one of them. The buffers are the context's own (page aligned, kept
 * reachable by the context until it closes), so the pages the kernel pinned always belong to
 * them.
 */
final class UringBuffers {
    private final long[] starts;
    private final long[] ends;
    private final int[] index;
    /** Why registration was refused, or null when it worked (or nothing was asked). */
    final String refused;

    private UringBuffers(long[] starts, long[] ends, int[] index, String refused) {
        this.starts = starts;
        this.ends = ends;
        this.index = index;
        this.refused = refused;
    }

    static final UringBuffers NONE = new UringBuffers(new long[0], new long[0], new int[0], null);

    /** Registers {@code bufs} with ring {@code fd}; on refusal the lookups find nothing. */
    static UringBuffers register(int fd, List<MemorySegment> bufs, Arena arena) {
        if (bufs.isEmpty()) {
            return NONE;
        }
        MemorySegment iov = arena.allocate(Iovec.LAYOUT, bufs.size());
        for (int i = 0; i < bufs.size(); i++) {
            Iovec.set(iov, i, bufs.get(i).address(), bufs.get(i).byteSize());
        }
        int r = IoUring.register(fd, IoUring.IORING_REGISTER_BUFFERS, iov.address(), bufs.size());
        if (r < 0) {
            return new UringBuffers(new long[0], new long[0], new int[0], "IORING_REGISTER_BUFFERS: " + Errno.describe(r)
                    + (r == -Errno.ENOMEM ? " (locked-memory limit: ulimit -l)" : ""));
        }
        Integer[] order = new Integer[bufs.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Long.compareUnsigned(bufs.get(a).address(), bufs.get(b).address()));
        long[] s = new long[order.length];
        long[] e = new long[order.length];
        int[] x = new int[order.length];
        for (int i = 0; i < order.length; i++) {
            MemorySegment b = bufs.get(order[i]);
            s[i] = b.address();
            e[i] = b.address() + b.byteSize();
            x[i] = order[i];
        }
        return new UringBuffers(s, e, x, null);
    }

    int count() {
        return starts.length;
    }

    /** The registered buffer holding {@code [addr, addr + len)} entirely, or -1. */
    int find(long addr, long len) {
        int lo = 0;
        int hi = starts.length - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (starts[mid] <= addr) {
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        // hi: the last buffer starting at or before addr.
        if (hi >= 0 && addr + len <= ends[hi]) {
            return index[hi];
        }
        return -1;
    }
}
