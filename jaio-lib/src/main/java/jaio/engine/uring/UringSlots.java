package jaio.engine.uring;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import jaio.engine.OpSlots;
import jaio.linux.Iovec;
import jaio.linux.MsgHdr;
import jaio.linux.Timespec;
import jaio.spi.Op;

/**
 * Not thread safe: the engine's submit lock guards it. The engine's requests in the kernel: one
 * slot per op, held from the op's first SQE until its final CQE, across all its iterations. A
 * slot owns the native memory the kernel reads while the op is in flight (its iovec array, its
 * timeout's timespec), so that memory stays put until the CQE.
 *
 * <p>An op's user_data is its slot and the slot's generation, which changes every time the slot
 * is taken: a CQE maps back to its op without a search, and a cancel by user_data can never hit
 * a later op that reuses the slot.
 */
final class UringSlots extends OpSlots {
    /** iovec entries allocated per slot at first vectored use; more get their own memory, kept. */
    static final int MIN_IOVECS = 8;

    private final Arena arena;
    private int[] gens = new int[0];
    private MemorySegment[] iovecs = new MemorySegment[0];
    private MemorySegment[] timespecs = new MemorySegment[0];
    private MemorySegment[] msghdrs = new MemorySegment[0];

    UringSlots(int slots, Arena arena) {
        this.arena = arena;
        grow(slots);
    }

    @Override
    protected void grown(int old, int slots) {
        gens = Arrays.copyOf(gens, slots);
        iovecs = Arrays.copyOf(iovecs, slots);
        timespecs = Arrays.copyOf(timespecs, slots);
        msghdrs = Arrays.copyOf(msghdrs, slots);
    }

    @Override
    protected void taken(int s) {
        gens[s] = (gens[s] + 1) & 0x7fffffff;
    }

    /** The user_data of the op in slot {@code s}: generation and slot, bit 63 clear. */
    long userData(int s) {
        return ((long) gens[s] << 32) | s;
    }

    /** The op a user CQE's user_data names, or null when the slot moved on (never expected). */
    Op lookup(long userData) {
        int s = (int) userData;
        if (s < 0 || s >= size() || gens[s] != (int) (userData >>> 32)) {
            return null;
        }
        return op(s);
    }

    /** An iovec array of slot {@code s} with room for {@code n} entries, kept for reuse. */
    MemorySegment iovecs(int s, int n) {
        MemorySegment v = iovecs[s];
        if (v == null || v.byteSize() < n * Iovec.SIZE) {
            // The old array (if any) is no longer read: the kernel copied it when it consumed
            // the SQE of the previous iteration. The arena frees everything at close.
            int size = Math.max(MIN_IOVECS, Integer.highestOneBit(Math.max(1, n - 1)) << 1);
            v = arena.allocate(Iovec.LAYOUT, size);
            iovecs[s] = v;
        }
        return v;
    }

    /** Slot {@code s}'s timespec, which the kernel reads for a TIMEOUT until its CQE. */
    MemorySegment timespec(int s) {
        MemorySegment t = timespecs[s];
        if (t == null) {
            t = arena.allocate(Timespec.LAYOUT);
            timespecs[s] = t;
        }
        return t;
    }

    /** Slot {@code s}'s msghdr, which the kernel reads for a SENDMSG or RECVMSG. */
    MemorySegment msghdr(int s) {
        MemorySegment m = msghdrs[s];
        if (m == null) {
            m = arena.allocate(MsgHdr.LAYOUT);
            msghdrs[s] = m;
        }
        return m;
    }
}
