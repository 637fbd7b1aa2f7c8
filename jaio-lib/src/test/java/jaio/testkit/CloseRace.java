package jaio.testkit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import jaio.Errno;
import jaio.IoContext;

/**
 * A close that races with a thread waiting for a request's event: the waiter runs on its own
 * platform thread, the calling thread closes the context once the waiter says it is about to
 * wait, and the waiter must leave, having seen either the close (IllegalStateException) or the
 * request's one event.
 */
public final class CloseRace {
    private CloseRace() {}

    /** What the waiting thread does: submits, calls {@code ready} just before it waits, returns the event's result. */
    @FunctionalInterface
    public interface Waiter {
        Object run(Runnable ready) throws Exception;
    }

    /**
     * Runs {@code waiter}, closes {@code ctx} when it is ready (after about 0.3 ms when
     * {@code pause}), and checks that it left within {@code limit} with the close or with
     * {@code expected} or -ECANCELED as its result.
     */
    public static void closeWhileWaiting(IoContext ctx, Waiter waiter, long expected, boolean pause, Duration limit)
            throws InterruptedException {
        AtomicReference<Object> got = new AtomicReference<>();
        CountDownLatch waiting = new CountDownLatch(1);
        Thread t = Thread.ofPlatform().start(() -> {
            try {
                got.set(waiter.run(waiting::countDown));
            } catch (IllegalStateException closed) {
                got.set(closed);
            } catch (Throwable e) {
                got.set(e.toString());
            } finally {
                waiting.countDown();
            }
        });
        assertTrue(waiting.await(limit.toMillis(), TimeUnit.MILLISECONDS), "the waiter got ready");
        if (pause) {
            Thread.sleep(0, 300_000);
        }
        ctx.close();
        t.join(limit.toMillis());
        assertFalse(t.isAlive(), "the waiter left");
        Object o = got.get();
        assertNotNull(o);
        boolean event = o.equals(expected) || o.equals((long) -Errno.ECANCELED);
        assertTrue(o instanceof IllegalStateException || event, "the waiter saw the close, or the request's one event: " + o);
    }
}
