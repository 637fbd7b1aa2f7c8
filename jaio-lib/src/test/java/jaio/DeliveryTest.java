package jaio;

import static jaio.testkit.TestFiles.events;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import jaio.testkit.ManualEngine;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The delivery rules (SPEC C5, C6, C9, C10, C12, P2, P3), each driven one event at a time
 * through an engine the test completes by hand, so that which waiter wakes, with what and in
 * which order is deterministic.
 */
class DeliveryTest {
    private ManualEngine.Provider provider;
    private IoContext ctx;
    private final List<Thread> started = new ArrayList<>();

    @BeforeEach
    void open() throws IOException {
        provider = new ManualEngine.Provider();
        ctx = ManualEngine.open(provider, 256);
    }

    @AfterEach
    void close() throws InterruptedException {
        ctx.close();
        for (Thread t : started) {
            t.join(5_000);
        }
    }

    private ManualEngine engine() {
        return provider.last;
    }

    /** Submits n NOOPs with user data from {@code firstId}, priority p; the engine holds them. */
    private void submit(int n, long firstId, int priority) {
        Request[] rs = new Request[n];
        for (int i = 0; i < n; i++) {
            rs[i] = Request.noop().userData(firstId + i).priority(priority);
        }
        assertEquals(n, ctx.submit(rs));
    }

