package jaio.engine;

import java.util.Arrays;
import jaio.spi.Op;

/**
 * Not thread safe: finished ops collected by one thread while it holds an engine's locks,
 * handed to the sink in one batch once they are released (the sink takes the context's queue
 * lock, which a thread calling into the engine may hold). One per reaper, or one per
 * submitting thread.
 *
 * <p>An engine that signals the context's notify eventfd itself ({@code signalsNotifyFd} in
 * its capabilities) also counts here the ops no kernel signal covers, so that it writes the
 * eventfd once for all of them after the post ({@link KernelEngine}).
 */
public class OpBatch {
    private Op[] ops;
    private int count;
    private int signals;

    public OpBatch(int size) {
        ops = new Op[Math.max(1, size)];
    }

    /** Adds an op whose completion the kernel signals, or that needs no signal. */
    public final void add(Op op) {
        if (count == ops.length) {
            ops = Arrays.copyOf(ops, count * 2);
        }
        ops[count++] = op;
    }

    /** Adds an op; {@code signal} when the engine must signal the notify eventfd for it itself. */
    public final void add(Op op, boolean signal) {
        add(op);
        if (signal) {
            signals++;
        }
    }

    public final int count() {
        return count;
    }

    public final Op[] ops() {
        return ops;
    }

    /** Ops added with {@code signal}: how much the engine adds to the notify eventfd. */
    public final int signals() {
        return signals;
    }

    /** Forgets the ops (they belong to their requests again once posted). */
    public final void clear() {
        Arrays.fill(ops, 0, count, null);
        count = 0;
        signals = 0;
    }
}
