package jaio.core;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import jaio.Errno;
import jaio.core.op.Refusal;
import jaio.core.op.TransferKind;
import jaio.spi.BufferAccess;
import jaio.spi.Counters;
import jaio.spi.Memory;
import jaio.spi.Retry;

/**
 * For any thread (each size class's free list is guarded by its own monitor; an op's bounce
 * fields belong to the thread that claims or finishes it): copies requests' buffers through
 * library-owned memory when an engine cannot use them in place (heap memory on a kernel
 * engine, closable arenas; see {@link Memory}), and back for reads when they complete.
 *
 * <p>The memory: page-aligned, so bounced buffers also satisfy O_DIRECT. Sizes are rounded
 * up to powers of two from 4 KiB; up to {@link #KEEP_PER_CLASS} segments per size class are
 * kept for reuse, so a steady stream of bounced requests allocates nothing. Larger buffers
 * (over 16 MiB) are allocated per request and left to the garbage collector.
 *
 * <p>Memory comes from automatic arenas: a segment is freed only once no request refers to
 * it, so nothing a user does can free memory the kernel still writes into.
 */
final class Bounce {
    static final int ALIGN = 4096;
    private static final int MIN_SHIFT = 12;
    private static final int MAX_SHIFT = 24;
    private static final int KEEP_PER_CLASS = 64;

    @SuppressWarnings({"unchecked", "rawtypes"})
    private final ArrayDeque<MemorySegment>[] free = new ArrayDeque[MAX_SHIFT - MIN_SHIFT + 1];

    Bounce() {
        for (int i = 0; i < free.length; i++) {
            free[i] = new ArrayDeque<>();
        }
    }

    /**
     * Points {@code op.ioSegs} at the memory the engine will use: the user's own, or bounce
     * memory (filled from the user's for writes). Returns a problem, with nothing held, when
     * the user's memory cannot be read.
     */
    Refusal prepare(CoreOp op, BufferAccess access, Counters counters) {
        op.ioSegs = op.segs;
        if (op.segCount == 0) {
            return null;
        }
        boolean any = false;
        for (int i = 0; i < op.segCount; i++) {
            if (TransferKind.copied(op.kinds[i], access)) {
                any = true;
                break;
            }
        }
        if (!any) {
            return null;
        }
        if (op.bounce == null || op.bounce.length < op.segs.length) {
            op.bounce = new MemorySegment[op.segs.length];
            op.bounceIo = new MemorySegment[op.segs.length];
        }
        boolean write = op.isWrite() || op.isSend();
        for (int i = 0; i < op.segCount; i++) {
            MemorySegment user = op.segs[i];
            if (!TransferKind.copied(op.kinds[i], access)) {
                op.bounceIo[i] = user;
                continue;
            }
            MemorySegment b = take(user.byteSize());
            op.bounce[i] = b;
            MemorySegment io = b.byteSize() == user.byteSize() ? b : b.asSlice(0, user.byteSize());
            op.bounceIo[i] = io;
            if (write) {
                try {
                    MemorySegment.copy(user, 0, io, 0, user.byteSize());
                } catch (IllegalStateException | WrongThreadException e) {
                    release(op);
                    return new Refusal(Errno.EFAULT, "buffer " + i + " cannot be read: " + e.getMessage());
                }
            }
        }
        op.ioSegs = op.bounceIo;
        op.invalidateViews();
        counters.bounced.increment();
        return null;
    }

    /**
     * For a finished op: copies what a bounced read brought back into the user's memory, and
     * frees the bounce memory. A user arena closed meanwhile turns the result into -EFAULT.
     */
    void finish(CoreOp op) {
        if (op.ioSegs == op.segs || op.ioSegs == null) {
            return;
        }
        if ((op.isRead() || op.isRecv()) && op.done > 0) {
            long left = op.done;
            try {
                for (int i = 0; i < op.segCount && left > 0; i++) {
                    MemorySegment user = op.segs[i];
                    long n = Math.min(left, user.byteSize());
                    if (op.bounce[i] != null) {
                        MemorySegment.copy(op.ioSegs[i], 0, user, 0, n);
                    }
                    left -= n;
                }
            } catch (IllegalStateException | WrongThreadException e) {
                // The user's arena was closed under the request: nowhere to put the data.
                Retry.finish(op, -Errno.EFAULT);
            }
        }
        abandon(op);
    }

    /** Frees an op's bounce memory without copying anything back. */
    void abandon(CoreOp op) {
        if (op.ioSegs == op.segs || op.ioSegs == null) {
            return;
        }
        release(op);
        op.ioSegs = op.segs;
        op.invalidateViews();
    }

    private void release(CoreOp op) {
        for (int i = 0; i < op.segCount; i++) {
            MemorySegment b = op.bounce[i];
            if (b != null) {
                give(b);
                op.bounce[i] = null;
            }
            op.bounceIo[i] = null;
        }
    }

    /** A segment of at least {@code size} bytes, aligned to 4 KiB. */
    MemorySegment take(long size) {
        int c = sizeClass(size);
        if (c < 0) {
            return Arena.ofAuto().allocate(Math.max(size, 1), ALIGN);
        }
        ArrayDeque<MemorySegment> q = free[c];
        synchronized (q) {
            MemorySegment s = q.pollFirst();
            if (s != null) {
                return s;
            }
        }
        return Arena.ofAuto().allocate(1L << (c + MIN_SHIFT), ALIGN);
    }

    /** Returns a segment obtained from {@link #take}. */
    void give(MemorySegment s) {
        int c = sizeClass(s.byteSize());
        if (c < 0 || s.byteSize() != 1L << (c + MIN_SHIFT)) {
            return;
        }
        ArrayDeque<MemorySegment> q = free[c];
        synchronized (q) {
            if (q.size() < KEEP_PER_CLASS) {
                q.addFirst(s);
            }
        }
    }

    private static int sizeClass(long size) {
        if (size > 1L << MAX_SHIFT) {
            return -1;
        }
        int shift = Math.max(MIN_SHIFT, 64 - Long.numberOfLeadingZeros(Math.max(size, 1) - 1));
        return shift - MIN_SHIFT;
    }
}
