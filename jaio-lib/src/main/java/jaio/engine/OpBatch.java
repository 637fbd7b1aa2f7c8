package jaio.engine;

import java.util.Arrays;
import jaio.spi.Op;

/**
 * Finished ops collected while an engine holds its own locks, handed to the sink in one
 * batch once they are released (the sink takes the context's queue lock, which a thread
 * calling into the engine may hold).
 *
 * <p>Not thread safe: one per reaper, or one per submitting thread.
 */
public final class OpBatch {
    private Op[] ops;
    private int count;

    public OpBatch(int size) {
        ops = new Op[Math.max(1, size)];
    }

    public void add(Op op) {
        if (count == ops.length) {
            ops = Arrays.copyOf(ops, count * 2);
        }
        ops[count++] = op;
    }

    public int count() {
        return count;
    }

    public Op[] ops() {
        return ops;
    }

    /** Forgets the ops (they belong to their requests again once posted). */
    public void clear() {
        Arrays.fill(ops, 0, count, null);
        count = 0;
    }
}
