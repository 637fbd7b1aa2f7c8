package jaio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import jaio.testkit.TestEngines;
import jaio.testkit.TestFiles;
import jaio.testkit.TestFiles.EventCopy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Single-issuer contexts ({@link IoContext.Builder#singleIssuer()}): the ownership rule on
 * every engine, what the build refuses, and on io_uring the kernel flags and DEFER_TASKRUN's
 * completions, which reach the ring only when the owner enters the kernel.
 */
class SingleIssuerTest {
    private static final Duration LONG = Duration.ofSeconds(10);

    private static IoContext open(Engine engine, int capacity) throws IOException {
        return IoContext.builder().engine(engine).capacity(capacity).singleIssuer().open();
    }

    /** Runs {@code call} on a new thread and returns what it threw, or null. */
    private static Throwable fromAnotherThread(Runnable call) throws InterruptedException {
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread t = Thread.ofPlatform().name("intruder").start(() -> {
            try {
                call.run();
            } catch (Throwable e) {
                thrown.set(e);
            }
        });
        t.join();
        return thrown.get();
    }

    /** Writes one byte into a pipe from another thread, through a context of its own. */
    private static Thread writeLater(Engine engine, IoFile wr, long delayMillis) {
        return Thread.ofPlatform().name("writer").start(() -> {
            try (IoContext other = IoContext.open(4, engine)) {
                Thread.sleep(delayMillis);
                other.submit(Request.pwrite(wr, ByteBuffer.allocateDirect(1).put((byte) 1).flip(), 0));
                TestFiles.reap(other, 1);
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @ParameterizedTest
    @MethodSource("jaio.testkit.TestEngines#all")
    void everyCallFromAnotherThreadIsRefusedNamingTheOwner(Engine engine) throws Exception {
        IoFile[] pipe = IoFile.pipe();
        try (IoFile rd = pipe[0]; IoFile wr = pipe[1]) {
            IoContext ctx = open(engine, 8);
            assertTrue(ctx.isSingleIssuer());
            Request pending = Request.pread(rd, ByteBuffer.allocateDirect(8), 0).userData(1);
            assertEquals(1, ctx.submit(pending));
            Event[] evs = TestFiles.events(1);
            List<Runnable> calls = List.of(
                    () -> ctx.submit(Request.noop()),
                    () -> ctx.getEvents(0, evs, Duration.ZERO),
                    () -> ctx.getEvents(1, evs, Duration.ofSeconds(1)),
                    () -> ctx.await(pending, Duration.ofSeconds(1)),
                    () -> ctx.submitAndWait(new Request[] {Request.noop()}, 0, 1, 1, evs, Duration.ZERO),
                    () -> ctx.cancel(pending),
                    () -> ctx.resize(16),
                    () -> ctx.setConcurrency(1),
                    ctx::close);
            String owner = Thread.currentThread().getName();
            for (Runnable call : calls) {
                Throwable e = fromAnotherThread(call);
                assertTrue(e instanceof IllegalStateException, String.valueOf(e));
                assertTrue(e.getMessage().contains("single-issuer") && e.getMessage().contains(owner)
                        && e.getMessage().contains("intruder"), e.getMessage());
            }
            assertTrue(ctx.isOpen(), "a refused close leaves the context open");
            assertEquals(1, ctx.stats().inFlight(), "reading the counters is open to every thread");
            assertEquals(8, ctx.capacity());
            // The owner still has its context, with the request it submitted.
            Thread w = writeLater(engine, wr, 0);
            List<EventCopy> got = TestFiles.reap(ctx, 1);
            assertEquals(1L, got.get(0).result(), got.toString());
            w.join();
            assertEquals(1, ctx.submit(Request.noop().userData(2)));
            assertEquals(2L, TestFiles.reap(ctx, 1).get(0).userData());
            ctx.close();
            assertFalse(ctx.isOpen());
        }
    }

    @ParameterizedTest
    @MethodSource("jaio.testkit.TestEngines#all")
    void whatWouldHaveAnotherThreadReapIsRefused(Engine engine) throws IOException {
        IllegalArgumentException both = assertThrows(IllegalArgumentException.class,
                () -> IoContext.builder().engine(engine).singleIssuer().selfReaping().open());
        assertTrue(both.getMessage().contains("single-issuer") && both.getMessage().contains("self-reaping"),
                both.getMessage());
        try (IoFile efd = IoFile.eventFd()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> IoContext.builder().engine(engine).singleIssuer().notifyEventFd(efd).open());
            assertTrue(e.getMessage().contains("eventfd"), e.getMessage());
        }
        try (IoContext ctx = open(engine, 4)) {
            IllegalStateException rc = assertThrows(IllegalStateException.class, ctx::readyChannel);
            assertTrue(rc.getMessage().contains("single-issuer"), rc.getMessage());
            IllegalStateException g = assertThrows(IllegalStateException.class, () -> IoContextGroup.of(ctx));
            assertTrue(g.getMessage().contains("single-issuer"), g.getMessage());
        }
    }

    /** LINK_TIMEOUT's timer thread would cancel on the ring; a virtual owner would have the pump reap. */
    @ParameterizedTest
    @MethodSource("jaio.testkit.TestEngines#all")
    void linkTimeoutsAndVirtualOwnersAreRefused(Engine engine) throws Exception {
        try (IoContext ctx = open(engine, 8)) {
            Request guarded = Request.noop().link();
            InvalidRequestException e = assertThrows(InvalidRequestException.class,
                    () -> ctx.submit(guarded, Request.linkTimeout(Duration.ofSeconds(30))));
            assertTrue(e.getMessage().contains("LINK_TIMEOUT") && e.getMessage().contains("single-issuer"),
                    e.getMessage());
            assertEquals(0, ctx.stats().inFlight(), "the chain is refused whole");
            assertEquals(2, ctx.submit(Request.noop().link(), Request.noop()), "plain chains are fine");
            assertEquals(2, TestFiles.reap(ctx, 2).size());
        }
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread.ofVirtual().start(() -> {
            try {
                open(engine, 4).close();
            } catch (Throwable t) {
                thrown.set(t);
            }
        }).join();
        assertTrue(thrown.get() instanceof IllegalStateException, String.valueOf(thrown.get()));
        assertTrue(thrown.get().getMessage().contains("platform thread"), thrown.get().getMessage());
    }

    @ParameterizedTest
    @MethodSource("jaio.testkit.TestEngines#all")
    void theReportSaysWhichKernelFlagsTheContextHas(Engine engine) throws IOException {
        try (IoContext ctx = open(engine, 4)) {
            List<String> lines = new ArrayList<>();
            for (String f : ctx.engineInfo().features()) {
                if (f.startsWith("single issuer")) {
                    lines.add(f);
                }
            }
            assertEquals(1, lines.size(), ctx.engineInfo().features().toString());
            if (engine == Engine.IO_URING) {
                assertTrue(lines.get(0).contains("kernel granted"), lines.get(0));
                if (kernelAtLeast(6, 1)) {
                    assertTrue(lines.get(0).contains("SINGLE_ISSUER") && lines.get(0).contains("DEFER_TASKRUN"),
                            lines.get(0));
                }
            } else {
                assertTrue(lines.get(0).contains("io_uring's only"), lines.get(0));
            }
        }
        try (IoContext shared = IoContext.open(4, engine)) {
            assertFalse(shared.isSingleIssuer());
            assertTrue(shared.engineInfo().features().stream().noneMatch(f -> f.startsWith("single issuer")));
        }
    }

    /**
     * DEFER_TASKRUN: a pipe read that completes while the owner sleeps outside the kernel is
     * posted only when the owner enters it; a poll, a wait with a timeout and a wait without
     * one all see it.
     */
    @Test
    void deferredCompletionsAreSeenByPollsAndWaits() throws Exception {
        TestEngines.assumeAvailable(Engine.IO_URING);
        IoFile[] pipe = IoFile.pipe();
        try (IoContext ctx = open(Engine.IO_URING, 8); IoFile rd = pipe[0]; IoFile wr = pipe[1]) {
            Event[] evs = TestFiles.events(1);
            for (int round = 0; round < 3; round++) {
                ctx.submit(Request.pread(rd, ByteBuffer.allocateDirect(8), 0).userData(round));
                assertEquals(0, ctx.getEvents(0, evs, Duration.ZERO), "nothing written yet");
                Thread w = writeLater(Engine.IO_URING, wr, round == 0 ? 0 : 30);
                int n;
                if (round == 0) {
                    w.join();
                    // The read's completion is ready in the kernel; a poll must go and get it.
                    long deadline = System.nanoTime() + LONG.toNanos();
                    do {
                        Thread.sleep(5);
                        n = ctx.getEvents(0, evs, Duration.ZERO);
                    } while (n == 0 && System.nanoTime() < deadline);
                } else if (round == 1) {
                    n = ctx.getEvents(1, evs, LONG);
                } else {
                    n = ctx.getEvents(1, evs);
                }
                w.join();
                assertEquals(1, n, "round " + round);
                assertEquals(round, evs[0].userData());
                assertEquals(1, evs[0].result());
            }
            // A timer's expiry is completion work too.
            ctx.submit(Request.timeout(Duration.ofMillis(10), 0).userData(7));
            Thread.sleep(50);
            assertEquals(1, ctx.getEvents(0, evs, Duration.ZERO), "the fired timeout, taken by a poll");
            assertEquals(-Errno.ETIME, evs[0].result());
            assertEquals(0, ctx.getEvents(0, evs, Duration.ofMillis(20)), "one event only");
        }
    }

    /** Cancel and close on io_uring's single-issuer ring, whose answers are completion work as well. */
    @Test
    void cancelAndCloseWorkOnTheOwnersRing() throws Exception {
        TestEngines.assumeAvailable(Engine.IO_URING);
        IoFile[] pipe = IoFile.pipe();
        try (IoFile rd = pipe[0]; IoFile wr = pipe[1]) {
            IoContext ctx = open(Engine.IO_URING, 16);
            Request r = Request.pread(rd, ByteBuffer.allocateDirect(8), 0).userData(1);
            ctx.submit(r);
            assertEquals(CancelResult.CANCELED, ctx.cancel(r));
            List<EventCopy> got = TestFiles.reap(ctx, 1);
            assertEquals(-Errno.ECANCELED, got.get(0).result(), got.toString());
            for (int i = 0; i < 8; i++) {
                ctx.submit(Request.pread(rd, ByteBuffer.allocateDirect(8), 0).userData(10 + i));
                ctx.submit(Request.timeout(Duration.ofSeconds(60), 0).userData(20 + i));
            }
            long t0 = System.nanoTime();
            ctx.close();
            assertTrue(System.nanoTime() - t0 < LONG.toNanos(), "close cancels what waits");
            assertFalse(ctx.isOpen());
            assertEquals(0, ctx.stats().inFlight());
        }
    }

    /** With SQPOLL the kernel takes no task-work flag: the ring falls back along the list and still works. */
    @Test
    void aPolledSubmissionRingWorksSingleIssuer() throws Exception {
        TestEngines.assumeAvailable(Engine.IO_URING);
        try (IoContext ctx = IoContext.builder().engine(Engine.IO_URING).capacity(8).sqPoll(true).singleIssuer()
                .open()) {
            String line = ctx.engineInfo().features().stream().filter(f -> f.startsWith("single issuer"))
                    .findFirst().orElseThrow();
            assertFalse(line.contains("DEFER_TASKRUN"), line);
            for (int i = 0; i < 20; i++) {
                assertEquals(1, ctx.submit(Request.noop().userData(i)));
                assertEquals((long) i, TestFiles.reap(ctx, 1).get(0).userData());
            }
            Throwable e = fromAnotherThread(() -> ctx.submit(Request.noop()));
            assertTrue(e instanceof IllegalStateException, String.valueOf(e));
        }
    }

    /**
     * On io_uring the owner enters its ring by a registered index (IORING_REGISTER_RING_FDS,
     * Linux 5.18). A thread's table has 16 entries: close must give its entry back (else the
     * 17th context in a row finds the table full), and a context opened while the table is
     * full enters by descriptor, says why, and works the same.
     */
    @Test
    void theOwnerEntersByARegisteredIndexAndCloseGivesTheEntryBack() throws Exception {
        TestEngines.assumeAvailable(Engine.IO_URING);
        assumeTrue(kernelAtLeast(5, 18), "registered ring descriptors are Linux 5.18");
        AtomicReference<Throwable> failed = new AtomicReference<>();
        // A thread of its own, whose table of registered rings starts empty.
        Thread t = Thread.ofPlatform().name("owner").start(() -> {
            try {
                for (int i = 0; i < 40; i++) {
                    try (IoContext ctx = open(Engine.IO_URING, 4)) {
                        assertTrue(line(ctx).contains("by its registered index"), "context " + i + ": " + line(ctx));
                        roundTrip(ctx, i);
                    }
                }
                List<IoContext> open = new ArrayList<>();
                try {
                    for (int i = 0; i < 16; i++) {
                        open.add(open(Engine.IO_URING, 4));
                        assertTrue(line(open.get(i)).contains("by its registered index"), line(open.get(i)));
                    }
                    try (IoContext full = open(Engine.IO_URING, 4)) {
                        assertTrue(line(full).contains("by descriptor (IORING_REGISTER_RING_FDS: EBUSY"), line(full));
                        roundTrip(full, 99);
                    }
                    for (int i = 0; i < open.size(); i++) {
                        roundTrip(open.get(i), i);
                    }
                } finally {
                    for (IoContext c : open) {
                        c.close();
                    }
                }
                try (IoContext again = open(Engine.IO_URING, 4)) {
                    assertTrue(line(again).contains("by its registered index"), line(again));
                    roundTrip(again, 7);
                }
            } catch (Throwable e) {
                failed.set(e);
            }
        });
        t.join();
        if (failed.get() != null) {
            throw new AssertionError(failed.get());
        }
    }

    private static String line(IoContext ctx) {
        return ctx.engineInfo().features().stream().filter(f -> f.startsWith("single issuer")).findFirst()
                .orElseThrow();
    }

    /** A request through the ring and back: submission and reaping both enter the kernel. */
    private static void roundTrip(IoContext ctx, long tag) {
        assertEquals(1, ctx.submit(Request.noop().userData(tag)));
        List<EventCopy> got = TestFiles.reap(ctx, 1);
        assertEquals(tag, got.get(0).userData());
        assertEquals(0, got.get(0).result());
    }

    private static boolean kernelAtLeast(int major, int minor) {
        String[] v = System.getProperty("os.version").split("[.-]");
        int ma = Integer.parseInt(v[0]);
        int mi = v.length > 1 ? Integer.parseInt(v[1]) : 0;
        return ma > major || (ma == major && mi >= minor);
    }
    /**
     * An owner thread that ends without closing its context: every other call from another
     * thread is still refused, naming the ended owner. The close is left to any thread, and
     * ends what the owner left in flight, unless the kernel takes the ring's calls from the
     * owner alone (io_uring with SINGLE_ISSUER granted): then it is refused too, saying the
     * context stays open until the process exits (this test's such context does, until the
     * test JVM ends).
     */
    @ParameterizedTest
    @MethodSource("jaio.testkit.TestEngines#all")
    void anOwnerThatEndedWithoutClosingLeavesTheCloseToAnyThreadWhereTheKernelAllows(Engine engine)
            throws Exception {
        IoFile[] pipe = IoFile.pipe();
        try (IoFile rd = pipe[0]; IoFile wr = pipe[1]) {
            IoContext[] made = new IoContext[1];
            Thread owner = new Thread(() -> {
                try {
                    made[0] = open(engine, 8);
                    // A read that waits for good and a NOOP, neither reaped.
                    made[0].submit(Request.pread(rd, ByteBuffer.allocateDirect(8), 0).userData(1));
                    made[0].submit(Request.noop().userData(2));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }, "si-owner-that-ends");
            owner.start();
            owner.join();
            IoContext ctx = made[0];
            boolean bound = engine == Engine.IO_URING && ctx.engineInfo().features().stream()
                    .anyMatch(f -> f.startsWith("single issuer") && f.contains("SINGLE_ISSUER"));
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> ctx.submit(Request.noop()));
            assertTrue(e.getMessage().contains("si-owner-that-ends") && e.getMessage().contains("has ended without closing"),
                    e.getMessage());
            Throwable closed = fromAnotherThread(ctx::close);
            if (bound) {
                assertTrue(closed instanceof IllegalStateException
                        && closed.getMessage().contains("until the process exits"), String.valueOf(closed));
                assertTrue(ctx.isOpen());
            } else {
                assertEquals(null, closed, "any thread may close it once the owner ended");
                assertFalse(ctx.isOpen());
            }
        }
    }
}
