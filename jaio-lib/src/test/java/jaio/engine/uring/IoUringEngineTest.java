package jaio.engine.uring;

import static jaio.testkit.TestFiles.events;
import static jaio.testkit.TestFiles.takeOne;
import static jaio.testkit.TestProcess.openFds;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import jaio.CancelResult;
import jaio.Engine;
import jaio.Errno;
import jaio.Event;
import jaio.IoBuffers;
import jaio.IoContext;
import jaio.IoFile;
import jaio.Poll;
import jaio.Request;
import jaio.RequestFlag;
import jaio.testkit.TestEngines;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The io_uring engine through the public API: the paths a request can take, and misuse. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class IoUringEngineTest {
    static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    @BeforeAll
    static void available() {
        TestEngines.assumeAvailable(Engine.IO_URING);
    }

    static IoContext open(int capacity) throws IOException {
        return IoContext.builder().engine(Engine.IO_URING).capacity(capacity).open();
    }

    @Test
    void automaticSelectionPicksIoUringHere() throws IOException {
        try (IoContext ctx = IoContext.open(8)) {
            assertEquals(Engine.IO_URING, ctx.engine());
            assertTrue(ctx.engineInfo().features().stream().anyMatch(f -> f.contains("NOP round trip") || f.contains("setup flags")),
                    () -> "features: " + ctx.engineInfo().features());
        }
    }

    @Test
    void pollOnAPipeCompletesWhenDataArrives() throws Exception {
        IoFile[] pipe = IoFile.pipe();
        try (IoContext ctx = open(8); IoFile rd = pipe[0]; IoFile wr = pipe[1]) {
            Request poll = Request.poll(rd, Poll.IN).userData(3);
            assertEquals(1, ctx.submit(poll));
            Event[] ev = {new Event()};
            assertEquals(0, ctx.getEvents(1, ev, Duration.ofMillis(100)), "nothing to read yet");
            Request w = Request.pwrite(wr, ByteBuffer.allocateDirect(1).put(0, (byte) 9), 0);
            assertEquals(1, ctx.submit(w));
            Event a = takeOne(ctx, WAIT);
            Event b = takeOne(ctx, WAIT);
            Event p = a.userData() == 3 ? a : b;
            assertEquals(3, p.userData());
            assertTrue((p.result() & Poll.IN) != 0, () -> "mask " + p.result());
        }
    }

    @Test
    void cancellingAPollOrAPendingPipeReadCompletesItWithEcanceled() throws Exception {
        IoFile[] pipe = IoFile.pipe();
        try (IoContext ctx = open(8); IoFile rd = pipe[0]; IoFile _ = pipe[1]) {
            Request poll = Request.poll(rd, Poll.IN);
            Request read = Request.pread(rd, ByteBuffer.allocateDirect(8), 0);
            assertEquals(2, ctx.submit(poll, read));
            Event[] ev = {new Event()};
            assertEquals(0, ctx.getEvents(1, ev, Duration.ofMillis(50)));
            assertEquals(CancelResult.CANCELED, ctx.cancel(poll));
            assertEquals(CancelResult.CANCELED, ctx.cancel(read));
            Event a = takeOne(ctx, WAIT);
            Event b = takeOne(ctx, WAIT);
            assertEquals(-Errno.ECANCELED, a.result());
            assertEquals(-Errno.ECANCELED, b.result());
            assertEquals("ECANCELED", a.errnoName());
            assertEquals(CancelResult.ALREADY_DONE, ctx.cancel(read));
        }
    }

    @Test
    void aReadOfAnEventfdThatWouldBlockWaitsForItInTheKernel() throws Exception {
        // IoFile.eventFd() is non-blocking: the kernel answers EAGAIN, and the engine then
        // waits for readiness with POLL_ADD instead of spinning.
        try (IoContext ctx = open(8); IoFile efd = IoFile.eventFd()) {
            MemorySegment buf = IoBuffers.allocate(8);
            Request read = Request.pread(efd, buf, 0);
            assertEquals(1, ctx.submit(read));
            Event[] ev = {new Event()};
            assertEquals(0, ctx.getEvents(1, ev, Duration.ofMillis(100)));
            MemorySegment one = IoBuffers.allocate(8);
            one.set(ValueLayout.JAVA_LONG, 0, 5);
            assertEquals(1, ctx.submit(Request.pwrite(efd, one, 0)));
            Event a = takeOne(ctx, WAIT);
            Event b = takeOne(ctx, WAIT);
            Event r = a.request() == read ? a : b;
            assertEquals(8, r.result(), () -> Errno.describe(r.result()));
            assertEquals(5, buf.get(ValueLayout.JAVA_LONG, 0));
        }
    }

    /**
     * A stream is not a file (E4): a pipe read of 8 bytes that finds 3 completes with those 3,
     * as read(2) does, instead of waiting for the rest (which could deadlock a request/response
     * protocol); a pipe write is still continued until all of it went.
     */
    @Test
    void aShortPipeReadCompletesWithWhatIsThere() throws Exception {
        IoFile[] pipe = IoFile.pipe();
        try (IoContext ctx = open(8); IoFile rd = pipe[0]; IoFile wr = pipe[1]) {
            MemorySegment buf = IoBuffers.allocate(8);
            Request read = Request.pread(rd, buf, 0);
            assertEquals(1, ctx.submit(read));
            MemorySegment first = IoBuffers.allocate(3);
            first.copyFrom(MemorySegment.ofArray(new byte[] {1, 2, 3}));
            Request w1 = Request.pwrite(wr, first, 0);
            assertEquals(1, ctx.submit(w1));
            assertEquals(3, ctx.await(w1, WAIT).result());
            Event r = ctx.await(read, WAIT);
            assertEquals(3, r.result(), "3 of 8 bytes: what is there");
            assertArrayEquals(new byte[] {1, 2, 3, 0, 0, 0, 0, 0}, buf.toArray(ValueLayout.JAVA_BYTE));
        }
    }

    @Test
    void aUserNowaitReadOfAnEmptyPipeSaysEagain() throws Exception {
        IoFile[] pipe = IoFile.pipe();
        try (IoContext ctx = open(8); IoFile rd = pipe[0]; IoFile _ = pipe[1]) {
            Request read = Request.pread(rd, ByteBuffer.allocateDirect(8), 0).flags(RequestFlag.NOWAIT);
            assertEquals(1, ctx.submit(read));
            Event e = takeOne(ctx, WAIT);
            assertEquals(-Errno.EAGAIN, e.result());
        }
    }

    @Test
    void aTimeoutCompletesAfterItsDelayWithEtime() throws IOException {
        try (IoContext ctx = open(8)) {
            long t0 = System.nanoTime();
            assertEquals(1, ctx.submit(Request.timeout(Duration.ofMillis(50), 0)));
            Event e = takeOne(ctx, WAIT);
            assertEquals(-Errno.ETIME, e.result());
            assertTrue(System.nanoTime() - t0 >= 45_000_000L, "not before its delay");
        }
    }

    @Test
    void aTimeoutWithACountCompletesWithZeroOnceThatManyOthersCompleted() throws IOException {
        try (IoContext ctx = open(16)) {
            Request t = Request.timeout(Duration.ofSeconds(30), 3).userData(99);
            assertEquals(1, ctx.submit(t));
            assertEquals(2, ctx.submit(Request.noop(), Request.noop()));
            Event[] ev = events(8);
            assertEquals(2, ctx.getEvents(2, ev, WAIT));
            assertEquals(0, ctx.getEvents(1, ev, Duration.ofMillis(100)), "two of three: still waiting");
            assertEquals(1, ctx.submit(Request.noop()));
            int got = ctx.getEvents(2, ev, WAIT);
            assertEquals(2, got);
            Event te = ev[0].userData() == 99 ? ev[0] : ev[1];
            assertEquals(99, te.userData());
            assertEquals(0, te.result(), () -> Errno.describe(te.result()));
        }
    }

    @Test
    void aTimeoutCanBeCancelled() throws IOException {
        try (IoContext ctx = open(8)) {
            Request t = Request.timeout(Duration.ofSeconds(30), 0);
            assertEquals(1, ctx.submit(t));
            assertEquals(CancelResult.CANCELED, ctx.cancel(t));
            assertEquals(-Errno.ECANCELED, takeOne(ctx, WAIT).result());
        }
    }

    /**
     * A cancel's answer must match what the request then does: CANCELED only when its event
     * says ECANCELED. Buffered writes race the cancel on io-wq workers (queued, running, done),
     * so every answer comes up over the rounds.
     */
    @Test
    void aCancelsAnswerAgreesWithTheEventItPredicts() throws IOException {
        Path p = dir.resolve("race.dat");
        int[] seen = new int[3];
        try (IoContext ctx = open(64); IoFile f = IoFile.open(p, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            MemorySegment buf = IoBuffers.allocate(256 * 1024);
            Event[] ev = {new Event()};
            for (int round = 0; round < 1500; round++) {
                Request w = Request.pwrite(f, buf, (round % 64) * 256L * 1024);
                if (round % 5 == 0) {
                    // Durable writes take long enough on a worker to be caught running.
                    w.flags(RequestFlag.DSYNC);
                }
                assertEquals(1, ctx.submit(w));
                CancelResult r = ctx.cancel(w);
                seen[r.ordinal()]++;
                Event e = ctx.await(w, WAIT);
                assertNotNull(e);
                if (r == CancelResult.CANCELED) {
                    assertEquals(-Errno.ECANCELED, e.result(), "CANCELED, so the event must say ECANCELED");
                } else {
                    assertTrue(e.result() == 256 * 1024 || e.result() == -Errno.ECANCELED,
                            () -> r + ": " + Errno.describe(e.result()));
                }
            }
            assertEquals(0, ctx.getEvents(0, ev, Duration.ZERO), () -> "no event left over; cancel answers over 1500"
                    + " racing writes: " + Arrays.toString(seen) + " " + Arrays.toString(CancelResult.values()));
        }
    }

    @Test
    void capacityGrowsWhileRequestsWaitInTheKernel() throws Exception {
        IoFile[] pipe = IoFile.pipe();
        try (IoContext ctx = open(4); IoFile rd = pipe[0]; IoFile wr = pipe[1]) {
            Request[] reads = new Request[4];
            for (int i = 0; i < 4; i++) {
                reads[i] = Request.pread(rd, ByteBuffer.allocateDirect(1), 0);
            }
            assertEquals(4, ctx.submit(reads));
            assertEquals(0, ctx.submit(Request.noop()), "full");
            ctx.resize(8);
            assertEquals(4, ctx.submit(Request.noop(), Request.noop(), Request.noop(), Request.noop()));
            Event[] ev = events(8);
            assertEquals(4, ctx.getEvents(4, ev, WAIT));
            ByteBuffer four = ByteBuffer.allocateDirect(4);
            assertEquals(1, ctx.submit(Request.pwrite(wr, four, 0)));
            int got = 0;
            while (got < 5) {
                got += ctx.getEvents(1, ev, WAIT);
            }
            assertEquals(5, got);
        }
    }

    @Test
    void aWaiterForOneIsServedWhileTheLeaderWaitsInTheKernelForMany() throws Exception {
        IoFile[] pipe = IoFile.pipe();
        try (IoContext ctx = open(16); IoFile rd = pipe[0]; IoFile _ = pipe[1]) {
            Request[] reads = new Request[8];
            for (int i = 0; i < reads.length; i++) {
                reads[i] = Request.pread(rd, ByteBuffer.allocateDirect(1), 0);
            }
            assertEquals(8, ctx.submit(reads));
            CountDownLatch started = new CountDownLatch(1);
            AtomicReference<Integer> many = new AtomicReference<>();
            Thread leader = Thread.ofPlatform().start(() -> {
                Event[] ev = events(8);
                started.countDown();
                many.set(ctx.getEvents(8, ev, Duration.ofSeconds(20)));
            });
            started.await();
            Thread.sleep(100);
            Request noop = Request.noop();
            assertEquals(1, ctx.submit(noop));
            Event got = ctx.await(noop, WAIT);
            assertNotNull(got, "await took its own event while another thread waited in the kernel for 8");
            assertEquals(noop, got.request());
            ctx.cancel(reads[0]);
            for (int i = 1; i < reads.length; i++) {
                ctx.cancel(reads[i]);
            }
            leader.join(10_000);
            assertFalse(leader.isAlive());
            assertEquals(8, many.get());
        }
    }

    @Test
    void closeWithReadsWaitingInTheKernelCancelsThemAndReturns() throws Exception {
        IoFile[] pipe = IoFile.pipe();
        IoContext ctx = open(64);
        try (IoFile rd = pipe[0]; IoFile _ = pipe[1]) {
            for (int i = 0; i < 32; i++) {
                assertEquals(1, ctx.submit(Request.pread(rd, ByteBuffer.allocateDirect(4), 0)));
            }
            long t0 = System.nanoTime();
            ctx.close();
            assertTrue(System.nanoTime() - t0 < 5_000_000_000L, "close did not wait for data that never comes");
            assertFalse(ctx.isOpen());
            assertThrows(IllegalStateException.class, () -> ctx.submit(Request.noop()));
            assertThrows(IllegalStateException.class, () -> ctx.getEvents(0, new Event[] {new Event()}));
        }
    }

    @Test
    void anArenaClosedByTheUserUnderAReadEndsItWithEfaultNotACrash() throws Exception {
        Path p = dir.resolve("f.dat");
        Files.write(p, new byte[8192]);
        IoFile[] pipe = IoFile.pipe();
        try (IoContext ctx = open(8); IoFile rd = pipe[0]; IoFile wr = pipe[1]) {
            Arena a = Arena.ofShared();
            MemorySegment seg = a.allocate(64);
            Request read = Request.pread(rd, seg, 0);
            assertEquals(1, ctx.submit(read));
            a.close();
            assertEquals(1, ctx.submit(Request.pwrite(wr, IoBuffers.allocate(64), 0)));
            Event x = takeOne(ctx, WAIT);
            Event y = takeOne(ctx, WAIT);
            Event r = x.request() == read ? x : y;
            assertEquals(-Errno.EFAULT, r.result(), () -> "read into a closed arena: " + Errno.describe(r.result()));
        }
    }

    @Test
    void prioritiesReachTheKernelWithoutErrors() throws IOException {
        Path p = dir.resolve("prio.dat");
        Files.write(p, new byte[8 * 4096]);
        try (IoContext ctx = open(8); IoFile f = IoFile.open(p, StandardOpenOption.READ)) {
            for (int prio = 0; prio <= 7; prio++) {
                assertEquals(1, ctx.submit(Request.pread(f, IoBuffers.allocate(4096), prio * 4096L).priority(prio)));
                Event e = takeOne(ctx, WAIT);
                assertEquals(4096, e.result(), () -> "priority read: " + Errno.describe(e.result()));
            }
        }
    }

    @Test
    void manyContextsOpenAndCloseWithoutLeakingDescriptorsOrThreads() throws IOException {
        long fds = openFds();
        int threads = Thread.activeCount();
        for (int i = 0; i < 300; i++) {
            try (IoContext ctx = open(32)) {
                Request noop = Request.noop();
                assertEquals(1, ctx.submit(noop));
                assertNotNull(ctx.await(noop, WAIT));
            }
        }
        assertTrue(openFds() <= fds + 2, "descriptors before " + fds + ", after " + openFds());
        assertTrue(Thread.activeCount() <= threads + 2, "threads before " + threads + ", after " + Thread.activeCount());
    }
}
