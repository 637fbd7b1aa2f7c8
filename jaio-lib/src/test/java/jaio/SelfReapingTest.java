package jaio;

import static jaio.testkit.TestProcess.threadNames;
import static jaio.testkit.TestProcess.waitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import jaio.testkit.ManualEngine;
import jaio.testkit.TestEngines;
import jaio.testkit.TestFiles;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The self-reaping delivery mode (IoContext.Builder.selfReaping), on every engine available
 * here, with callbacks run on the reaper and on an executor: exactly one callback per accepted
 * request under concurrent submitters and across close, none after close returned, the misuse
 * refused, and the reaper a platform thread that waits in the kernel where there is one.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SelfReapingTest {
    /** Where callbacks run. */
    enum Where { REAPER, EXECUTOR }

    @TempDir
    Path dir;

    private final List<ExecutorService> pools = new ArrayList<>();

    @AfterEach
    void stopPools() throws InterruptedException {
        for (ExecutorService p : pools) {
            p.shutdownNow();
            assertTrue(p.awaitTermination(10, TimeUnit.SECONDS));
        }
    }

    static Stream<Arguments> engines() {
        return TestEngines.available().flatMap(e -> Stream.of(Arguments.of(e, Where.REAPER), Arguments.of(e, Where.EXECUTOR)));
    }

    /** A builder for a self-reaping context on {@code engine}, its callbacks run {@code where}. */
    private IoContext.Builder builder(Engine engine, Where where, int capacity) {
        IoContext.Builder b = IoContext.builder().engine(engine).capacity(capacity);
        return where == Where.REAPER ? b.selfReaping() : b.selfReaping(pool(3));
    }

    private ExecutorService pool(int threads) {
        ExecutorService p = Executors.newFixedThreadPool(threads, r -> Thread.ofPlatform().daemon().name("cb-pool").unstarted(r));
        pools.add(p);
        return p;
    }

    private static boolean supports(IoContext ctx, Opcode op) {
        return ctx.engineInfo().operations().containsKey(op);
    }

    // ------------------------------------------------------------------ exactly once

    @ParameterizedTest
    @MethodSource("engines")
    void everyCallbackRunsExactlyOnceUnderConcurrentSubmitters(Engine engine, Where where) throws Exception {
        int submitters = 3;
        int perSubmitter = 3_000;
        int inHand = 16;
        Path p = TestFiles.patterned(dir, "sr.dat", 256 * 1024);
        AtomicIntegerArray hits = new AtomicIntegerArray(submitters * perSubmitter);
        Queue<String> problems = new ConcurrentLinkedQueue<>();
        CountDownLatch all = new CountDownLatch(submitters * perSubmitter);
        String name = "sr-stress-" + engine.shortName() + "-" + where;
        try (IoContext ctx = builder(engine, where, 64).name(name).open();
             IoFile f = IoFile.open(p, StandardOpenOption.READ)) {
            boolean noop = supports(ctx, Opcode.NOOP);
            List<Thread> threads = new ArrayList<>();
            for (int s = 0; s < submitters; s++) {
                int first = s * perSubmitter;
                threads.add(Thread.ofPlatform().daemon().start(() -> {
                    // Each submitter reuses a few requests: one goes back to it from its callback.
                    ArrayBlockingQueue<Request> free = new ArrayBlockingQueue<>(inHand);
                    CompletionCallback cb = e -> {
                        long expect = e.opcode() == Opcode.NOOP ? 0 : 4096;
                        if (e.result() != expect) {
                            problems.add("result " + e);
                        }
                        checkThread(where, name, problems);
                        if (hits.incrementAndGet((int) e.userData()) != 1) {
                            problems.add("a second callback for " + e.userData());
                        }
                        free.add(e.request());
                        all.countDown();
                    };
                    for (int i = 0; i < inHand; i++) {
                        free.add(Request.noop().callback(cb));
                    }
                    try {
                        for (int i = 0; i < perSubmitter; i++) {
                            Request r = free.take();
                            int id = first + i;
                            if (noop && id % 2 == 0) {
                                r.prepNoop();
                            } else {
                                r.prepPread(f, IoBuffers.allocate(4096), (id % 64) * 4096L);
                            }
                            r.userData(id);
                            while (ctx.submit(r) == 0) {
                                Thread.onSpinWait();
                            }
                        }
                    } catch (Throwable t) {
                        problems.add("submitter: " + t);
                    }
                }));
            }
            assertTrue(all.await(90, TimeUnit.SECONDS), engine + "/" + where + ": " + all.getCount()
                    + " callbacks missing; " + ctx.stats() + "; " + problems);
            for (Thread t : threads) {
                t.join(10_000);
            }
            assertEquals(List.of(), List.copyOf(problems));
            assertEquals(submitters * perSubmitter, ctx.stats().reaped());
        }
        for (int i = 0; i < hits.length(); i++) {
            assertEquals(1, hits.get(i), "callbacks of request " + i);
        }
        assertFalse(threadNames().contains(name + "-reaper"), "close ends the reaper");
    }

    private static void checkThread(Where where, String ctxName, Queue<String> problems) {
        Thread t = Thread.currentThread();
        String expected = where == Where.REAPER ? ctxName + "-reaper" : "cb-pool";
        if (!t.getName().equals(expected) || t.isVirtual()) {
            problems.add("callback on " + t + ", expected " + expected);
        }
    }

    // ------------------------------------------------------------------ close

    /** POLLs on pipes nobody writes never complete by themselves: close must deliver each. */
    @ParameterizedTest
    @MethodSource("engines")
    void closeDeliversEveryRequestInFlightExactlyOnce(Engine engine, Where where) throws Exception {
        assumeTrue(jaio.linux.Native.LINUX, "pipes are Linux only here");
        int n = 24;
        AtomicIntegerArray hits = new AtomicIntegerArray(n);
        AtomicLong results = new AtomicLong();
        AtomicBoolean closeReturned = new AtomicBoolean();
        AtomicInteger late = new AtomicInteger();
        List<IoFile> ends = new ArrayList<>();
        IoContext ctx = builder(engine, where, 64).open();
        try {
            assumeTrue(supports(ctx, Opcode.POLL), engine + " has no POLL in its capability report");
            CompletionCallback cb = e -> {
                if (where == Where.EXECUTOR) {
                    sleep(2); // so that close has callbacks on the executor to wait for
                }
                if (closeReturned.get()) {
                    late.incrementAndGet();
                }
                hits.incrementAndGet((int) e.userData());
                if (e.result() == -Errno.ECANCELED) {
                    results.incrementAndGet();
                }
            };
            for (int i = 0; i < n; i++) {
                IoFile[] pipe = IoFile.pipe();
                ends.addAll(List.of(pipe));
                assertEquals(1, ctx.submit(Request.poll(pipe[0], Poll.IN).userData(i).callback(cb)));
            }
            assertEquals(n, ctx.stats().inFlight());
            ctx.close();
            closeReturned.set(true);
            assertFalse(ctx.isOpen());
        } finally {
            ctx.close();
            for (IoFile f : ends) {
                f.close();
            }
        }
        for (int i = 0; i < n; i++) {
            assertEquals(1, hits.get(i), "callbacks of request " + i);
        }
        assertEquals(n, results.get(), "each one was cancelled by close");
        sleep(20);
        assertEquals(0, late.get(), "no callback after close returned");
    }

    /** Submitters racing close: every accepted request gets its one callback, before close returns. */
    @ParameterizedTest
    @MethodSource("engines")
    void closeRacingSubmittersDeliversEveryAcceptedRequest(Engine engine, Where where) throws Exception {
        IoFile[] pipe = jaio.linux.Native.LINUX ? IoFile.pipe() : null;
        AtomicLong accepted = new AtomicLong();
        AtomicLong called = new AtomicLong();
        AtomicBoolean closeReturned = new AtomicBoolean();
        AtomicInteger late = new AtomicInteger();
        try {
            IoContext ctx = builder(engine, where, 128).open();
            boolean poll = pipe != null && supports(ctx, Opcode.POLL);
            CompletionCallback cb = e -> {
                if (closeReturned.get()) {
                    late.incrementAndGet();
                }
                called.incrementAndGet();
            };
            CountDownLatch going = new CountDownLatch(2);
            List<Thread> submitters = new ArrayList<>();
            for (int s = 0; s < 2; s++) {
                submitters.add(Thread.ofPlatform().daemon().start(() -> {
                    going.countDown();
                    int i = 0;
                    try {
                        while (true) {
                            // Half POLLs that never complete (where the engine has them), half NOOPs.
                            Request r = poll && i++ % 2 == 0 ? Request.poll(pipe[0], Poll.IN) : Request.noop();
                            accepted.addAndGet(ctx.submit(r.callback(cb)));
                        }
                    } catch (IllegalStateException closed) {
                        // the context closed under the loop: expected
                    }
                }));
            }
            going.await();
            sleep(30);
            ctx.close();
            closeReturned.set(true);
            for (Thread t : submitters) {
                t.join(10_000);
                assertFalse(t.isAlive());
            }
            assertTrue(accepted.get() > 0);
            assertEquals(accepted.get(), called.get(), engine + "/" + where + ": one callback per accepted request");
            assertEquals(accepted.get(), ctx.stats().completed());
        } finally {
            if (pipe != null) {
                pipe[0].close();
                pipe[1].close();
            }
        }
        sleep(20);
        assertEquals(0, late.get(), "no callback after close returned");
    }

    /**
     * With an engine the test drives by hand: events left in the queue while the reaper is
     * busy, and requests the engine still holds, all reach their callbacks before close
     * returns; close waits for the callback that holds the reaper.
     */
    @Test
    void closeDeliversReadyAndHeldEventsAndWaitsForTheCallbacks() throws Exception {
        ManualEngine.Provider p = new ManualEngine.Provider();
        IoContext ctx = IoContext.builder().capacity(32).provider(p).selfReaping().open();
        CountDownLatch inFirst = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        long[] results = new long[10];
        AtomicIntegerArray hits = new AtomicIntegerArray(10);
        CompletionCallback cb = e -> {
            int id = (int) e.userData();
            if (id == 0) {
                inFirst.countDown();
                try {
                    release.await();
                } catch (InterruptedException x) {
                    Thread.currentThread().interrupt();
                }
            }
            results[id] = e.result();
            hits.incrementAndGet(id);
        };
        for (int i = 0; i < 10; i++) {
            assertEquals(1, ctx.submit(Request.noop().userData(i).callback(cb)));
        }
        p.last.completeOne();
        assertTrue(inFirst.await(30, TimeUnit.SECONDS));
        p.last.completeBatch(4); // ready, while the reaper is held by the first callback
        Thread closer = Thread.ofPlatform().daemon().start(ctx::close);
        waitUntil(() -> !ctx.isOpen(), Duration.ofSeconds(10));
        closer.join(100);
        assertTrue(closer.isAlive(), "close waits for the callbacks");
        release.countDown();
        closer.join(30_000);
        assertFalse(closer.isAlive());
        for (int i = 0; i < 10; i++) {
            assertEquals(1, hits.get(i), "callbacks of request " + i);
            assertEquals(i < 5 ? 0 : -Errno.ECANCELED, results[i], "result of request " + i);
        }
        assertEquals(0, p.last.held());
    }

    /** A callback may close its own context: close cannot wait for itself, the reaper finishes. */
    @ParameterizedTest
    @MethodSource("engines")
    void aCallbackMayCloseItsOwnContext(Engine engine, Where where) throws Exception {
        assumeTrue(jaio.linux.Native.LINUX, "pipes are Linux only here");
        IoFile[] pipe = IoFile.pipe();
        AtomicInteger called = new AtomicInteger();
        CountDownLatch closedInCallback = new CountDownLatch(1);
        try {
            IoContext ctx = builder(engine, where, 16).open();
            boolean poll = supports(ctx, Opcode.POLL);
            CompletionCallback others = e -> called.incrementAndGet();
            int inFlight = 0;
            if (poll) {
                for (int i = 0; i < 4; i++) {
                    assertEquals(1, ctx.submit(Request.poll(pipe[0], Poll.IN).callback(others)));
                    inFlight++;
                }
            }
            CompletionCallback closer = e -> {
                called.incrementAndGet();
                e.context().close();
                closedInCallback.countDown();
            };
            assertEquals(1, ctx.submit(Request.noop().callback(closer)));
            assertTrue(closedInCallback.await(30, TimeUnit.SECONDS), "close from a callback returned");
            ctx.close(); // waits for the reaper to finish what the callback began
            assertFalse(ctx.isOpen());
            assertEquals(inFlight + 1, called.get(), "every request had its callback before close returned");
        } finally {
            pipe[0].close();
            pipe[1].close();
        }
    }

    // ------------------------------------------------------------------ the reaper

    @ParameterizedTest
    @MethodSource("jaio.testkit.TestEngines#all")
    void theReaperIsAPlatformDaemonThreadThatWaitsInTheKernel(Engine engine) throws Exception {
        String name = "sr-thread-" + engine.shortName();
        Thread[] ran = new Thread[1];
        CountDownLatch done = new CountDownLatch(1);
        try (IoContext ctx = IoContext.builder().engine(engine).capacity(8).name(name).selfReaping().open()) {
            assertTrue(ctx.isSelfReaping());
            assertEquals(1, ctx.submit(Request.noop().callback(e -> {
                ran[0] = Thread.currentThread();
                done.countDown();
            })));
            assertTrue(done.await(30, TimeUnit.SECONDS));
            Thread t = ran[0];
            assertNotNull(t);
            assertEquals(name + "-reaper", t.getName());
            assertFalse(t.isVirtual(), "a platform thread");
            assertTrue(t.isDaemon());
            // Idle, it sits where the engine's completions come from: the kernel for a ring.
            boolean kernel = engine == Engine.IO_URING || engine == Engine.KAIO;
            String where = kernel ? "waitForCompletions" : "park";
            waitUntil(() -> stackHas(t, where), Duration.ofSeconds(10));
            assertTrue(stackHas(t, where), "idle reaper at " + List.of(t.getStackTrace()));
        }
        assertFalse(threadNames().contains(name + "-reaper"), "close ends the reaper");
    }

    private static boolean stackHas(Thread t, String method) {
        for (StackTraceElement e : t.getStackTrace()) {
            if (e.getMethodName().equals(method)) {
                return true;
            }
        }
        return false;
    }

    /** An exception thrown by a callback goes to its thread's handler; delivery goes on. */
    @Test
    void aThrowingCallbackDoesNotStopDelivery() throws Exception {
        Queue<Throwable> caught = new ConcurrentLinkedQueue<>();
        ExecutorService p = Executors.newSingleThreadExecutor(r -> {
            Thread t = Thread.ofPlatform().daemon().unstarted(r);
            t.setUncaughtExceptionHandler((th, x) -> caught.add(x));
            return t;
        });
        pools.add(p);
        CountDownLatch second = new CountDownLatch(1);
        try (IoContext ctx = IoContext.builder().engine(Engine.THREADS).capacity(8).selfReaping(p).open()) {
            ctx.submit(Request.noop().callback(e -> {
                throw new IllegalStateException("from a callback");
            }));
            ctx.submit(Request.noop().callback(e -> second.countDown()));
            assertTrue(second.await(30, TimeUnit.SECONDS));
        }
        assertEquals(1, caught.size());
        assertEquals("from a callback", caught.peek().getMessage());
    }

    /**
     * The reaper's own path allocates nothing per request: a steady loop of NOOPs, measured
     * with the JVM's per-thread allocation counter on the reaper (best of several phases, as
     * SteadyStateAllocationTest does; the kernel engines' errno capture may leave a few bytes
     * per system call).
     */
    @ParameterizedTest
    @MethodSource("jaio.testkit.TestEngines#all")
    void aSteadyLoopAllocatesNothingPerRequestOnTheReaper(Engine engine) throws Exception {
        Thread[] reaper = new Thread[1];
        AtomicLong done = new AtomicLong();
        CompletionCallback cb = e -> {
            reaper[0] = Thread.currentThread();
            done.incrementAndGet();
        };
        try (IoContext ctx = IoContext.builder().engine(engine).capacity(64).selfReaping().open()) {
            Request[] rs = new Request[32];
            for (int i = 0; i < rs.length; i++) {
                rs[i] = Request.noop().callback(cb);
            }
            loop(ctx, rs, done, 2_000); // warm up
            assumeTrue(allocatedBytes(reaper[0]) >= 0, "this JVM does not count allocations per thread");
            double perRequest = Double.MAX_VALUE;
            int rounds = 1_000;
            for (int phase = 0; phase < 10 && perRequest > 0.05; phase++) {
                long before = allocatedBytes(reaper[0]);
                loop(ctx, rs, done, rounds);
                long bytes = allocatedBytes(reaper[0]) - before;
                perRequest = Math.min(perRequest, bytes / (double) (rounds * (long) rs.length));
            }
            assertTrue(perRequest < 8.0, engine + ": " + perRequest + " bytes allocated per request on the reaper");
        }
    }

    /** Submits every request, waits until all their callbacks ran, {@code rounds} times. */
    private static void loop(IoContext ctx, Request[] rs, AtomicLong done, int rounds) {
        for (int r = 0; r < rounds; r++) {
            long target = done.get() + rs.length;
            int off = 0;
            while (off < rs.length) {
                off += ctx.submit(rs, off, rs.length - off);
            }
            // A request is idle again before its callback runs: once all have counted, all
            // may be submitted again.
            while (done.get() < target) {
                Thread.onSpinWait();
            }
        }
    }

    /** Bytes {@code t} has allocated so far, or -1 where the JVM does not count them. */
    private static long allocatedBytes(Thread t) {
        try {
            Object mx = Class.forName("java.lang.management.ManagementFactory").getMethod("getThreadMXBean").invoke(null);
            Class<?> ext = Class.forName("com.sun.management.ThreadMXBean");
            if (t == null || !ext.isInstance(mx)) {
                return -1;
            }
            return (long) ext.getMethod("getThreadAllocatedBytes", long.class).invoke(mx, t.threadId());
        } catch (ReflectiveOperationException e) {
            return -1;
        }
    }

    // ------------------------------------------------------------------ misuse

    @ParameterizedTest
    @MethodSource("jaio.testkit.TestEngines#all")
    void whatNeedsACallerThatReapsIsRefusedNamingTheMode(Engine engine) throws Exception {
        try (IoContext ctx = IoContext.builder().engine(engine).capacity(8).name("sr-misuse").selfReaping().open()) {
            Event[] evs = TestFiles.events(4);
            Request r = Request.noop().callback(e -> { });
            List<Runnable> calls = List.of(
                    () -> ctx.getEvents(0, evs),
                    () -> ctx.getEvents(1, evs, Duration.ofMillis(1)),
                    () -> ctx.getEvents(0, 4, evs, 0, TimeUnit.NANOSECONDS),
                    () -> ctx.await(r, Duration.ZERO),
                    () -> ctx.await(r, new Event(), Duration.ZERO),
                    () -> ctx.submitAndWait(new Request[] {r}, 0, 1, 1, evs, Duration.ofSeconds(1)),
                    ctx::readyChannel,
                    () -> ctx.setConcurrency(1),
                    () -> IoContextGroup.of(ctx));
            for (Runnable c : calls) {
                IllegalStateException e = assertThrows(IllegalStateException.class, c::run);
                assertTrue(e.getMessage().contains("self-reaping") && e.getMessage().contains("sr-misuse"), e.getMessage());
            }
            assertFalse(r.isInFlight(), "submitAndWait submitted nothing");

            InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> ctx.submit(Request.noop()));
            assertEquals(Errno.EINVAL, e.errno());
            assertTrue(e.reason().contains("no callback"), e.getMessage());
            assertEquals(0, e.index());
            // A request without a callback later in a batch ends the accepted run there.
            CountDownLatch one = new CountDownLatch(1);
            assertEquals(1, ctx.submit(Request.noop().callback(x -> one.countDown()), Request.noop()));
            assertTrue(one.await(30, TimeUnit.SECONDS));
            assertEquals(1, ctx.stats().submitted());
        }
    }

    @Test
    void theBuilderRefusesConflictingOptions() {
        assertThrows(NullPointerException.class, () -> IoContext.builder().selfReaping(null));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> IoContext.builder().engine(Engine.THREADS).concurrency(2).selfReaping().open());
        assertTrue(e.getMessage().contains("self-reaping"), e.getMessage());
    }

    /** A context whose caller reaps says so, and keeps every call. */
    @Test
    void aCallerReapsByDefault() throws IOException {
        try (IoContext ctx = IoContext.builder().engine(Engine.THREADS).capacity(4).open()) {
            assertFalse(ctx.isSelfReaping());
            Request r = Request.noop();
            assertEquals(1, ctx.submit(r));
            assertSame(r, ctx.await(r, TestFiles.LONG).request());
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
