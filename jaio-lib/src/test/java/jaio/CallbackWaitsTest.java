package jaio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;
import jaio.testkit.TestEngines;
import jaio.testkit.TestFiles;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Waiting for a self-reaping context's callbacks ({@link CallbackWaits}), on every engine
 * available here: platform threads that wait take the reaping role and run callbacks in the
 * reaper's place, virtual threads only park; either way every event reaches its callback
 * exactly once, none runs on a virtual thread, and every wait ends: with its condition, its
 * timeout, an interrupt, or close.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CallbackWaitsTest {
    private static final int BLOCK = 4096;

    @TempDir
    Path dir;

    static java.util.stream.Stream<Engine> engines() {
        return TestEngines.available();
    }

    private static IoContext open(Engine engine, int capacity) throws java.io.IOException {
        return IoContext.builder().engine(engine).capacity(capacity).name("cw-" + engine.shortName()).selfReaping().open();
    }

    /**
     * The seam under stress: two platform and two virtual threads each submit rounds of reads
     * and wait for their own callbacks, while a fifth thread submits reads nobody waits for.
     * Every event is counted once, on a platform thread; some ran on the waiting threads.
     */
    @Tag("stress")
    @ParameterizedTest
    @MethodSource("engines")
    void everyEventIsDeliveredOnceWhilePlatformAndVirtualThreadsWait(Engine engine) throws Exception {
        int waiters = 4;
        int rounds = 400;
        int perRound = 8;
        int unwatched = 3_000;
        int total = waiters * rounds * perRound + unwatched;
        Path p = TestFiles.patterned(dir, "cw.dat", 64 * BLOCK);
        AtomicIntegerArray hits = new AtomicIntegerArray(total);
        Queue<String> problems = new ConcurrentLinkedQueue<>();
        AtomicInteger onWaiters = new AtomicInteger();
        List<Thread> waiting = new ArrayList<>();
        try (IoContext ctx = open(engine, 64); IoFile f = IoFile.open(p, StandardOpenOption.READ)) {
            List<Thread> threads = new ArrayList<>();
            for (int w = 0; w < waiters; w++) {
                int base = w * rounds * perRound;
                Runnable body = () -> {
                    AtomicInteger pending = new AtomicInteger();
                    CompletionCallback cb = e -> {
                        count(e, hits, problems);
                        if (waiting.contains(Thread.currentThread())) {
                            onWaiters.incrementAndGet();
                        }
                        pending.decrementAndGet();
                    };
                    Request[] rs = new Request[perRound];
                    for (int i = 0; i < perRound; i++) {
                        rs[i] = Request.pread(f, ByteBuffer.allocateDirect(BLOCK), 0).callback(cb);
                    }
                    try {
                        for (int r = 0; r < rounds; r++) {
                            pending.set(perRound);
                            for (int i = 0; i < perRound; i++) {
                                rs[i].offset((long) ((r + i) % 64) * BLOCK).userData(base + r * perRound + i);
                            }
                            submitAll(ctx, rs);
                            if (!CallbackWaits.await(ctx, () -> pending.get() == 0, 20, TimeUnit.SECONDS)) {
                                problems.add("a wait timed out with " + pending.get() + " pending");
                                return;
                            }
                        }
                    } catch (InterruptedException | RuntimeException e) {
                        problems.add("waiter: " + e);
                    }
                };
                Thread t = (w % 2 == 0 ? Thread.ofPlatform().daemon() : Thread.ofVirtual()).unstarted(body);
                if (!t.isVirtual()) {
                    waiting.add(t);
                }
                threads.add(t);
            }
            CountDownLatch rest = new CountDownLatch(unwatched);
            threads.add(Thread.ofPlatform().daemon().unstarted(() -> {
                int base = waiters * rounds * perRound;
                for (int i = 0; i < unwatched; i++) {
                    Request r = Request.pread(f, ByteBuffer.allocateDirect(BLOCK), (long) (i % 64) * BLOCK)
                            .userData(base + i).callback(e -> {
                                count(e, hits, problems);
                                rest.countDown();
                            });
                    while (ctx.submit(r) == 0) {
                        Thread.onSpinWait(); // full: the others' callbacks make room
                    }
                }
            }));
            threads.forEach(Thread::start);
            for (Thread t : threads) {
                t.join();
            }
            assertTrue(rest.await(30, TimeUnit.SECONDS), "the unwatched callbacks all ran");
        }
        assertTrue(problems.isEmpty(), () -> String.join("\n", problems));
        for (int i = 0; i < total; i++) {
            assertEquals(1, hits.get(i), "callbacks of event " + i);
        }
        assertTrue(onWaiters.get() > 0, "some callbacks ran on the waiting platform threads");
    }

    private static void count(Event e, AtomicIntegerArray hits, Queue<String> problems) {
        if (e.result() != BLOCK) {
            problems.add("result " + e);
        }
        if (Thread.currentThread().isVirtual()) {
            problems.add("a callback ran on a virtual thread");
        }
        if (hits.incrementAndGet((int) e.userData()) != 1) {
            problems.add("a second callback for " + e.userData());
        }
    }

    private static void submitAll(IoContext ctx, Request[] rs) {
        int done = 0;
        while (done < rs.length) {
            int n = ctx.submit(rs, done, rs.length - done);
            if (n == 0) {
                Thread.onSpinWait();
            }
            done += n;
        }
    }

    /** A callback that blocks holds the role (platform waiters wait their turn); nothing is lost or run twice. */
    @ParameterizedTest
    @MethodSource("engines")
    void aBlockingCallbackDelaysTheOthersAndLosesNothing(Engine engine) throws Exception {
        Path p = TestFiles.patterned(dir, "cw.dat", 64 * BLOCK);
        CountDownLatch release = new CountDownLatch(1);
        AtomicIntegerArray hits = new AtomicIntegerArray(8);
        Queue<String> problems = new ConcurrentLinkedQueue<>();
        try (IoContext ctx = open(engine, 16); IoFile f = IoFile.open(p, StandardOpenOption.READ)) {
            List<Thread> threads = new ArrayList<>();
            for (int w = 0; w < 4; w++) {
                int id = w;
                threads.add((w % 2 == 0 ? Thread.ofPlatform().daemon() : Thread.ofVirtual()).start(() -> {
                    Request r = Request.pread(f, ByteBuffer.allocateDirect(BLOCK), (long) id * BLOCK).userData(id)
                            .callback(e -> {
                                try {
                                    if (e.userData() == 0 && !release.await(20, TimeUnit.SECONDS)) {
                                        problems.add("never released");
                                    }
                                } catch (InterruptedException x) {
                                    problems.add("interrupted");
                                }
                                count(e, hits, problems);
                            });
                    try {
                        assertEquals(1, ctx.submit(r));
                        if (!CallbackWaits.await(ctx, () -> hits.get(id) == 1, 20, TimeUnit.SECONDS)) {
                            problems.add("waiter " + id + " timed out");
                        }
                    } catch (InterruptedException | RuntimeException | AssertionError e) {
                        problems.add("waiter " + id + ": " + e);
                    }
                }));
            }
            Thread.sleep(100);
            release.countDown();
            for (Thread t : threads) {
                t.join(30_000);
            }
        }
        assertTrue(problems.isEmpty(), () -> String.join("\n", problems));
        for (int i = 0; i < 4; i++) {
            assertEquals(1, hits.get(i), "callbacks of request " + i);
        }
    }

    /** Close ends every wait, platform or virtual, with false, and no callback runs after it. */
    @ParameterizedTest
    @MethodSource("engines")
    void closeEndsEveryWaitAndDeliversWhatIsLeft(Engine engine) throws Exception {
        Path p = TestFiles.patterned(dir, "cw.dat", 64 * BLOCK);
        IoContext ctx = open(engine, 64);
        AtomicInteger ran = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        Queue<Object> results = new ConcurrentLinkedQueue<>();
        CountDownLatch started = new CountDownLatch(4);
        try (IoFile f = IoFile.open(p, StandardOpenOption.READ)) {
            for (int i = 0; i < 4; i++) {
                Thread t = (i % 2 == 0 ? Thread.ofPlatform().daemon() : Thread.ofVirtual()).unstarted(() -> {
                    started.countDown();
                    try {
                        results.add(CallbackWaits.await(ctx, () -> false, -1, TimeUnit.NANOSECONDS));
                    } catch (InterruptedException | RuntimeException e) {
                        results.add(e);
                    }
                });
                threads.add(t);
                t.start();
            }
            started.await();
            for (int i = 0; i < 32; i++) {
                assertEquals(1, ctx.submit(Request.pread(f, ByteBuffer.allocateDirect(BLOCK), (long) i * BLOCK)
                        .callback(e -> ran.incrementAndGet())));
            }
            Thread.sleep(20);
            ctx.close();
            int after = ran.get();
            assertEquals(32, after, "close delivered every event");
            for (Thread t : threads) {
                t.join(10_000);
                assertFalse(t.isAlive(), "a wait did not end at close");
            }
            assertEquals(4, results.size());
            for (Object r : results) {
                assertEquals(Boolean.FALSE, r);
            }
            Thread.sleep(20);
            assertEquals(after, ran.get());
        }
    }

    /** An interrupt ends a wait, on a platform and on a virtual thread; a timeout ends it with false. */
    @ParameterizedTest
    @MethodSource("engines")
    void anInterruptOrTheTimeoutEndsAWait(Engine engine) throws Exception {
        try (IoContext ctx = open(engine, 8)) {
            assertFalse(CallbackWaits.await(ctx, () -> false, 20, TimeUnit.MILLISECONDS));
            assertTrue(CallbackWaits.await(ctx, () -> true, -1, TimeUnit.NANOSECONDS));
            for (boolean virtual : new boolean[] {false, true}) {
                AtomicReference<Object> got = new AtomicReference<>();
                CountDownLatch in = new CountDownLatch(1);
                Thread t = (virtual ? Thread.ofVirtual() : Thread.ofPlatform().daemon()).start(() -> {
                    in.countDown();
                    try {
                        got.set(CallbackWaits.await(ctx, () -> false, -1, TimeUnit.NANOSECONDS));
                    } catch (InterruptedException e) {
                        got.set(Thread.currentThread().isInterrupted() ? "still interrupted" : e);
                    }
                });
                in.await();
                Thread.sleep(30);
                t.interrupt();
                t.join(10_000);
                assertTrue(got.get() instanceof InterruptedException, "virtual " + virtual + ": " + got.get());
            }
        }
    }

    /** A callback cannot wait for callbacks (it would wait for itself); a caller-reaped context has none. */
    @ParameterizedTest
    @MethodSource("engines")
    void misuseIsRefused(Engine engine) throws Exception {
        try (IoContext plain = IoContext.builder().engine(engine).capacity(4).open()) {
            assertThrows(IllegalStateException.class, () -> CallbackWaits.await(plain, () -> false, 1, TimeUnit.SECONDS));
        }
        AtomicReference<Throwable> inCallback = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(1);
        try (IoContext ctx = open(engine, 4)) {
            Path p = TestFiles.patterned(dir, "cw.dat", BLOCK);
            try (IoFile f = IoFile.open(p, StandardOpenOption.READ)) {
                ctx.submit(Request.pread(f, ByteBuffer.allocateDirect(BLOCK), 0).callback(e -> {
                    try {
                        CallbackWaits.await(ctx, () -> false, 1, TimeUnit.SECONDS);
                    } catch (Throwable t) {
                        inCallback.set(t);
                    }
                    done.countDown();
                }));
                // Wait as a helper, so that the callback may well run on this thread.
                assertTrue(CallbackWaits.await(ctx, () -> done.getCount() == 0, 20, TimeUnit.SECONDS));
            }
        }
        assertTrue(inCallback.get() instanceof IllegalStateException, String.valueOf(inCallback.get()));
    }

    /** With callbacks on an executor, a waiter is woken once they have run there. */
    @ParameterizedTest
    @MethodSource("engines")
    void withAnExecutorWaitersWakeAfterTheCallbacksRan(Engine engine) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        Path p = TestFiles.patterned(dir, "cw.dat", 64 * BLOCK);
        try (IoContext ctx = IoContext.builder().engine(engine).capacity(64).selfReaping(pool).open();
             IoFile f = IoFile.open(p, StandardOpenOption.READ)) {
            for (int round = 0; round < 200; round++) {
                AtomicInteger pending = new AtomicInteger(16);
                for (int i = 0; i < 16; i++) {
                    assertEquals(1, ctx.submit(Request.pread(f, ByteBuffer.allocateDirect(BLOCK), (long) i * BLOCK)
                            .callback(e -> pending.decrementAndGet())));
                }
                assertTrue(CallbackWaits.await(ctx, () -> pending.get() == 0, 20, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdown();
            assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
        }
    }

    /**
     * {@link CallbackWaits#helps}: true only on a platform thread outside the callbacks of a
     * self-reaping context whose callbacks run in place, while no other thread helps; and
     * {@link CallbackWaits#doneHelping} leaves the context working: a request submitted after
     * it still reaches its callback.
     */
    @ParameterizedTest
    @MethodSource("engines")
    void helpsTellsWhichThreadsWouldTakeTheRole(Engine engine) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(1);
        try (IoContext plain = IoContext.builder().engine(engine).capacity(4).open();
             IoContext onPool = IoContext.builder().engine(engine).capacity(4).selfReaping(pool).open();
             IoContext ctx = open(engine, 4)) {
            assertFalse(CallbackWaits.helps(plain), "a context the caller reaps");
            assertFalse(CallbackWaits.helps(onPool), "callbacks on an executor");
            assertTrue(CallbackWaits.helps(ctx), "a platform thread, in-place callbacks");
            AtomicReference<Boolean> onVirtual = new AtomicReference<>();
            Thread.ofVirtual().start(() -> onVirtual.set(CallbackWaits.helps(ctx))).join();
            assertEquals(Boolean.FALSE, onVirtual.get(), "a virtual thread");
            // While another platform thread waits as a helper, a second one would only park.
            CountDownLatch release = new CountDownLatch(1);
            Thread other = Thread.ofPlatform().start(() -> {
                try {
                    CallbackWaits.await(ctx, () -> release.getCount() == 0, 20, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    // ends the thread
                }
            });
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (CallbackWaits.helps(ctx) && System.nanoTime() - until < 0) {
                Thread.sleep(1);
            }
            assertFalse(CallbackWaits.helps(ctx), "another thread helps");
            release.countDown();
            other.join();
            assertTrue(CallbackWaits.helps(ctx), "the other helper left");
            Path p = TestFiles.patterned(dir, "cw.dat", BLOCK);
            try (IoFile f = IoFile.open(p, StandardOpenOption.READ)) {
                for (int round = 0; round < 3; round++) {
                    AtomicReference<Boolean> inCallback = new AtomicReference<>();
                    CountDownLatch done = new CountDownLatch(1);
                    ctx.submit(Request.pread(f, ByteBuffer.allocateDirect(BLOCK), 0).callback(e -> {
                        inCallback.set(CallbackWaits.helps(ctx));
                        done.countDown();
                    }));
                    if (round == 0) {
                        // Helping first, so that the callback may run on this thread.
                        assertTrue(CallbackWaits.await(ctx, () -> done.getCount() == 0, 20, TimeUnit.SECONDS));
                        CallbackWaits.doneHelping(ctx);
                    }
                    // Later rounds: nobody helps, the reaper delivers.
                    assertTrue(done.await(20, TimeUnit.SECONDS));
                    assertEquals(Boolean.FALSE, inCallback.get(), "inside a callback, round " + round);
                }
            }
        } finally {
            pool.shutdown();
            assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
        }
    }
}
