package jaio.engine.uring;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import jaio.core.Op;
import jaio.linux.Iovec;
import jaio.linux.Timespec;

/**
 * The engine's requests in the kernel: one slot per op, held from the op's first SQE until
 * its final CQE, across all its iterations. A slot owns the native memory the kernel reads
 * while the op is in flight (its iovec array, its timeout's timespec), so that memory stays
 * put until the CQE.
 *
 * <p>An op's user_data is its slot and the slot's generation, which changes every time the
 * slot is taken: a CQE maps back to its op without a search, and a cancel by user_data can
 * never hit a later op that reuses the slot.
 *
 * <p>Not thread safe: the engine's submit lock guards it.
 */
final class UringSlots {
    /** iovec entries allocated per slot at first vectored use; more get their own memory, kept. */
    static final int MIN_IOVECS = 8;

    private final Arena arena;
    private Op[] ops;
    private int[] gens;
    private MemorySegment[] iovecs;
    private MemorySegment[] timespecs;
    private int[] free;
    private int freeCount;
    private int used;

    UringSlots(int slots, Arena arena) {
        this.arena = arena;
        this.ops = new Op[0];
        this.gens = new int[0];
        this.iovecs = new MemorySegment[0];
        this.timespecs = new MemorySegment[0];
        this.free = new int[0];
        grow(slots);
    }

    /** Adds slots up to {@code slots} in all (C9); existing slots and their memory stay. */
    void grow(int slots) {
        int old = ops.length;
        if (slots <= old) {
            return;
        }
        ops = Arrays.copyOf(ops, slots);
        gens = Arrays.copyOf(gens, slots);
        iovecs = Arrays.copyOf(iovecs, slots);
        timespecs = Arrays.copyOf(timespecs, slots);
        free = Arrays.copyOf(free, slots);
        for (int s = slots - 1; s >= old; s--) {
            free[freeCount++] = s;
        }
    }

    int size() {
        return ops.length;
    }

    /** Slots in use: ops the kernel has or will have again (between iterations). */
    int used() {
        return used;
    }

    /** Takes a slot for {@code op}, recorded in {@code op.slot}; -1 when none is free. */
    int take(Op op) {
        if (freeCount == 0) {
            return -1;
        }
        int s = free[--freeCount];
        ops[s] = op;
        gens[s] = (gens[s] + 1) & 0x7fffffff;
        op.slot = s;
        used++;
        return s;
    }

    void release(Op op) {
        int s = op.slot;
        ops[s] = null;
        op.slot = -1;
        free[freeCount++] = s;
        used--;
    }

    /** The op in slot {@code s}, or null. */
    Op op(int s) {
        return ops[s];
    }

    /** The user_data of the op in slot {@code s}: generation and slot, bit 63 clear. */
    long userData(int s) {
        return ((long) gens[s] << 32) | s;
    }

    /** The op a user CQE's user_data names, or null when the slot moved on (never expected). */
    Op lookup(long userData) {
        int s = (int) userData;
        if (s < 0 || s >= ops.length || gens[s] != (int) (userData >>> 32)) {
            return null;
        }
        return ops[s];
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
}
