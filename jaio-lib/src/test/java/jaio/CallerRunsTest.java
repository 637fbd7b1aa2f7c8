package jaio;

import static jaio.testkit.TestProcess.waitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import jaio.testkit.CloseRace;
import jaio.testkit.TestFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Caller-runs on the thread-pool engine: a thread that waits for events runs queued requests
 * itself (counted in ContextStats.callerRuns), only those it may (native memory; heap buffers
 * stay with the workers), and a request whose submitter does not wait for it still completes;
 * cancel and close race with a waiter running a request and every request still has exactly
 * one event.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CallerRunsTest {
    private static final int BLOCK = 4096;
    private static final Duration LIMIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private static IoContext open(int capacity) throws Exception {
        return IoContext.builder().engine(Engine.THREADS).capacity(capacity).workerThreads(4).open();
    }

    private Path file(int blocks) throws Exception {
        Path p = TestFiles.patterned(dir, "cr.dat", blocks * BLOCK);
        TestFiles.readAll(p);
        return p;
    }

    private static void checkBlock(MemorySegment buf, long offset) {
        for (int i = 0; i < BLOCK; i += 509) {
            assertEquals(TestFiles.pattern(offset + i, 0), buf.get(java.lang.foreign.ValueLayout.JAVA_BYTE, i),
                    "byte " + i + " of the block at " + offset);
        }
    }

    @Test
    void aThreadThatWaitsAtDepthOneRunsItsRequestsItself() throws Exception {
        int n = 2_000;
        int blocks = 64;
        try (IoContext ctx = open(8); IoFile f = IoFile.open(file(blocks), StandardOpenOption.READ)) {
            MemorySegment buf = IoBuffers.allocate(BLOCK);
            Request r = Request.pread(f, buf, 0);
            Event[] ev = TestFiles.events(1);
            for (int i = 0; i < n; i++) {
                long off = (long) (i * 7 % blocks) * BLOCK;
                r.prepPread(f, buf, off).userData(i);
                assertEquals(1, ctx.submit(r));
                assertEquals(1, ctx.getEvents(1, ev, LIMIT));
                assertEquals(i, ev[0].userData());
                assertEquals(BLOCK, ev[0].result());
                checkBlock(buf, off);
            }
            ContextStats s = ctx.stats();
            assertEquals(n, s.completed());
            // Only the first few may go to a worker: from then on the waiting thread is
            // expected back and its requests wait for it.
            assertTrue(s.callerRuns() >= n / 2, "the waiting thread ran most requests itself: " + s);
        }
    }

    @Test
    void requestsIntoHeapMemoryAreLeftToTheWorkers() throws Exception {
        int n = 200;
        try (IoContext ctx = open(8); IoFile f = IoFile.open(file(16), StandardOpenOption.READ)) {
            ByteBuffer heap = ByteBuffer.allocate(BLOCK);
            Event[] ev = TestFiles.events(1);
            for (int i = 0; i < n; i++) {
                heap.clear();
                long off = (long) (i % 16) * BLOCK;
                assertEquals(1, ctx.submit(Request.pread(f, heap, off)));
                assertEquals(1, ctx.getEvents(1, ev, LIMIT));
                assertEquals(BLOCK, ev[0].result());
                assertEquals(TestFiles.pattern(off + 100, 0), heap.get(100));
            }
            assertEquals(0, ctx.stats().callerRuns(),
                    "a waiter never runs a request through a worker's scratch memory");
        }
    }

    @Test
    void aRequestItsSubmitterNeverWaitsForStillCompletes() throws Exception {
        try (IoContext ctx = open(8); IoFile f = IoFile.open(file(16), StandardOpenOption.READ)) {
            MemorySegment buf = IoBuffers.allocate(BLOCK);
            Event[] ev = TestFiles.events(1);
            // Become the thread whose requests wait for it.
            for (int i = 0; i < 100; i++) {
                assertEquals(1, ctx.submit(Request.pread(f, buf, 0)));
                assertEquals(1, ctx.getEvents(1, ev, LIMIT));
            }
            long before = ctx.stats().completed();
            assertEquals(1, ctx.submit(Request.pread(f, buf, 3 * BLOCK).userData(42)));
            // This thread does not wait: the request must complete on a worker by itself.
            waitUntil(() -> ctx.stats().completed() == before + 1, LIMIT);
            assertEquals(1, ctx.getEvents(0, ev, Duration.ZERO), "a poll takes it");
            assertEquals(42, ev[0].userData());
            assertEquals(BLOCK, ev[0].result());
            checkBlock(buf, 3 * BLOCK);
        }
    }

    @Test
    void anotherThreadsWaitGetsTheRequest() throws Exception {
        try (IoContext ctx = open(8); IoFile f = IoFile.open(file(16), StandardOpenOption.READ)) {
            for (int i = 0; i < 200; i++) {
                MemorySegment buf = IoBuffers.allocate(BLOCK);
                Request r = Request.pread(f, buf, (i % 16) * (long) BLOCK).userData(i);
                boolean byAwait = i % 2 == 0;
                AtomicReference<Object> got = new AtomicReference<>();
                CountDownLatch submitted = new CountDownLatch(1);
                Thread waiter = Thread.ofPlatform().start(() -> {
                    try {
                        submitted.await();
                        if (byAwait) {
                            got.set(ctx.await(r, LIMIT));
                        } else {
                            Event[] ev = TestFiles.events(1);
                            got.set(ctx.getEvents(1, ev, LIMIT) == 1 ? ev[0] : null);
                        }
                    } catch (Throwable t) {
                        got.set(t);
                    }
                });
                assertEquals(1, ctx.submit(r));
                submitted.countDown();
                waiter.join(LIMIT.toMillis());
                Object o = got.get();
                assertTrue(o instanceof Event, "the other thread took the event: " + o);
                assertEquals(i, ((Event) o).userData());
                assertEquals(BLOCK, ((Event) o).result());
            }
        }
    }

    @Test
    void callbacksOfASelfReapingContextRunForASubmitterThatOnlyParks() throws Exception {
        int n = 500;
        AtomicInteger ok = new AtomicInteger();
        IoContext.Builder b = IoContext.builder().engine(Engine.THREADS).capacity(8).workerThreads(2).selfReaping();
        try (IoContext ctx = b.open();
             IoFile f = IoFile.open(file(16), StandardOpenOption.READ)) {
            for (int i = 0; i < n; i++) {
                CountDownLatch done = new CountDownLatch(1);
                Request r = Request.pread(f, IoBuffers.allocate(BLOCK), (i % 16) * (long) BLOCK).callback(e -> {
                    if (e.result() == BLOCK) {
                        ok.incrementAndGet();
                    }
                    done.countDown();
                });
                assertEquals(1, ctx.submit(r));
                assertTrue(done.await(LIMIT.toMillis(), TimeUnit.MILLISECONDS), "callback " + i);
            }
            assertEquals(n, ok.get());
            // The reaper waits for events, so it may run them itself: then no worker is needed.
            assertTrue(ctx.stats().callerRuns() <= n);
        }
    }

    @Test
    void aCancelRacingAWaiterThatRunsTheRequestAgreesWithItsEvent() throws Exception {
        int rounds = 2_000;
        Queue<String> problems = new ConcurrentLinkedQueue<>();
        try (IoContext ctx = open(8); IoFile f = IoFile.open(file(16), StandardOpenOption.READ)) {
            MemorySegment buf = IoBuffers.allocate(BLOCK);
            Request r = Request.pread(f, buf, 0);
            CyclicBarrier go = new CyclicBarrier(2);
            AtomicReference<CancelResult> answer = new AtomicReference<>();
            Thread canceller = Thread.ofPlatform().start(() -> {
                try {
                    for (int i = 0; i < rounds; i++) {
                        go.await();
                        if (i % 3 != 0) {
                            Thread.onSpinWait();
                        }
                        answer.set(ctx.cancel(r));
                        go.await();
                    }
                } catch (Throwable t) {
                    problems.add("canceller: " + t);
                }
            });
            Event[] ev = TestFiles.events(2);
            for (int i = 0; i < rounds && problems.isEmpty(); i++) {
                r.prepPread(f, buf, (i % 16) * (long) BLOCK).userData(i);
                assertEquals(1, ctx.submit(r));
                go.await(10, TimeUnit.SECONDS);
                assertEquals(1, ctx.getEvents(1, 2, ev, 10, TimeUnit.SECONDS), "one event for request " + i);
                go.await(10, TimeUnit.SECONDS);
                assertEquals(0, ctx.getEvents(0, 2, ev, 0, TimeUnit.SECONDS), "and only one");
                CancelResult a = answer.get();
                boolean canceled = ev[0].result() == -Errno.ECANCELED;
                if (canceled != (a == CancelResult.CANCELED)) {
                    problems.add("round " + i + ": cancel answered " + a + ", the event has " + ev[0].result());
                }
                if (!canceled && ev[0].result() != BLOCK) {
                    problems.add("round " + i + ": result " + ev[0].result());
                }
            }
            canceller.join(10_000);
            assertTrue(problems.isEmpty(), problems.toString());
        }
    }

    @Test
    void closeWhileAWaiterRunsARequest() throws Exception {
        int big = 8 << 20;
        Path p = dir.resolve("big.dat");
        java.nio.file.Files.write(p, new byte[big]);
        TestFiles.readAll(p);
        for (int round = 0; round < 20; round++) {
            IoContext ctx = open(8);
            try (IoFile f = IoFile.open(p, StandardOpenOption.READ)) {
                MemorySegment small = IoBuffers.allocate(BLOCK);
                MemorySegment large = IoBuffers.allocate(big);
                CloseRace.closeWhileWaiting(ctx, ready -> {
                    Event[] ev = TestFiles.events(1);
                    // Depth 1 for a while: this thread's requests then wait for it.
                    for (int i = 0; i < 50; i++) {
                        ctx.submit(Request.pread(f, small, 0));
                        ctx.getEvents(1, ev, LIMIT);
                    }
                    ctx.submit(Request.pread(f, large, 0));
                    ready.run();
                    return ctx.getEvents(1, ev, LIMIT) == 1 ? ev[0].result() : "none";
                }, big, round % 2 == 1, LIMIT);
                assertFalse(ctx.isOpen());
            } finally {
                ctx.close();
            }
        }
    }
}
