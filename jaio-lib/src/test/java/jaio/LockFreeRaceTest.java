package jaio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import jaio.core.GlobalLimit;
import jaio.spi.Capabilities;
import jaio.spi.CompletionSink;
import jaio.spi.EngineContext;
import jaio.spi.FileHandle;
import jaio.spi.IoEngine;
import jaio.spi.Op;
import jaio.spi.Retry;
import jaio.testkit.ManualEngine;
import jaio.testkit.TestFiles;
import jaio.testkit.TestProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The lock-free parts of the core, raced many times from barriers so that the interleavings
 * are actually exercised (in the spirit of jcstress, without its harness): the file handle's
 * reference count against close, a request's state against a double submit, a context's room
 * and the process-wide in-flight count against concurrent submitters, the engine gate
 * against close (no engine call once the engine is released), and the hand-offs that must
 * never lose a wakeup: a waiter arriving as an event is posted, for getEvents, await and
 * group waits. Each race has an outcome that a lost update, a lost wakeup or a call past
 * close makes visible (a wrong count, a wait that runs into its timeout, a recorded call).
 */
class LockFreeRaceTest {
    private static final int ROUNDS = 2_000;

    /** The descriptor is released exactly once, and never while a request holds it. */
    @Test
    void fileHandleCloseRacesAcquireAndRelease() throws Exception {
        int threads = 3;
        for (int round = 0; round < ROUNDS; round++) {
            AtomicInteger holding = new AtomicInteger();
            AtomicInteger closes = new AtomicInteger();
            ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
            FileHandle h = new FileHandle("race", FileHandle.Kind.FILE, true, true, false, false, false, -1, 1, 1, 1,
                    null, null, (fd, ch) -> {
                        closes.incrementAndGet();
                        if (holding.get() != 0) {
                            problems.add("released while " + holding.get() + " request(s) held it");
                        }
                    });
            CyclicBarrier start = new CyclicBarrier(threads + 1);
            List<Thread> ts = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                ts.add(Thread.ofPlatform().start(() -> {
                    await(start);
                    for (int i = 0; i < 20; i++) {
                        if (h.acquire()) {
                            holding.incrementAndGet();
                            Thread.onSpinWait();
                            holding.decrementAndGet();
                            h.release();
                        } else if (h.isOpen()) {
                            problems.add("acquire failed on an open handle");
                        }
                    }
                }));
            }
            await(start);
            h.close();
            for (Thread t : ts) {
                t.join();
            }
            assertTrue(problems.isEmpty(), problems::toString);
            assertEquals(1, closes.get(), "released exactly once");
            assertTrue(!h.acquire(), "no acquire after close");
        }
    }

    /** Two threads submitting the same request at once: exactly one gets it in. */
    @Test
    void aRequestSubmittedTwiceAtOnceIsAcceptedOnce() throws Exception {
        ManualEngine.Provider p = new ManualEngine.Provider();
        try (IoContext ctx = ManualEngine.open(p, 4)) {
            for (int round = 0; round < ROUNDS; round++) {
                Request r = Request.noop();
                CyclicBarrier start = new CyclicBarrier(2);
                AtomicInteger accepted = new AtomicInteger();
                AtomicInteger refused = new AtomicInteger();
                Runnable submit = () -> {
                    await(start);
                    try {
                        accepted.addAndGet(ctx.submit(r));
                    } catch (InvalidRequestException e) {
                        assertEquals(Errno.EBUSY, e.errno());
                        refused.incrementAndGet();
                    }
                };
                Thread a = Thread.ofPlatform().start(submit);
                Thread b = Thread.ofPlatform().start(submit);
                a.join();
                b.join();
                assertEquals(1, accepted.get());
                assertEquals(1, refused.get());
                p.last.completeOne();
                assertEquals(1, ctx.getEvents(1, new Event[] {new Event()}, java.time.Duration.ofSeconds(10)));
            }
        }
    }

    /** Concurrent submitters never take more room than the context has. */
    @Test
    void roomIsNeverOverdrawn() throws Exception {
        ManualEngine.Provider p = new ManualEngine.Provider();
        int capacity = 8;
        try (IoContext ctx = ManualEngine.open(p, capacity)) {
            for (int round = 0; round < ROUNDS / 4; round++) {
                int threads = 3;
                CyclicBarrier start = new CyclicBarrier(threads);
                AtomicInteger accepted = new AtomicInteger();
                List<Thread> ts = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    ts.add(Thread.ofPlatform().start(() -> {
                        Request[] rs = TestFiles.noops(5);
                        await(start);
                        accepted.addAndGet(ctx.submit(rs));
                    }));
                }
                for (Thread t : ts) {
                    t.join();
                }
                assertEquals(capacity, accepted.get(), "exactly the room, no more, no less");
                assertEquals(capacity, p.last.held());
                p.last.completeBatch(capacity);
                Event[] evs = TestFiles.events(capacity);
                assertEquals(capacity, ctx.getEvents(capacity, evs, java.time.Duration.ofSeconds(10)));
            }
        }
    }

    /** Concurrent submitters on different contexts never take more than the process-wide limit. */
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void theProcessWideLimitIsNeverOverdrawn() throws Exception {
        int old = IoContext.globalInFlightLimit();
        int contexts = 3;
        ManualEngine.Provider[] ps = new ManualEngine.Provider[contexts];
        IoContext[] cs = new IoContext[contexts];
        try {
            for (int i = 0; i < contexts; i++) {
                ps[i] = new ManualEngine.Provider();
                cs[i] = ManualEngine.open(ps[i], 16);
            }
            int limit = 10;
            IoContext.setGlobalInFlightLimit(GlobalLimit.inFlight() + limit);
            for (int round = 0; round < ROUNDS / 4; round++) {
                CyclicBarrier start = new CyclicBarrier(contexts);
                AtomicInteger accepted = new AtomicInteger();
                List<Thread> ts = new ArrayList<>();
                for (int t = 0; t < contexts; t++) {
                    IoContext c = cs[t];
                    ts.add(Thread.ofPlatform().start(() -> {
                        Request[] rs = TestFiles.noops(5);
                        await(start);
                        accepted.addAndGet(c.submit(rs));
                    }));
                }
                for (Thread t : ts) {
                    t.join();
                }
                assertEquals(limit, accepted.get(), "exactly the process-wide room, across contexts");
                for (int i = 0; i < contexts; i++) {
                    int held = ps[i].last.held();
                    ps[i].last.completeBatch(held);
                    assertEquals(held, TestFiles.reap(cs[i], held).size());
                }
            }
        } finally {
            IoContext.setGlobalInFlightLimit(old);
            for (IoContext c : cs) {
                if (c != null) {
                    c.close();
                }
            }
        }
    }

    /**
     * A waiter arriving while an event is posted is never missed: for getEvents with N = 1 and
     * N = 2, for await, and for a group wait. A lost wakeup shows as a wait that runs into its
     * (long) timeout and returns without the event.
     */
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void aWaiterArrivingAsTheEventIsPostedIsNeverMissed() throws Exception {
        ManualEngine.Provider p = new ManualEngine.Provider();
        ManualEngine.Provider q = new ManualEngine.Provider();
        try (IoContext ctx = ManualEngine.open(p, 8); IoContext other = ManualEngine.open(q, 8)) {
            IoContextGroup group = IoContextGroup.of(other, ctx);
            Event[] two = {new Event(), new Event()};
            SplittableRandom rnd = new SplittableRandom(1);
            for (int round = 0; round < ROUNDS; round++) {
                int kind = round % 4;
                Request a = Request.noop().userData(round);
                Request b = Request.noop().userData(-round);
                assertEquals(2, ctx.submit(a, b));
                CyclicBarrier start = new CyclicBarrier(2);
                long spin = rnd.nextLong(20_000);
                Thread poster = Thread.ofPlatform().start(() -> {
                    await(start);
                    long until = System.nanoTime() + spin;
                    while (System.nanoTime() < until) {
                        Thread.onSpinWait();
                    }
                    if (kind == 1) {
                        p.last.completeOne();
                        p.last.completeOne();
                    } else {
                        p.last.completeBatch(2);
                    }
                });
                await(start);
                int got;
                switch (kind) {
                    case 0 -> got = ctx.getEvents(1, 2, two, 10, TimeUnit.SECONDS);
                    case 1 -> got = ctx.getEvents(2, 2, two, 10, TimeUnit.SECONDS);
                    case 2 -> got = ctx.await(a, two[0], Duration.ofSeconds(10)) ? 1 : 0;
                    default -> got = group.getEvents(1, 2, two, 10, TimeUnit.SECONDS);
                }
                poster.join();
                assertTrue(got >= (kind == 1 ? 2 : 1), "round " + round + " (" + kind + "): the wait missed its event");
                // Take what is left so that the next round starts empty.
                int left = 2 - got;
                if (left > 0) {
                    assertEquals(left, ctx.getEvents(left, two, Duration.ofSeconds(10)));
                }
            }
        }
    }

    /**
     * The engine gate against close: threads submitting, reaping, awaiting and cancelling
     * while another thread closes the context. The engine records any call made after it was
     * released, or while release was in progress, and no request may get two events.
     */
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void noEngineCallOutlivesCloseAndNoEventIsDeliveredTwice() throws Exception {
        for (boolean pumping : new boolean[] {false, true}) {
            for (int round = 0; round < ROUNDS / 8; round++) {
                CheckedProvider provider = new CheckedProvider(pumping);
                IoContext ctx = IoContext.open(32, provider, 1);
                CheckedEngine engine = provider.last;
                Map<Request, AtomicInteger> events = new ConcurrentHashMap<>();
                ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
                CyclicBarrier start = new CyclicBarrier(4);
                List<Thread> ts = new ArrayList<>();
                for (int t = 0; t < 3; t++) {
                    int seed = round * 3 + t;
                    ts.add(Thread.ofPlatform().start(() -> {
                        await(start);
                        try {
                            useUntilClosed(ctx, new SplittableRandom(seed), events);
                        } catch (Throwable x) {
                            failures.add(x);
                        }
                    }));
                }
                await(start);
                java.util.concurrent.locks.LockSupport.parkNanos(new SplittableRandom(round).nextLong(1_000_000));
                ctx.close();
                for (Thread t : ts) {
                    t.join(10_000);
                    assertTrue(!t.isAlive(), "a user of the context is stuck after close");
                }
                assertTrue(failures.isEmpty(), () -> failures.peek().toString());
                assertTrue(engine.problems.isEmpty(), engine.problems::toString);
                assertEquals(0, engine.inside.get());
                assertEquals(0, ctx.stats().inFlight());
                for (Map.Entry<Request, AtomicInteger> e : events.entrySet()) {
                    assertTrue(e.getValue().get() <= 1, "two events for " + e.getKey());
                    assertTrue(!e.getKey().isInFlight(), "close left " + e.getKey() + " in flight");
                }
            }
        }
    }

    private static void useUntilClosed(IoContext ctx, SplittableRandom rnd, Map<Request, AtomicInteger> events) {
        Event[] evs = TestFiles.events(4);
        List<Request> mine = new ArrayList<>();
        try {
            while (true) {
                switch (rnd.nextInt(4)) {
                    case 0 -> {
                        Request[] rs = new Request[1 + rnd.nextInt(3)];
                        for (int i = 0; i < rs.length; i++) {
                            rs[i] = Request.noop();
                            events.put(rs[i], new AtomicInteger());
                        }
                        int k = ctx.submit(rs);
                        for (int i = 0; i < k; i++) {
                            mine.add(rs[i]);
                        }
                    }
                    case 1 -> {
                        int n = ctx.getEvents(rnd.nextInt(2), evs.length, evs, rnd.nextInt(200_000), TimeUnit.NANOSECONDS);
                        for (int i = 0; i < n; i++) {
                            events.get(evs[i].request()).incrementAndGet();
                        }
                    }
                    case 2 -> {
                        if (!mine.isEmpty()) {
                            ctx.cancel(mine.get(rnd.nextInt(mine.size())));
                        }
                    }
                    default -> {
                        if (!mine.isEmpty()) {
                            Request r = mine.remove(mine.size() - 1);
                            try {
                                Event e = ctx.await(r, Duration.ofNanos(rnd.nextInt(200_000)));
                                if (e != null) {
                                    events.get(r).incrementAndGet();
                                }
                            } catch (IllegalStateException notInFlight) {
                                if (!ctx.isOpen()) {
                                    throw notInFlight;
                                }
                                // reaped by another thread's getEvents meanwhile
                            }
                        }
                    }
                }
            }
        } catch (IllegalStateException closed) {
            if (ctx.isOpen()) {
                throw closed;
            }
        }
    }

    /**
     * A test engine that checks the gate: ops complete at once (or, when pumping, at the next
     * harvest or wait); every call is counted while inside, and one made after close is
     * recorded.
     */
    static final class CheckedEngine implements IoEngine {
        final CompletionSink sink;
        final boolean pumping;
        final AtomicInteger inside = new AtomicInteger();
        final ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
        private final ReentrantLock lock = new ReentrantLock();
        private final Condition arrived = lock.newCondition();
        private final ArrayDeque<Op> done = new ArrayDeque<>();
        private volatile boolean released;

        CheckedEngine(EngineContext c, boolean pumping) {
            this.sink = c.sink();
            this.pumping = pumping;
        }

        private void enter(String what) {
            inside.incrementAndGet();
            if (released) {
                problems.add(what + " after close");
            }
        }

        private void exit() {
            inside.decrementAndGet();
        }

        @Override
        public Capabilities capabilities() {
            return TestProvider.capabilities("checked");
        }

        @Override
        public void submit(Op[] ops, int from, int count) {
            enter("submit");
            try {
                if (!pumping) {
                    for (int i = from; i < from + count; i++) {
                        Retry.finish(ops[i], 0);
                        sink.complete(ops[i]);
                    }
                    return;
                }
                lock.lock();
                try {
                    for (int i = from; i < from + count; i++) {
                        Retry.finish(ops[i], 0);
                        done.add(ops[i]);
                    }
                    arrived.signalAll();
                } finally {
                    lock.unlock();
                }
            } finally {
                exit();
            }
        }

        @Override
        public int harvest() {
            enter("harvest");
            try {
                return drain();
            } finally {
                exit();
            }
        }

        private int drain() {
            Op[] batch;
            lock.lock();
            try {
                batch = done.toArray(new Op[0]);
                done.clear();
            } finally {
                lock.unlock();
            }
            if (batch.length > 0) {
                sink.completeBatch(batch, batch.length);
            }
            return batch.length;
        }

        @Override
        public void waitForCompletions(int minComplete, long timeoutNanos) {
            enter("waitForCompletions");
            try {
                lock.lock();
                try {
                    if (done.isEmpty() && timeoutNanos != 0) {
                        arrived.awaitNanos(timeoutNanos < 0 ? 2_000_000 : Math.min(timeoutNanos, 2_000_000));
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    lock.unlock();
                }
                drain();
            } finally {
                exit();
            }
        }

        @Override
        public void wakeup(int target) {
            enter("wakeup");
            try {
                lock.lock();
                try {
                    arrived.signalAll();
                } finally {
                    lock.unlock();
                }
            } finally {
                exit();
            }
        }

        @Override
        public CancelResult cancel(Op op) {
            enter("cancel");
            try {
                lock.lock();
                try {
                    return done.contains(op) ? CancelResult.NOT_CANCELED : CancelResult.ALREADY_DONE;
                } finally {
                    lock.unlock();
                }
            } finally {
                exit();
            }
        }

        @Override
        public void cancelAll() {
            if (released) {
                problems.add("cancelAll after close");
            }
        }

        @Override
        public boolean needsPumping() {
            return pumping;
        }

        @Override
        public void close() {
            if (inside.get() != 0) {
                problems.add("close while " + inside.get() + " thread(s) inside the engine");
            }
            lock.lock();
            try {
                if (!done.isEmpty()) {
                    problems.add("close with " + done.size() + " op(s) not yet handed to the sink");
                }
            } finally {
                lock.unlock();
            }
            released = true;
        }
    }

    static final class CheckedProvider extends TestProvider<CheckedEngine> {
        CheckedProvider(boolean pumping) {
            super("checked", null, c -> new CheckedEngine(c, pumping));
        }
    }

    private static void await(CyclicBarrier b) {
        try {
            b.await();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
