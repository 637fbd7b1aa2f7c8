package jaio.engine;

import java.util.Arrays;
import jaio.spi.Op;

/**
 * Not thread safe: the engine's submit lock guards it. The ops a kernel engine has handed to
 * the kernel, by slot number: the number an op carries in its kernel request (aio_data,
 * user_data) so that a completion finds it without a search. A slot is taken when the op first
 * goes to the kernel and kept across its iterations. Growing the table (C9) adds slots and
 * never renumbers one. Engines extend it with the native memory each slot owns ({@link
 * #grown}).
 */
public abstract class OpSlots {
    private Op[] ops = new Op[0];
    private int[] free = new int[0];
    private int freeCount;
    private int used;

    /** Adds slots up to {@code slots} in all; existing slots keep their number and memory. */
    public final void grow(int slots) {
        int old = ops.length;
        if (slots <= old) {
            return;
        }
        ops = Arrays.copyOf(ops, slots);
        free = Arrays.copyOf(free, slots);
        for (int s = slots - 1; s >= old; s--) {
            free[freeCount++] = s;
        }
        grown(old, slots);
    }

    /** Slots {@code [old, slots)} were added: make room for their memory. */
    protected abstract void grown(int old, int slots);

    /** Slot {@code s} was just taken (a hook for per-take state). */
    protected void taken(int s) {
    }

    public final int size() {
        return ops.length;
    }

    /** Slots in use. */
    public final int used() {
        return used;
    }

    /** Takes a slot for {@code op}, recorded in {@code op.slot}; -1 when all are taken. */
    public final int take(Op op) {
        if (freeCount == 0) {
            return -1;
        }
        int s = free[--freeCount];
        ops[s] = op;
        op.slot = s;
        used++;
        taken(s);
        return s;
    }

    /** Gives the slot of {@code op} back. */
    public final void release(Op op) {
        int s = op.slot;
        ops[s] = null;
        op.slot = -1;
        free[freeCount++] = s;
        used--;
    }

    /** The op in slot {@code s}, or null. */
    public final Op op(int s) {
        return ops[s];
    }
}
