package jaio;

import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Waiting for the callbacks of a {@link IoContext.Builder#selfReaping() self-reaping} context:
 * for a condition its callbacks make true (a flag a callback sets, a count it lowers).
 *
 * <p>A platform thread does not just sleep: when the context's reaper is idle, the waiting
 * thread takes its place, waits for completions itself and runs their callbacks (in-place
 * callbacks only; with an executor they run there as usual), so that a completion wakes the
 * thread that waits for it and no other. The callbacks keep every guarantee of the mode: one
 * at a time, each exactly once, in the order reaped, none after close. A virtual thread only
 * parks (it never blocks in the kernel), and is woken by the thread that ran the callbacks.
 */
public final class CallbackWaits {
    private CallbackWaits() {}

    /**
     * Waits until {@code condition} is true. The condition is evaluated by the calling thread
     * only, before each wait and after each batch of callbacks has run; it must be cheap and
     * must not block. One made true by something other than a callback is seen within a few
     * milliseconds.
     *
     * @param timeout negative: without limit; 0: just look
     * @return true when the condition holds; false when the timeout passed first, or the
     *         context closed with the condition still false
     * @throws InterruptedException when the thread is interrupted while it waits (the status
     *         is cleared)
     * @throws IllegalStateException when the context is not self-reaping, or the calling
     *         thread is running one of its in-place callbacks (it would wait for itself)
     */
    public static boolean await(IoContext ctx, BooleanSupplier condition, long timeout, TimeUnit unit)
            throws InterruptedException {
        Objects.requireNonNull(ctx, "ctx");
        Objects.requireNonNull(condition, "condition");
        Objects.requireNonNull(unit, "unit");
        if (condition.getAsBoolean()) {
            return true;
        }
        if (timeout == 0) {
            return false;
        }
        int r = ctx.core.awaitHelping(condition, timeout < 0 ? -1 : unit.toNanos(timeout));
        if (r == 2) {
            throw new InterruptedException("interrupted while waiting for the callbacks of " + ctx.name());
        }
        return r == 0;
    }

    /**
     * Whether a wait of the calling thread in {@link #await} would help, as things stand now:
     * the context is self-reaping with its callbacks run in place and open, the thread is a
     * platform thread not running one of the context's callbacks, and no other thread waits
     * as a helper (a second one would only park, and be woken after every batch of callbacks).
     * A thread that would only park gains nothing by waiting here rather than elsewhere.
     */
    public static boolean helps(IoContext ctx) {
        Objects.requireNonNull(ctx, "ctx");
        return ctx.selfReaping != null && ctx.selfReaping.runsInPlace() && !Thread.currentThread().isVirtual()
                && !ctx.core.onReaperThread() && ctx.core.freeForHelper();
    }

    /**
     * For a thread that waited in {@link #await} and may not wait again soon: when requests of
     * the context are in flight (or events wait), its reaper takes its role back at once.
     * After the last helping wait ends, the reaper otherwise stays out of the kernel for a
     * grace period (about a millisecond), so that a thread that waits again soon finds the
     * completions waiting for it; a completion that arrives in that period, and that no thread
     * waits for, reaches its callback when the grace ends. Nothing happens while another
     * thread still helps, or when nothing is in flight (the grace then costs nobody anything).
     */
    public static void doneHelping(IoContext ctx) {
        Objects.requireNonNull(ctx, "ctx");
        ctx.core.resumeReaper();
    }
}
