package jaio.engine.kaio;

import java.util.Arrays;
import jaio.spi.Op;

/**
 * Finished ops collected under the engine's locks and handed to the sink after they are
 * released (the sink takes the context's queue lock, which may be held by a thread that is
 * calling into the engine). Also counts how many of them jaio must signal on the notify
 * eventfd itself, because no kernel RESFD did.
 *
 * <p>Not thread safe: one per reaper, one per submitting thread.
 */
final class Completions {
    Op[] ops;
    int count;
    int signals;

    Completions(int size) {
        ops = new Op[Math.max(1, size)];
    }

    void add(Op op, boolean signal) {
        if (count == ops.length) {
            ops = Arrays.copyOf(ops, count * 2);
        }
        ops[count++] = op;
        if (signal) {
            signals++;
        }
    }

    /** Forgets the ops (they belong to their requests again once posted). */
    void clear() {
        Arrays.fill(ops, 0, count, null);
        count = 0;
        signals = 0;
    }
}
