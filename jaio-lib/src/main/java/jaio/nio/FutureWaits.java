package jaio.nio;

import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import jaio.CallbackWaits;
import jaio.IoContext;

/**
 * The waits of this package's futures ({@link JaioFuture}, and {@link AfcOp} without a
 * handler) before they defer to CompletableFuture's own: a platform thread that would take
 * the context's reaping role ({@link CallbackWaits#helps}) waits for the future's request as
 * the context's helper, in the kernel, so that the completion wakes it alone and the future
 * completes on it; any other thread (a virtual one, one inside the context's callbacks, or one
 * that finds another helper there) goes straight on to CompletableFuture's wait. Each method
 * returns once the future is done, or once helping no longer applies; the caller then calls
 * CompletableFuture's method, which returns at once when the future is done. Stateless.
 */
final class FutureWaits {
    private FutureWaits() {}

    /** For join: an interrupt neither ends the wait nor is lost (the status is set again). */
    static void join(IoContext ctx, BooleanSupplier done) {
        boolean interrupted = false;
        boolean helped = false;
        while (!done.getAsBoolean() && CallbackWaits.helps(ctx)) {
            helped = true;
            try {
                CallbackWaits.await(ctx, done, -1, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (helped) {
            CallbackWaits.doneHelping(ctx);
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * For get, untimed ({@code nanos} negative) or timed: an interrupt ends it with
     * InterruptedException (the status cleared), as get's own wait does.
     *
     * @return the nanoseconds left of {@code nanos} (0 when they are used up; negative when untimed)
     */
    static long get(IoContext ctx, BooleanSupplier done, long nanos) throws InterruptedException {
        if (nanos == 0 || done.getAsBoolean() || !CallbackWaits.helps(ctx)) {
            return nanos;
        }
        long deadline = System.nanoTime() + nanos;
        try {
            CallbackWaits.await(ctx, done, nanos, TimeUnit.NANOSECONDS);
        } finally {
            CallbackWaits.doneHelping(ctx);
        }
        return nanos < 0 ? nanos : Math.max(0, deadline - System.nanoTime());
    }
}
