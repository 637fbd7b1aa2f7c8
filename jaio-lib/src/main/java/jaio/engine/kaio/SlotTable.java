package jaio.engine.kaio;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import jaio.engine.OpSlots;
import jaio.linux.Iocb;
import jaio.linux.Iovec;

/**
 * Not thread safe: the engine's submit lock guards it. The engine's requests in the kernel: one
 * slot per op, each with its own iocb and iovec array in native memory, plus the array of iocb
 * pointers io_submit reads.
 *
 * <p>A slot is taken when an op is first given to the kernel and kept across the op's
 * iterations, so io_cancel always finds the op's iocb at the same address, and the iovecs the
 * kernel reads stay where they are until the event. The iocb's aio_data is the slot number,
 * which maps an event back to its op without a search. Growing the table (C9) adds slots in new
 * memory and never moves an existing iocb.
 */
final class SlotTable extends OpSlots {
    /** iovec entries kept per slot; vectors with more get their own memory, kept for reuse. */
    static final int INLINE_IOVECS = 8;

    private final Arena arena;
    /** Each slot's iocb, sliced once so that lookups allocate nothing. */
    private MemorySegment[] iocbs = new MemorySegment[0];
    private long[] addresses = new long[0];
    /** Each slot's iovec array. */
    private MemorySegment[] iovecs = new MemorySegment[0];
    private MemorySegment pointers;
    private int[] pointerSlots;

    SlotTable(int slots, Arena arena) {
        this.arena = arena;
        grow(slots);
    }

    @Override
    protected void grown(int old, int slots) {
        int added = slots - old;
        MemorySegment iocbChunk = arena.allocate(Iocb.LAYOUT, added);
        MemorySegment iovChunk = arena.allocate(Iovec.LAYOUT, (long) added * INLINE_IOVECS);
        iocbs = Arrays.copyOf(iocbs, slots);
        addresses = Arrays.copyOf(addresses, slots);
        iovecs = Arrays.copyOf(iovecs, slots);
        for (int i = 0; i < added; i++) {
            iocbs[old + i] = iocbChunk.asSlice(i * Iocb.SIZE, Iocb.SIZE);
            addresses[old + i] = iocbs[old + i].address();
            iovecs[old + i] = iovChunk.asSlice(i * INLINE_IOVECS * Iovec.SIZE, INLINE_IOVECS * Iovec.SIZE);
        }
        pointers = arena.allocate(ValueLayout.JAVA_LONG, slots);
        pointerSlots = new int[slots];
    }

    /** Slot {@code s}'s iocb. */
    MemorySegment iocb(int s) {
        return iocbs[s];
    }

    /** Address of slot {@code s}'s iocb, as io_submit and io_cancel take it. */
    long iocbAddress(int s) {
        return addresses[s];
    }

    /** An iovec array for slot {@code s} with room for {@code n} entries. */
    MemorySegment iovecs(int s, int n) {
        MemorySegment v = iovecs[s];
        if (v.byteSize() < n * Iovec.SIZE) {
            // Grown in powers of two and kept for the slot. The old array is unused: the slot
            // is prepared again only after its previous iocb's event arrived (the kernel
            // copies the iovecs at submission anyway). The arena frees everything at close.
            v = arena.allocate(Iovec.LAYOUT, Integer.highestOneBit(n - 1) << 1);
            iovecs[s] = v;
        }
        return v;
    }

    /** Puts slot {@code s}'s iocb at position {@code i} of the io_submit pointer array. */
    void setPointer(int i, int s) {
        pointers.setAtIndex(ValueLayout.JAVA_LONG, i, addresses[s]);
        pointerSlots[i] = s;
    }

    /** The slot whose iocb is at position {@code i} of the pointer array. */
    int pointerSlot(int i) {
        return pointerSlots[i];
    }

    /** The pointer array io_submit reads. */
    MemorySegment pointers() {
        return pointers;
    }
}
