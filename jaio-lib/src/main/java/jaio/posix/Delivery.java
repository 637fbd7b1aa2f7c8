package jaio.posix;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import jaio.CallbackWaits;
import jaio.Errno;
import jaio.IoContext;

/**
 * The facade's context, opened {@link IoContext.Builder#selfReaping() self-reaping}: the
 * library reaps every event as it arrives and runs its request's callback, one at a time, on
 * its reaper thread or on a platform thread that waits for callbacks in the reaper's place
 * ({@link CallbackWaits}: aio_suspend, aio_waitcomplete and LIO_WAIT wait that way, so that a
 * completion is reaped by the thread that waits for it). Any thread may close.
 *
 * <p>The facade relies on what that mode promises: callbacks one at a time, each once; close
 * delivers every event still to come to its callback and returns once the last has returned
 * (called from a callback, it only begins). This class is the one place that knows how the
 * facade's events are reaped and waited for.
 */
final class Delivery {
    /** Room kept beyond the facade's own requests (none: nothing else is submitted). */
    static final int RESERVED = 0;

    /** What {@link #await} found besides 0 (the condition holds). */
    static final int TIMED_OUT = -1;
    static final int CLOSED = -2;

    private final IoContext ctx;
    /**
     * The thread running a callback now, else null. Callbacks run one at a time, so one field
     * says it; it is volatile for the other threads' reads, which only compare it with themselves.
     */
    private volatile Thread inCallback;

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

    /** A callback begins on the calling thread. */
    void enterCallback() {
        inCallback = Thread.currentThread();
    }

    /** The callback that began on the calling thread has ended. */
    void exitCallback() {
        inCallback = null;
    }

    /** Whether the calling thread is running one of the facade's callbacks (and so cannot wait for others). */
    boolean onDeliveryThread() {
        return inCallback == Thread.currentThread();
    }

    /**
     * Waits until {@code condition} holds, which the facade's callbacks make so, helping to
     * reap on a platform thread. {@code nanos} negative: without limit.
     *
     * @return 0 (it holds), {@link #TIMED_OUT}, {@link #CLOSED} (the context closed first), or
     *         {@link Errno#EINTR} (interrupted; the status is cleared)
     */
    int await(BooleanSupplier condition, long nanos) {
        try {
            return CallbackWaits.await(ctx, condition, nanos, TimeUnit.NANOSECONDS) ? 0
                    : condition.getAsBoolean() ? 0 : ctx.isOpen() ? TIMED_OUT : CLOSED;
        } catch (InterruptedException e) {
            return Errno.EINTR;
        }
    }

    /**
     * Delivers every event still to come to its callback, then releases the context. Called on
     * the delivery thread (from a callback), it only begins that and returns.
     */
    void close() {
        ctx.close();
    }
}
