package jaio.posix;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import jaio.ContextStats;
import jaio.Event;
import jaio.IoContext;
import jaio.Request;

/**
 * The facade's context and the thread that reaps it: every event is taken as it arrives and
 * its request's callback runs on that thread (inside getEvents), one at a time. One reaper
 * thread, a platform daemon thread of its own; any thread may close.
 *
 * <p>This stands in for a context that reaps by itself (the delivery mode of issue 10): the
 * facade relies only on what that mode promises (callbacks on one thread of the library's;
 * close delivers every remaining event to its callback before it returns, and from a callback
 * it only begins), so switching to it changes this class alone.
 */
final class Delivery {
    /** Room kept for the NOOP that wakes the reaper at close. */
    static final int RESERVED = 1;
    private static final int BATCH = 64;
    private static final long IDLE_WAIT_MILLIS = 100;

    private final IoContext ctx;
    private final Thread reaper;
    private volatile boolean closing;

    private Delivery(IoContext ctx, String name) {
        this.ctx = ctx;
        this.reaper = Thread.ofPlatform().daemon().name(name + "-reaper").unstarted(this::reap);
    }

    /** Opens the context {@code builder} describes, with room for {@code capacity} requests, and starts reaping it. */
    static Delivery open(IoContext.Builder builder, int capacity, String name) throws IOException {
        IoContext ctx = builder.capacity(capacity + RESERVED).name(name).open();
        Delivery d = new Delivery(ctx, name);
        d.reaper.start();
        return d;
    }

    IoContext context() {
        return ctx;
    }

    /** Whether the calling thread is the one that runs the callbacks. */
    boolean onDeliveryThread() {
        return Thread.currentThread() == reaper;
    }

    private void reap() {
        Event[] events = new Event[BATCH];
        for (int i = 0; i < BATCH; i++) {
            events[i] = new Event();
        }
        while (true) {
            if (closing) {
                ContextStats s = ctx.stats();
                if (s.inFlight() + s.unreaped() == 0) {
                    ctx.close();
                    return;
                }
            }
            try {
                // Callbacks run inside getEvents, on this thread.
                ctx.getEvents(1, BATCH, events, closing ? 1 : IDLE_WAIT_MILLIS, TimeUnit.MILLISECONDS);
            } catch (IllegalStateException closed) {
                return;
            }
        }
    }

    /**
     * Delivers every event still to come to its callback, then closes the context. Called on
     * the delivery thread (from a callback), it only begins that and returns; the reaper ends
     * it once the callback has returned. Not interruptible; the interrupt status is kept.
     */
    void close() {
        closing = true;
        if (onDeliveryThread()) {
            return;
        }
        try {
            ctx.submit(Request.noop());
        } catch (IllegalStateException alreadyClosed) {
            // the reaper has closed it
        }
        boolean interrupted = false;
        while (reaper.isAlive()) {
            try {
                reaper.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
