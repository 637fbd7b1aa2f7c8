package jaio.posix;

import java.io.IOException;
import jaio.IoContext;

/**
 * The facade's context, opened {@link IoContext.Builder#selfReaping() self-reaping}: the
 * library's reaper thread takes every event as it arrives and runs its request's callback,
 * one at a time. Any thread may close.
 *
 * <p>The facade relies on what that mode promises: callbacks on the context's one reaper
 * thread; close delivers every event still to come to its callback and returns once the last
 * has returned (called from a callback, it only begins). This class is the one place that
 * knows how the facade's events are reaped.
 */
final class Delivery {
    /** Room kept beyond the facade's own requests (none: nothing else is submitted). */
    static final int RESERVED = 0;

    private final IoContext ctx;
    /** The thread that ran the latest callback: the context's reaper. */
    private volatile Thread deliveryThread;

    private Delivery(IoContext ctx) {
        this.ctx = ctx;
    }

    /** Opens the context {@code builder} describes, with room for {@code capacity} requests, reaping by itself. */
    static Delivery open(IoContext.Builder builder, int capacity, String name) throws IOException {
        return new Delivery(builder.capacity(capacity + RESERVED).name(name).selfReaping().open());
    }

    IoContext context() {
        return ctx;
    }

    /** Called by each callback: remembers the reaper thread (a write only when it changes). */
    void noteDeliveryThread() {
        Thread t = Thread.currentThread();
        if (deliveryThread != t) {
            deliveryThread = t;
        }
    }

    /** Whether the calling thread is the one that runs the callbacks. */
    boolean onDeliveryThread() {
        return Thread.currentThread() == deliveryThread;
    }

    /**
     * Delivers every event still to come to its callback, then releases the context. Called on
     * the delivery thread (from a callback), it only begins that and returns.
     */
    void close() {
        ctx.close();
    }
}
