package jaio.spi;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A counter that only threads holding one lock (the completion queue's) write, so an add is
 * a plain read and an opaque store, no atomic read-modify-write; any thread reads it without
 * the lock and sees a recent value.
 */
public final class LockedCount {
    private static final VarHandle VALUE;

    static {
        try {
            VALUE = MethodHandles.lookup().findVarHandle(LockedCount.class, "value", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private long value;

    /** Adds {@code n}; the caller holds the lock every writer holds. */
    public void add(long n) {
        VALUE.setOpaque(this, value + n);
    }

    /** The count so far (any thread). */
    public long sum() {
        return (long) VALUE.getOpaque(this);
    }
}
