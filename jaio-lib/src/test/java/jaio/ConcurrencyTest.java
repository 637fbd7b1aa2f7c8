package jaio;

import static jaio.testkit.TestFiles.events;
import static jaio.testkit.TestProcess.waitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import jaio.testkit.ManualEngine;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Completion-port concurrency control (SPEC P3) beyond what DeliveryTest shows: a thread that
 * blocks in await on the same context lets another run, and a thread can end its running
 * explicitly. Driven one event at a time through the hand-completed engine.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ConcurrencyTest {
    private ManualEngine.Provider provider;
    private IoContext ctx;

    @BeforeEach
    void open() throws IOException {
        provider = new ManualEngine.Provider();
        ctx = ManualEngine.open(provider, 64);
        ctx.setConcurrency(1);
    }

    @AfterEach
    void close() {
        ctx.close();
    }

    private CompletableFuture<Long> waiter() throws InterruptedException {
        int before = ctx.waitingThreads();
        CompletableFuture<Long> f = CompletableFuture.supplyAsync(() -> {
            Event[] evs = events(1);
            int n = ctx.getEvents(1, 1, evs, 30, TimeUnit.SECONDS);
            return n == 1 ? evs[0].userData() : -1L;
        });
        waitUntil(() -> ctx.waitingThreads() == before + 1, Duration.ofSeconds(10));
        assertEquals(before + 1, ctx.waitingThreads());
        return f;
    }

    /** This thread runs; a waiter is gated behind it; one more event is ready for the waiter. */
    private CompletableFuture<Long> runningWithAGatedWaiter() throws Exception {
        ctx.submit(Request.noop().userData(1), Request.noop().userData(2));
        provider.last.completeOne();
        assertEquals(1, ctx.getEvents(1, events(1), Duration.ofSeconds(10)));
        assertEquals(1, ctx.runningThreads());
        CompletableFuture<Long> w = waiter();
        provider.last.completeOne();
        Thread.sleep(30);
        assertFalse(w.isDone(), "gated: this thread runs");
        return w;
    }

    @Test
    void awaitingARequestOnTheSameContextLetsAnotherThreadRun() throws Exception {
        CompletableFuture<Long> w = runningWithAGatedWaiter();
        Request r = Request.noop().userData(3);
        ctx.submit(r);
        // Blocked in await, this thread counts nowhere: the waiter is released. Only then is
        // the awaited request completed, so this thread is still in await when that happens.
        Thread completer = Thread.ofPlatform().start(() -> {
            try {
                w.get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                // the assertion below reports it
            }
            provider.last.completeOne();
        });
        Event e = ctx.await(r, Duration.ofSeconds(20));
        completer.join(10_000);
        assertEquals(3, e.userData());
        assertEquals(2L, w.get(1, TimeUnit.SECONDS), "released while this thread waited in await");
        assertEquals(2, ctx.runningThreads(), "the waiter runs now, and this thread resumed running");
    }

    @Test
    void anEmptyZeroWaitReapEndsAThreadsRunning() throws Exception {
        CompletableFuture<Long> w = runningWithAGatedWaiter();
        // Done with its completion work, this thread says so without taking anything.
        assertEquals(0, ctx.getEvents(0, 0, new Event[0], 0, TimeUnit.NANOSECONDS));
        assertEquals(2L, w.get(10, TimeUnit.SECONDS), "the gated waiter was released");
        assertEquals(1, ctx.runningThreads(), "only the waiter runs");
    }

    @Test
    void aGroupWaitThatParksWithSomeEventsLetsAnotherThreadRun() throws Exception {
        IoContextGroup g = IoContextGroup.of(ctx);
        ctx.submit(Request.noop().userData(1), Request.noop().userData(2), Request.noop().userData(3));
        // The group wants 3 and gets them one at a time; after taking the second it parks
        // again, blocked inside jaio, and must not hold the context's only running place.
        // On a thread of its own: the common pool may have a single worker, which the waiter needs.
        java.util.concurrent.FutureTask<Integer> group = new java.util.concurrent.FutureTask<>(
                () -> g.getEvents(3, 3, events(3), 3, TimeUnit.SECONDS));
        Thread.ofPlatform().name("group-waiter").start(group);
        for (int i = 0; i < 2; i++) {
            provider.last.completeOne();
            waitUntil(() -> ctx.stats().unreaped() == 0, Duration.ofSeconds(10));
            Thread.sleep(50);
        }
        assertEquals(0, ctx.runningThreads(), "a parked group waiter runs nowhere");
        CompletableFuture<Long> w = waiter();
        provider.last.completeOne();
        assertEquals(3L, w.get(10, TimeUnit.SECONDS), "released while the group waiter parked");
        assertEquals(2, group.get(10, TimeUnit.SECONDS), "the group times out with the two events it took");
        assertEquals(2, ctx.runningThreads(), "both run now: the waiter, and the group's thread on the member it took from");
    }
}