    /** A thread that calls getEvents once and reports the user data it got. */
    private CompletableFuture<List<Long>> waiter(IoContext c, int min, int max, Duration timeout) throws InterruptedException {
        int before = c.waitingThreads();
        CompletableFuture<List<Long>> f = new CompletableFuture<>();
        Thread t = Thread.ofPlatform().start(() -> {
            try {
                Event[] evs = events(max);
                int n = c.getEvents(min, max, evs, timeout.toNanos(), TimeUnit.NANOSECONDS);
                List<Long> ids = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    ids.add(evs[i].userData());
                }
                f.complete(ids);
            } catch (Throwable x) {
                f.completeExceptionally(x);
            }
        });
        started.add(t);
        awaitWaiting(c, before + 1);
        return f;
    }

    private static void awaitWaiting(IoContext c, int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (c.waitingThreads() != n) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("expected " + n + " waiting threads, have " + c.waitingThreads());
            }
            Thread.sleep(1);
        }
    }

    private static List<Long> get(CompletableFuture<List<Long>> f) throws Exception {
        return f.get(10, TimeUnit.SECONDS);
    }

    private static final Duration LONG = Duration.ofSeconds(30);

    // ------------------------------------------------------------------ C5

    @Test
    void theNewestWaiterIsServedFirst() throws Exception {
        submit(3, 0, 0);
        CompletableFuture<List<Long>> a = waiter(ctx, 1, 1, LONG);
        CompletableFuture<List<Long>> b = waiter(ctx, 1, 1, LONG);
        CompletableFuture<List<Long>> c = waiter(ctx, 1, 1, LONG);
        engine().completeOne();
        assertEquals(List.of(0L), get(c), "LIFO: the most recent waiter gets the first event");
        awaitWaiting(ctx, 2);
        assertFalse(a.isDone() || b.isDone(), "one event woke one waiter");
        engine().completeOne();
        assertEquals(List.of(1L), get(b));
        engine().completeOne();
        assertEquals(List.of(2L), get(a));
    }

    @Test
    void aWaiterTakesItsNEventsAtOnce() throws Exception {
        submit(3, 0, 0);
        CompletableFuture<List<Long>> a = waiter(ctx, 3, 3, LONG);
        engine().completeOne();
        engine().completeOne();
        Thread.sleep(20);
        assertFalse(a.isDone(), "two events do not satisfy N = 3");
        assertEquals(2, ctx.stats().unreaped(), "they wait in the queue, nobody took them");
        engine().completeOne();
        assertEquals(List.of(0L, 1L, 2L), get(a));
    }

    @Test
    void theFirstWaiterWhoseNIsMetWinsNotTheNewest() throws Exception {
        submit(5, 0, 0);
        CompletableFuture<List<Long>> small = waiter(ctx, 2, 2, LONG);
        CompletableFuture<List<Long>> big = waiter(ctx, 3, 3, LONG);
        engine().completeOne();
        engine().completeOne();
        assertEquals(List.of(0L, 1L), get(small), "N = 2 is met first although N = 3 waited since later");
        assertFalse(big.isDone());
        engine().completeBatch(3);
        assertEquals(List.of(2L, 3L, 4L), get(big));
    }

    @Test
    void aBatchActsAsEventsPostedOneByOne() throws Exception {
        submit(4, 0, 0);
        CompletableFuture<List<Long>> three = waiter(ctx, 3, 3, LONG);
        CompletableFuture<List<Long>> one = waiter(ctx, 1, 1, LONG);
        engine().completeBatch(4);
        // Event 1 meets the newest waiter's N = 1; events 2..4 then meet N = 3.
        assertEquals(List.of(0L), get(one));
        assertEquals(List.of(1L, 2L, 3L), get(three));
    }

    @Test
    void beyondNEventsAreDealtOneAtATime() throws Exception {
        submit(10, 0, 0);
        CompletableFuture<List<Long>> a = waiter(ctx, 1, 10, LONG);
        CompletableFuture<List<Long>> b = waiter(ctx, 1, 10, LONG);
        engine().completeBatch(10);
        List<Long> ga = get(a);
        List<Long> gb = get(b);
        assertEquals(5, ga.size(), "balanced: " + ga + " / " + gb);
        assertEquals(5, gb.size());
        assertEquals(List.of(0L, 2L, 4L, 6L, 8L), gb, "the newest waiter first, then in turn");
        assertEquals(List.of(1L, 3L, 5L, 7L, 9L), ga);
    }

    @Test
    void oneEventWakesOneWaiter() throws Exception {
        submit(1, 0, 0);
        List<CompletableFuture<List<Long>>> ws = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            ws.add(waiter(ctx, 1, 4, Duration.ofMillis(500)));
        }
        long wakeups = ctx.stats().wakeups();
        engine().completeOne();
        int withEvent = 0;
        for (CompletableFuture<List<Long>> w : ws) {
            withEvent += get(w).size();
        }
        assertEquals(1, withEvent);
        assertEquals(wakeups + 1, ctx.stats().wakeups(), "exactly one thread was woken for the event");
    }

    @Test
    void aTimeoutReturnsWhatIsThere() throws Exception {
        submit(2, 0, 0);
        long t0 = System.nanoTime();
        CompletableFuture<List<Long>> a = waiter(ctx, 5, 5, Duration.ofMillis(200));
        engine().completeBatch(2);
        assertEquals(List.of(0L, 1L), get(a));
        assertTrue(System.nanoTime() - t0 >= TimeUnit.MILLISECONDS.toNanos(190), "it waited for its timeout");
    }

    @Test
    void anAwaitedEventGoesToItsAwaiterOnly() throws Exception {
        Request target = Request.noop().userData(7);
        ctx.submit(target);
        CompletableFuture<List<Long>> other = waiter(ctx, 1, 1, LONG);
        CompletableFuture<Event> awaited = CompletableFuture.supplyAsync(() -> ctx.await(target, LONG));
        awaitWaiting(ctx, 2);
        engine().completeOne();
        assertEquals(7, awaited.get(10, TimeUnit.SECONDS).userData());
        Thread.sleep(20);
        assertFalse(other.isDone(), "the getEvents waiter did not get the awaited event");
        submit(1, 8, 0);
        engine().completeOne();
        assertEquals(List.of(8L), get(other));
    }

    // ------------------------------------------------------------------ P2

    @Test
    void higherPrioritiesAreReapedFirst() {
        Request[] rs = new Request[5];
        int[] prio = {0, 7, 3, 7, 0};
        for (int i = 0; i < 5; i++) {
            rs[i] = Request.noop().userData(i).priority(prio[i]);
        }
        ctx.submit(rs);
        engine().completeBatch(5);
        Event[] evs = events(5);
        assertEquals(5, ctx.getEvents(5, evs, LONG));
        List<Long> order = new ArrayList<>();
        for (Event e : evs) {
            order.add(e.userData());
        }
        assertEquals(List.of(1L, 3L, 2L, 0L, 4L), order, "by priority, FIFO within a level");
    }

    @Test
    void aLowPriorityEventWaitsAtMostTheStarvationBound() {
        submit(1, 1000, 0);
        engine().completeOne();
        int highs = 200;
        submit(highs, 0, 7);
        engine().completeBatch(highs);
        Event[] one = events(1);
        for (int i = 0; i <= highs; i++) {
            assertEquals(1, ctx.getEvents(1, one, LONG));
            if (one[0].userData() == 1000) {
                assertEquals(IoContext.PRIORITY_STARVATION_BOUND + 1, i,
                        "taken right after being passed over STARVATION_BOUND times");
                return;
            }
        }
        throw new AssertionError("the low-priority event starved");
    }

    // ------------------------------------------------------------------ P3

    @Test
    void concurrencyLimitsThreadsRunningCompletionWork() throws Exception {
        ctx.setConcurrency(1);
        submit(3, 0, 0);
        CompletableFuture<List<Long>> t1 = waiter(ctx, 1, 1, LONG);
        Event[] evs = events(1);
        CompletableFuture<Integer> running = new CompletableFuture<>();
        CompletableFuture<List<Long>> t2Second = new CompletableFuture<>();
        Thread t2 = Thread.ofPlatform().start(() -> {
            int n = ctx.getEvents(1, evs, LONG);
            running.complete(n);
            // Finish the work: coming back for more lets another thread run.
            Event[] more = events(1);
            int m = ctx.getEvents(1, more, Duration.ofMillis(300));
            t2Second.complete(m == 0 ? List.of() : List.of(more[0].userData()));
        });
        started.add(t2);
        awaitWaiting(ctx, 2);
        engine().completeBatch(2);
        assertEquals(1, running.get(10, TimeUnit.SECONDS), "the newest waiter runs");
        assertEquals(0L, evs[0].userData());
        assertEquals(List.of(1L), get(t1), "once it came back, the other waiter was released");
        assertEquals(List.of(), t2Second.get(10, TimeUnit.SECONDS), "meanwhile t1 runs: t2 gets nothing");
    }

    @Test
    void aPollFindsNothingWhileTheLimitIsReached() throws Exception {
        ctx.setConcurrency(1);
        submit(2, 0, 0);
        engine().completeBatch(2);
        Event[] evs = events(1);
        assertEquals(1, ctx.getEvents(1, evs, LONG), "this thread now runs");
        CompletableFuture<Integer> other = CompletableFuture.supplyAsync(() -> ctx.getEvents(0, events(1), Duration.ZERO));
        assertEquals(0, other.get(10, TimeUnit.SECONDS), "a second thread may not run");
        assertEquals(1, ctx.runningThreads());
        assertEquals(1, ctx.getEvents(0, evs, Duration.ZERO), "the running thread itself comes back and takes it");
    }

    @Test
    void blockingOnAnotherContextReleasesAnotherWaiter() throws Exception {
        ctx.setConcurrency(1);
        ManualEngine.Provider p2 = new ManualEngine.Provider();
        try (IoContext other = ManualEngine.open(p2, 8)) {
            submit(2, 0, 0);
            engine().completeOne();
            Event[] evs = events(1);
            assertEquals(1, ctx.getEvents(1, evs, LONG));
            assertEquals(1, ctx.runningThreads());
            CompletableFuture<List<Long>> t1 = waiter(ctx, 1, 1, LONG);
            engine().completeOne();
            Thread.sleep(20);
            assertFalse(t1.isDone(), "gated: this thread runs");
            // This thread now blocks inside jaio on another context: t1 may run.
            assertEquals(0, other.getEvents(1, events(1), Duration.ofMillis(100)));
            assertEquals(List.of(1L), get(t1));
            assertEquals(2, ctx.runningThreads(), "back from the other context empty-handed, this thread runs again");
        }
    }

    // ------------------------------------------------------------------ C9

    @Test
    void capacityGrowsWhileRequestsAreInFlight() throws IOException {
        try (IoContext small = ManualEngine.open(provider, 2)) {
            ManualEngine e = provider.last;
            Request[] rs = new Request[4];
            for (int i = 0; i < 4; i++) {
                rs[i] = Request.noop().userData(i);
            }
            assertEquals(2, small.submit(rs));
            assertEquals(0, small.submit(rs, 2, 2), "full");
            small.resize(4);
            assertEquals(4, e.capacityAsked(), "the engine was asked to make room first");
            assertEquals(4, small.capacity());
            assertEquals(2, small.submit(rs, 2, 2), "room for two more");
            e.completeBatch(4);
            assertEquals(4, small.getEvents(4, events(4), LONG));
            assertThrows(IllegalArgumentException.class, () -> small.resize(3), "capacity only grows");
        }
    }

    // ------------------------------------------------------------------ C10

    @Test
    void theReadyChannelIsReadableExactlyWhileEventsAreAvailable() throws Exception {
        try (Selector sel = Selector.open()) {
            var ch = ctx.readyChannel();
            ch.register(sel, SelectionKey.OP_READ);
            assertEquals(0, sel.selectNow(), "nothing yet");
            submit(2, 0, 0);
            engine().completeBatch(2);
            assertEquals(1, sel.select(5_000), "events: readable");
            sel.selectedKeys().clear();
            assertEquals(1, ctx.getEvents(0, 1, events(1), 0, TimeUnit.SECONDS));
            assertEquals(1, sel.selectNow(), "one left: still readable");
            sel.selectedKeys().clear();
            assertEquals(1, ctx.getEvents(0, events(4), Duration.ZERO));
            assertEquals(0, sel.selectNow(), "drained: not readable");
        }
    }

    // ------------------------------------------------------------------ C12

    @Test
    void aGroupTakesFromItsMembersInPriorityOrder() throws Exception {
        ManualEngine.Provider p2 = new ManualEngine.Provider();
        try (IoContext low = ManualEngine.open(p2, 16)) {
            IoContextGroup g = IoContextGroup.of(ctx, low);
            low.submit(Request.noop().userData(100), Request.noop().userData(101));
            p2.last.completeBatch(2);
            submit(2, 0, 0);
            engine().completeBatch(2);
            Event[] evs = events(3);
            assertEquals(3, g.getEvents(1, evs, LONG));
            assertEquals(List.of(0L, 1L, 100L), List.of(evs[0].userData(), evs[1].userData(), evs[2].userData()));
            assertEquals(ctx, evs[0].context());
            assertEquals(low, evs[2].context());
            // Now block until the low-priority member has something.
            CompletableFuture<Integer> blocked = CompletableFuture.supplyAsync(() -> g.getEvents(2, events(4), LONG));
            Thread.sleep(50);
            assertFalse(blocked.isDone(), "one event (101) is not enough for N = 2");
            low.submit(Request.noop().userData(102));
            p2.last.completeOne();
            assertEquals(2, blocked.get(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void aGroupTimesOutAndNoticesAClosedMember() throws Exception {
        ManualEngine.Provider p2 = new ManualEngine.Provider();
        IoContext other = ManualEngine.open(p2, 4);
        IoContextGroup g = IoContextGroup.of(ctx, other);
        long t0 = System.nanoTime();
        assertEquals(0, g.getEvents(1, events(2), Duration.ofMillis(100)));
        assertTrue(System.nanoTime() - t0 >= TimeUnit.MILLISECONDS.toNanos(90));
        CompletableFuture<Integer> blocked = CompletableFuture.supplyAsync(() -> g.getEvents(1, events(2), LONG));
        Thread.sleep(50);
        other.close();
        var e = assertThrows(java.util.concurrent.ExecutionException.class, () -> blocked.get(10, TimeUnit.SECONDS));
        assertTrue(e.getCause() instanceof IllegalStateException, e.getCause().toString());
        assertThrows(IllegalArgumentException.class, () -> IoContextGroup.of(ctx, ctx));
    }
}
