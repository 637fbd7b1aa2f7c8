package jaio.engine.kaio;

import static jaio.testkit.TestFiles.events;
import static jaio.testkit.TestFiles.takeOne;
import static jaio.testkit.TestProcess.aioRings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import jaio.CancelResult;
import jaio.Engine;
import jaio.EngineInfo;
import jaio.Errno;
import jaio.Event;
import jaio.IoBuffers;
import jaio.IoContext;
import jaio.IoFile;
import jaio.Opcode;
import jaio.Poll;
import jaio.Request;
import jaio.RequestFlag;
import jaio.linux.Fadvise;
import jaio.linux.LibC;
import jaio.testkit.CloseRace;
import jaio.testkit.TestEngines;
import jaio.testkit.TestFiles;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The native AIO engine through the public API: each path a request can take, and misuse. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class KaioEngineTest {
    static final int BLOCK = 4096;
    static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    @BeforeAll
    static void available() {
        TestEngines.assumeAvailable(Engine.KAIO);
    }

    static IoContext open(int capacity) throws IOException {
        return IoContext.builder().engine(Engine.KAIO).capacity(capacity).open();
    }

    /** A file of {@code blocks} 4 KiB blocks, each filled with its block number (a long). */
    Path patterned(String name, int blocks) throws IOException {
        return TestFiles.blockNumbered(dir.resolve(name), blocks);
    }

    /** Writes the file's pages back and drops them from the page cache. */
    static void dropCache(Path p) {
        int fd = LibC.open(p.toString(), LibC.O_RDONLY, 0);
        assertTrue(fd >= 0);
        try {
            assertEquals(0, LibC.fsync(fd));
            assertEquals(0, Fadvise.fadvise(fd, 0, 0, Fadvise.POSIX_FADV_DONTNEED));
        } finally {
            LibC.close(fd);
        }
    }

    @Test
    void capabilityReport() throws IOException {
        try (IoContext ctx = open(8)) {
            EngineInfo info = ctx.engineInfo();
            assertEquals(Engine.KAIO, ctx.engine());
            assertEquals("kernel nowait, else worker", info.operations().get(Opcode.PREAD));
            assertEquals("kernel, async", info.operations().get(Opcode.FSYNC));
            assertEquals("inline", info.operations().get(Opcode.NOOP));
            assertFalse(info.flags().contains(RequestFlag.HIPRI), "native AIO ignores HIPRI: must not claim it");
            assertTrue(info.features().stream().anyMatch(f -> f.contains("user-mapped ring")), info.features().toString());
            assertThrows(jaio.InvalidRequestException.class,
                    () -> ctx.submit(Request.noop().flag(RequestFlag.HIPRI)));
        }
    }

    @Test
    void bufferedWriteThenVectoredReadWithFlagsAndPriority() throws IOException {
        Path p = dir.resolve("rw");
        try (IoContext ctx = open(16);
             IoFile f = IoFile.open(p, StandardOpenOption.READ, StandardOpenOption.WRITE, StandardOpenOption.CREATE)) {
            MemorySegment src = IoBuffers.allocate(3 * BLOCK);
            for (int i = 0; i < src.byteSize(); i++) {
                src.set(ValueLayout.JAVA_BYTE, i, (byte) (i * 7));
            }
            Request w = Request.pwrite(f, src, 0).flag(RequestFlag.DSYNC).priority(3).userData(1);
            assertEquals(1, ctx.submit(w));
            Event e = takeOne(ctx, WAIT);
            assertEquals(3 * BLOCK, e.result(), e.toString());
            MemorySegment[] dst = {IoBuffers.allocate(100), IoBuffers.allocate(BLOCK), IoBuffers.allocate(3 * BLOCK)};
            Request r = Request.preadv(f, dst, 0).priority(7);
            assertEquals(1, ctx.submit(r));
            e = takeOne(ctx, WAIT);
            assertEquals(3 * BLOCK, e.result(), "short at EOF");
            int k = 0;
            for (MemorySegment d : dst) {
                for (int i = 0; i < d.byteSize() && k < 3 * BLOCK; i++, k++) {
                    assertEquals((byte) (k * 7), d.get(ValueLayout.JAVA_BYTE, i), "byte " + k);
                }
            }
        }
    }

    @Test
    void directReadsGoToTheKernelAndStopAtEndOfFileInOneIteration() throws IOException {
        Path p = patterned("direct", 3);
        try (IoContext ctx = open(8); IoFile f = IoFile.open(p, IoFile.DIRECT)) {
            MemorySegment buf = IoBuffers.forDirectIo(f, 4 * BLOCK);
            Request r = Request.pread(f, buf, 0).priority(5);
            ctx.submit(r);
            assertEquals(3 * BLOCK, takeOne(ctx, WAIT).result());
            assertEquals(2L, buf.get(ValueLayout.JAVA_LONG, 2L * BLOCK));
            assertEquals(0, ctx.stats().retries(), "EOF detected without a second iteration");
            assertEquals(0, ctx.stats().punted());
        }
    }

    @Test
    void uncachedBufferedReadIsPuntedToAWorker() throws IOException {
        Path p = patterned("cold", 64);
        dropCache(p);
        try (IoContext ctx = open(64); IoFile f = IoFile.open(p)) {
            Request[] rs = new Request[32];
            MemorySegment[] bufs = new MemorySegment[rs.length];
            for (int i = 0; i < rs.length; i++) {
                bufs[i] = IoBuffers.allocate(BLOCK);
                rs[i] = Request.pread(f, bufs[i], (long) (i * 2) * BLOCK).userData(i);
            }
            assertEquals(rs.length, ctx.submit(rs));
            Event[] ev = events(rs.length);
            int got = 0;
            while (got < rs.length) {
                int n = ctx.getEvents(1, rs.length, ev, WAIT.toNanos(), TimeUnit.NANOSECONDS);
                for (int i = 0; i < n; i++) {
                    assertEquals(BLOCK, ev[i].result(), ev[i].toString());
                    int k = (int) ev[i].userData();
                    assertEquals(k * 2L, bufs[k].get(ValueLayout.JAVA_LONG, 0), "block contents");
                }
                got += n;
            }
            assertTrue(ctx.stats().punted() > 0, "a cold read must be punted: " + ctx.stats());
        }
    }

    /**
     * Caller-runs: at depth 1, a punted request (a cold read; a buffered write where the file
     * system has no non-blocking buffered writes) runs on the thread that waits for it, not on
     * a worker, once that thread has waited here before; each still has its one right event.
     */
    @Test
    void aThreadThatWaitsAtDepthOneRunsItsPuntedRequestsItself() throws IOException {
        int blocks = 128;
        Path p = patterned("depth1", blocks);
        dropCache(p);
        try (IoContext ctx = open(8); IoFile f = IoFile.open(p, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            MemorySegment buf = IoBuffers.allocate(BLOCK);
            for (int b = 0; b < blocks; b++) {
                // Read a cold block, then write it back with its number plus 1000.
                ctx.submit(Request.pread(f, buf, (long) b * BLOCK).userData(b));
                Event e = takeOne(ctx, WAIT);
                assertEquals(BLOCK, e.result(), e.toString());
                assertEquals(b, e.userData());
                assertEquals(b, buf.get(ValueLayout.JAVA_LONG, 0), "block contents");
                buf.set(ValueLayout.JAVA_LONG, 0, 1000L + b);
                ctx.submit(Request.pwrite(f, buf, (long) b * BLOCK).userData(blocks + b));
                e = takeOne(ctx, WAIT);
                assertEquals(BLOCK, e.result(), e.toString());
                assertEquals(blocks + b, e.userData());
            }
            jaio.ContextStats s = ctx.stats();
            assertEquals(2L * blocks, s.completed(), s.toString());
            assumeTrue(s.punted() > 0, "nothing was punted (the reads were cached after all, and the file system "
                    + "takes non-blocking buffered writes): no request for a worker or the waiter");
            // The first ones may go to a worker (the thread has not waited yet, nobody watches).
            assertTrue(s.callerRuns() >= s.punted() / 2, "the waiting thread ran most punted requests: " + s);
        }
        byte[] all = Files.readAllBytes(p);
        java.nio.ByteBuffer bb = java.nio.ByteBuffer.wrap(all).order(java.nio.ByteOrder.nativeOrder());
        for (int b = 0; b < blocks; b++) {
            assertEquals(1000L + b, bb.getLong(b * BLOCK), "block " + b + " as written");
        }
    }

    /**
     * Close races with a waiting thread that runs a punted write itself (8 MiB, buffered): the
     * waiter leaves, having seen either the close or the write's one event, in every round.
     */
    @Test
    void closeWhileAWaiterRunsAPuntedWrite() throws Exception {
        int big = 8 << 20;
        Path p = dir.resolve("big-write.dat");
        Files.write(p, new byte[big]);
        for (int round = 0; round < 10; round++) {
            IoContext ctx = open(8);
            try (IoFile f = IoFile.open(p, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                MemorySegment small = IoBuffers.allocate(BLOCK);
                MemorySegment large = IoBuffers.allocate(big);
                CloseRace.closeWhileWaiting(ctx, ready -> {
                    // Depth 1 for a while: this thread's punts then wait for it.
                    for (int i = 0; i < 50; i++) {
                        ctx.submit(Request.pwrite(f, small, (long) i * BLOCK));
                        takeOne(ctx, WAIT);
                    }
                    ctx.submit(Request.pwrite(f, large, 0));
                    ready.run();
                    return takeOne(ctx, WAIT).result();
                }, big, round % 2 == 1, WAIT);
            } finally {
                ctx.close();
            }
        }
    }

    @Test
    void aPartlyCachedReadIsContinuedWithoutBlockingThenPunted() throws IOException {
        Path p = patterned("partly", 8);
        // As above: the kernel's readahead may cache the whole file before the read looks,
        // and then there is nothing to continue; try a few times.
        boolean continued = false;
        for (int attempt = 0; attempt < 8 && !continued; attempt++) {
            dropCache(p);
            // Bring block 0 alone into the page cache (no readahead on this descriptor).
            int fd = LibC.open(p.toString(), LibC.O_RDONLY, 0);
            try (java.lang.foreign.Arena a = java.lang.foreign.Arena.ofConfined()) {
                assertEquals(0, Fadvise.fadvise(fd, 0, 0, Fadvise.POSIX_FADV_RANDOM));
                assertEquals(BLOCK, LibC.pread(fd, a.allocate(BLOCK), BLOCK, 0));
            } finally {
                LibC.close(fd);
            }
            try (IoContext ctx = open(8); IoFile f = IoFile.open(p)) {
                MemorySegment buf = IoBuffers.allocate(8 * BLOCK);
                ctx.submit(Request.pread(f, buf, 0));
                assertEquals(8 * BLOCK, takeOne(ctx, WAIT).result());
                for (int b = 0; b < 8; b++) {
                    assertEquals(b, buf.get(ValueLayout.JAVA_LONG, (long) b * BLOCK));
                }
                // RWF_NOWAIT returns the cached block 0 alone; the rest is continued (without
                // blocking, as far as the kernel's own readahead got meanwhile) and what would
                // still block goes to a worker, once.
                assertTrue(ctx.stats().punted() <= 1, ctx.stats().toString());
                continued = ctx.stats().retries() >= 1;
            }
        }
        assumeTrue(continued, "the kernel's readahead cached the whole file every time: nothing was continued");
    }

    @Test
    void anIocbTheKernelRefusesGetsItsErrorAsItsEventAndTheBatchGoesOn() throws IOException {
        Path p = patterned("good", 4);
        Path sub = Files.createDirectory(dir.resolve("sub"));
        try (IoContext ctx = open(8); IoFile f = IoFile.open(p); IoFile d = IoFile.open(sub)) {
            // A directory has no read_iter: io_submit refuses that iocb with EINVAL.
            Request[] batch = {
                Request.pread(f, IoBuffers.allocate(BLOCK), 0).userData(0),
                Request.pread(d, IoBuffers.allocate(BLOCK), 0).userData(1),
                Request.pread(f, IoBuffers.allocate(BLOCK), BLOCK).userData(2),
            };
            assertEquals(3, ctx.submit(batch));
            long[] res = new long[3];
            for (int i = 0; i < 3; i++) {
                Event e = takeOne(ctx, WAIT);
                res[(int) e.userData()] = e.result();
            }
            assertEquals(BLOCK, res[0]);
            assertTrue(res[1] == -Errno.EINVAL || res[1] == -Errno.EISDIR, "refused: " + res[1]);
            assertEquals(BLOCK, res[2]);
        }
    }

    @Test
    void probeReasonsNameTheUsualCauses() {
        assertTrue(KaioProbe.hint(-Errno.ENOSYS).contains("CONFIG_AIO"));
        assertTrue(KaioProbe.hint(-Errno.EAGAIN).contains("aio-max-nr"));
        assertTrue(KaioProbe.hint(-Errno.EPERM).contains("seccomp"));
    }

    @Test
    void aUserNowaitReadIsNeverPunted() throws IOException {
        Path p = patterned("nowait", 8);
        // A page just dropped is a miss for RWF_NOWAIT unless the kernel's readahead brought
        // it back first, which a loaded machine sometimes does: try a few times, and never punt.
        boolean sawEagain = false;
        for (int attempt = 0; attempt < 8 && !sawEagain; attempt++) {
            dropCache(p);
            try (IoContext ctx = open(8); IoFile f = IoFile.open(p)) {
                MemorySegment buf = IoBuffers.allocate(BLOCK);
                ctx.submit(Request.pread(f, buf, BLOCK).flag(RequestFlag.NOWAIT));
                Event e = takeOne(ctx, WAIT);
                assertEquals(0, ctx.stats().punted(), "a NOWAIT read is never punted: " + e);
                if (e.result() == -Errno.EAGAIN) {
                    sawEagain = true;
                } else {
                    assertEquals(BLOCK, e.result(), "served from the cache: " + e);
                    assertEquals(1, buf.get(ValueLayout.JAVA_LONG, 0));
                }
            }
        }
        assumeTrue(sawEagain, "the kernel served every just-dropped page (readahead): the EAGAIN path did not run");
    }

    @Test
    void pollOnAPipeCompletesWhenDataArrives() throws IOException {
        IoFile[] pipe = IoFile.pipe();
        try (IoContext ctx = open(8); IoFile rd = pipe[0]; IoFile wr = pipe[1]) {
            Request poll = Request.poll(rd, Poll.IN).userData(42);
            ctx.submit(poll);
            Event[] ev = events(1);
            assertEquals(0, ctx.getEvents(0, ev), "nothing to read yet");
            assertEquals(0, ctx.getEvents(1, 1, ev, 50, TimeUnit.MILLISECONDS));
            Request w = Request.pwrite(wr, IoBuffers.allocate(5), 0).userData(7);
            ctx.submit(w);
            Event[] two = events(2);
            int n = ctx.getEvents(2, 2, two, WAIT.toNanos(), TimeUnit.NANOSECONDS);
            assertEquals(2, n);
            for (Event e : two) {
                if (e.userData() == 42) {
                    assertTrue((e.result() & Poll.IN) != 0, e.toString());
                } else {
                    assertEquals(5, e.result(), e.toString());
                }
            }
        }
    }

    @Test
    void cancellingAPollCompletesItWithEcanceled() throws IOException {
        IoFile[] pipe = IoFile.pipe();
        try (IoContext ctx = open(8); IoFile rd = pipe[0]; IoFile wr = pipe[1]) {
            assertTrue(wr.isOpen(), "no writer writes: the poll can only be cancelled");
            Request poll = Request.poll(rd, Poll.IN);
            ctx.submit(poll);
            assertEquals(CancelResult.CANCELED, ctx.cancel(poll));
            Event e = ctx.await(poll, WAIT);
            assertNotNull(e);
            assertEquals(-Errno.ECANCELED, e.result(), e.toString());
            assertEquals(CancelResult.ALREADY_DONE, ctx.cancel(poll));
        }
    }

    @Test
    void aRequestWaitingForAWorkerIsCancelledThere() throws IOException {
        Path p = patterned("queue", 4096);
        dropCache(p);
        try (IoContext ctx = IoContext.builder().engine(Engine.KAIO).capacity(32).workerThreads(1).open();
             IoFile f = IoFile.open(p)) {
            // Cold 1 MiB reads: each comes back EAGAIN and goes to the only worker, so all
            // but the first wait in its queue for a while.
            Request[] rs = new Request[16];
            for (int i = 0; i < rs.length; i++) {
                rs[i] = Request.pread(f, IoBuffers.allocate(1 << 20), (long) i << 20).userData(i);
            }
            assertEquals(rs.length, ctx.submit(rs));
            int cancelled = 0;
            for (int i = rs.length - 1; i >= rs.length / 2; i--) {
                if (ctx.cancel(rs[i]) == CancelResult.CANCELED) {
                    cancelled++;
                }
            }
            assertTrue(cancelled > 0, "the last reads should still be queued");
            int ecanceled = 0;
            for (Request r : rs) {
                Event e = ctx.await(r, WAIT);
                if (e.result() == -Errno.ECANCELED) {
                    ecanceled++;
                    assertEquals(0, e.result2(), "nothing was transferred");
                } else {
                    assertEquals(1 << 20, e.result(), e.toString());
                }
            }
            assertEquals(cancelled, ecanceled, "CANCELED exactly when the event says ECANCELED");
            assertEquals(ecanceled, ctx.stats().canceled());
            assertEquals(rs.length, ctx.stats().punted());
        }
    }

    @Test
    void aReadOfAnEmptyPipeWaitsInTheKernelHoldsNoWorkerAndCanBeCancelled() throws IOException {
        IoFile[] pipe = IoFile.pipe();
        try (IoFile rd = pipe[0]; IoFile wr = pipe[1]) {
            try (IoContext ctx = IoContext.builder().engine(Engine.KAIO).capacity(8).workerThreads(1).open()) {
                Request a = Request.pread(rd, IoBuffers.allocate(4), 0).userData(1);
                Request b = Request.pread(rd, IoBuffers.allocate(4), 0).userData(2);
                ctx.submit(a, b);
                assertEquals(CancelResult.CANCELED, ctx.cancel(b));
                assertEquals(-Errno.ECANCELED, ctx.await(b, WAIT).result());
                Request w = Request.pwrite(wr, IoBuffers.allocate(4), 0);
                ctx.submit(w);
                assertEquals(4, ctx.await(w, WAIT).result());
                assertEquals(4, ctx.await(a, WAIT).result());
                assertEquals(0, ctx.stats().punted(), "nothing blocked a worker");
                // A read still waiting when the context closes does not hold close up.
                ctx.submit(Request.pread(rd, IoBuffers.allocate(4), 0));
            }
        }
    }

    @Test
    void notifyEventFdIsSignalledOncePerCompletion() throws IOException {
        Path warm = patterned("warm", 16);
        Path cold = patterned("coldn", 16);
        Path direct = patterned("directn", 3);
        dropCache(cold);
        IoFile[] pipe = IoFile.pipe();
        try (IoFile efd = IoFile.eventFd();
             IoContext ctx = IoContext.builder().engine(Engine.KAIO).capacity(64).notifyEventFd(efd).open();
             IoFile fw = IoFile.open(warm, StandardOpenOption.READ, StandardOpenOption.WRITE);
             IoFile fc = IoFile.open(cold);
             IoFile fd = IoFile.open(direct, IoFile.DIRECT, StandardOpenOption.READ, StandardOpenOption.WRITE);
             IoFile rd = pipe[0]; IoFile wr = pipe[1]) {
            assertTrue(ctx.engineInfo().features().stream().anyMatch(f -> f.contains("RESFD")));
            int expected = 0;
            Event[] ev = events(64);
            for (int round = 0; round < 3; round++) {
                Request[] batch = {
                    Request.pread(fw, IoBuffers.allocate(BLOCK), 0),                       // page-cache hit
                    Request.pread(fw, IoBuffers.allocate(3 * BLOCK), 14L * BLOCK),         // short at EOF
                    Request.pread(fc, IoBuffers.allocate(BLOCK), (long) round * BLOCK),     // punted
                    Request.pwrite(fw, IoBuffers.allocate(BLOCK), 16L * BLOCK),            // ext4: worker
                    Request.pread(fd, IoBuffers.forDirectIo(fd, 4 * BLOCK), 0),            // direct, EOF
                    Request.pread(fd, IoBuffers.forDirectIo(fd, BLOCK), BLOCK),            // direct
                    Request.noop(),
                    Request.fsync(fd),
                    Request.fdsync(fw),
                };
                assertEquals(batch.length, ctx.submit(batch));
                expected += batch.length;
                Request poll = Request.poll(rd, Poll.IN);
                Request cancelled = Request.poll(rd, Poll.IN);
                ctx.submit(poll, cancelled);
                ctx.cancel(cancelled);
                // A read of the empty pipe waits for readiness in the kernel, then runs.
                Request early = Request.pread(rd, IoBuffers.allocate(1), 0);
                ctx.submit(early);
                Request w = Request.pwrite(wr, IoBuffers.allocate(2), 0);
                ctx.submit(w);
                Request drain = Request.pread(rd, IoBuffers.allocate(1), 0);
                expected += 5;
                int got = 0;
                while (got < batch.length + 4) {
                    got += ctx.getEvents(1, ev.length, ev, WAIT.toNanos(), TimeUnit.NANOSECONDS);
                }
                ctx.submit(drain);
                takeOne(ctx, WAIT);
            }
            assertEquals(0, ctx.stats().inFlight());
            assertEquals(expected, ctx.stats().completed());
            assertEquals(expected, efd.readCounter(), "eventfd count vs completions " + ctx.stats());
        }
    }

    @Test
    void aNoopWakesAWaiterBlockedInTheKernel() throws Exception {
        IoFile[] pipe = IoFile.pipe();
        try (IoContext ctx = open(8); IoFile rd = pipe[0]; IoFile wr = pipe[1]) {
            assertTrue(wr.isOpen(), "no writer writes: the poll keeps the waiter in the kernel");
            ctx.submit(Request.poll(rd, Poll.IN));
            Event[] ev = events(1);
            Thread waiter = Thread.ofPlatform().start(() -> ctx.getEvents(1, 1, ev, 20, TimeUnit.SECONDS));
            Thread.sleep(100);
            long t0 = System.nanoTime();
            Request noop = Request.noop().userData(9);
            ctx.submit(noop);
            waiter.join(5000);
            assertFalse(waiter.isAlive(), "the waiter in io_getevents was not woken by a NOOP");
            assertTrue(System.nanoTime() - t0 < 5_000_000_000L);
            assertEquals(9, ev[0].userData());
        }
    }

    @Test
    void wakeupReachesALeaderWaitingForManyWhenAWaiterForOneArrives() throws Exception {
        IoFile[] slow = IoFile.pipe();
        IoFile[] fast = IoFile.pipe();
        int n = 4;
        try (IoContext ctx = open(32); IoContext aux = open(8);
             IoFile sr = slow[0]; IoFile sw = slow[1]; IoFile fr = fast[0]; IoFile fw = fast[1]) {
            java.util.SplittableRandom rnd = new java.util.SplittableRandom(5);
            for (int iter = 0; iter < 200; iter++) {
                Request[] polls = new Request[n];
                for (int i = 0; i < n; i++) {
                    polls[i] = Request.poll(sr, Poll.IN).userData(100 + i);
                }
                ctx.submit(polls);
                Event[] evA = events(n);
                int[] gotA = new int[1];
                Thread a = Thread.ofPlatform().start(() -> gotA[0] = ctx.getEvents(n, n, evA, 30, TimeUnit.SECONDS));
                long pause = rnd.nextLong(300_000);
                if (pause > 0) {
                    java.util.concurrent.locks.LockSupport.parkNanos(pause);
                }
                Request mine;
                if ((iter & 1) == 0) {
                    // A POLL that is ready: its event reaches the kernel wait of the leader.
                    writeOne(aux, fw);
                    mine = Request.poll(fr, Poll.IN).userData(1);
                } else {
                    // A NOOP: completed outside the kernel.
                    mine = Request.noop().userData(1);
                }
                ctx.submit(mine);
                Event[] evB = events(1);
                long t0 = System.nanoTime();
                assertEquals(1, ctx.getEvents(1, 1, evB, 10, TimeUnit.SECONDS), "iteration " + iter);
                assertTrue(System.nanoTime() - t0 < 5_000_000_000L, "slow wakeup at iteration " + iter);
                assertEquals(1, evB[0].userData());
                assertTrue(a.isAlive() || gotA[0] == 0, "the leader cannot have its " + n + " yet");
                writeOne(aux, sw);
                a.join(10_000);
                assertFalse(a.isAlive());
                assertEquals(n, gotA[0], "iteration " + iter);
                readOne(aux, sr);
                if ((iter & 1) == 0) {
                    readOne(aux, fr);
                }
            }
        }
    }

    private static void writeOne(IoContext aux, IoFile f) {
        Request w = Request.pwrite(f, IoBuffers.allocate(1), 0);
        assertEquals(1, aux.submit(w), aux.stats().toString());
        Event e = aux.await(w, WAIT);
        assertEquals(1, e.result(), e.toString());
    }

    private static void readOne(IoContext aux, IoFile f) {
        Request r = Request.pread(f, IoBuffers.allocate(1), 0);
        assertEquals(1, aux.submit(r), aux.stats().toString());
        Event e = aux.await(r, WAIT);
        assertEquals(1, e.result(), e.toString());
    }

    @Test
    void aSmallContextUnderSustainedLoadNeverHangs() throws IOException {
        Path p = patterned("load", 32);
        try (IoContext ctx = open(4); IoFile f = IoFile.open(p)) {
            Request[] rs = new Request[16];
            for (int i = 0; i < rs.length; i++) {
                rs[i] = Request.pread(f, IoBuffers.allocate(BLOCK), (long) (i % 32) * BLOCK);
            }
            Event[] ev = events(4);
            int submitted = 0;
            int reaped = 0;
            int next = 0;
            Set<Request> inFlight = new HashSet<>();
            while (reaped < 5000) {
                while (submitted - reaped < 16 && submitted < 5000) {
                    Request r = rs[next];
                    if (inFlight.contains(r)) {
                        break;
                    }
                    if (ctx.submit(r) == 0) {
                        break;
                    }
                    inFlight.add(r);
                    next = (next + 1) % rs.length;
                    submitted++;
                }
                int n = ctx.getEvents(1, 4, ev, WAIT.toNanos(), TimeUnit.NANOSECONDS);
                assertTrue(n > 0);
                for (int i = 0; i < n; i++) {
                    assertEquals(BLOCK, ev[i].result());
                    inFlight.remove(ev[i].request());
                }
                reaped += n;
            }
            assertTrue(ctx.stats().eagain() > 0, "the context's room (4) must have refused some");
        }
    }

    @Test
    void growingPastTheKernelRingQueuesTheRestUntilEventsFreeRoom() throws IOException {
        IoFile[] pipe = IoFile.pipe();
        try (IoContext ctx = open(8); IoFile rd = pipe[0]; IoFile wr = pipe[1]) {
            ctx.resize(400);
            Request[] polls = new Request[399];
            for (int i = 0; i < polls.length; i++) {
                polls[i] = Request.poll(rd, Poll.IN).userData(i);
            }
            assertEquals(polls.length, ctx.submit(polls), "the context has room for them all");
            Request w = Request.pwrite(wr, IoBuffers.allocate(1), 0).userData(-1);
            assertEquals(1, ctx.submit(w));
            Event[] ev = events(64);
            boolean[] seen = new boolean[polls.length];
            int got = 0;
            while (got < polls.length + 1) {
                int n = ctx.getEvents(1, ev.length, ev, WAIT.toNanos(), TimeUnit.NANOSECONDS);
                assertTrue(n > 0, "stuck after " + got);
                for (int i = 0; i < n; i++) {
                    if (ev[i].userData() >= 0) {
                        assertFalse(seen[(int) ev[i].userData()]);
                        seen[(int) ev[i].userData()] = true;
                        assertTrue((ev[i].result() & Poll.IN) != 0, ev[i].toString());
                    }
                }
                got += n;
            }
        }
    }

    @Test
    void useAfterCloseIsRefusedAndCloseWaitsForRequestsInFlight() throws IOException {
        Path p = patterned("inflight", 64);
        dropCache(p);
        IoFile[] pipe = IoFile.pipe();
        IoContext ctx = open(64);
        try (IoFile f = IoFile.open(p); IoFile d = IoFile.open(p, IoFile.DIRECT); IoFile rd = pipe[0]; IoFile wr = pipe[1]) {
            for (int i = 0; i < 16; i++) {
                ctx.submit(Request.pread(f, IoBuffers.allocate(BLOCK), (long) i * BLOCK));
                ctx.submit(Request.pread(d, IoBuffers.forDirectIo(d, BLOCK), (long) (i + 16) * BLOCK));
            }
            Request poll = Request.poll(rd, Poll.IN);
            ctx.submit(poll);
            // A read of the pipe nobody writes to (wr stays silent) waits for readiness.
            assertTrue(wr.isOpen());
            ctx.submit(Request.pread(rd, IoBuffers.allocate(1), 0));
            long t0 = System.nanoTime();
            ctx.close();
            assertTrue(System.nanoTime() - t0 < 10_000_000_000L);
            assertEquals(0, ctx.stats().inFlight());
            assertFalse(ctx.isOpen());
            ctx.close();
            assertThrows(IllegalStateException.class, () -> ctx.submit(Request.noop()));
            assertThrows(IllegalStateException.class, () -> ctx.getEvents(0, events(1)));
            assertThrows(IllegalStateException.class, () -> ctx.cancel(poll));
        }
    }

    @Test
    void manyContextsOpenAndCloseWithoutLeaking() throws IOException {
        // The process's own rings, not fs.aio-nr: that one counts every process on the machine.
        // Drained contexts are parked for the next open (KaioContextPool): start with none.
        KaioContextPool.destroyAll();
        long before = aioRings();
        for (int i = 0; i < 40; i++) {
            try (IoContext ctx = open(16)) {
                assertTrue(aioRings() > before, "an open context has its ring mapped");
                ctx.submit(Request.noop());
                takeOne(ctx, WAIT);
            }
        }
        assertEquals(1, KaioContextPool.parked(), "one context at a time: the same one came back each time");
        assertEquals(before + 1, aioRings(), "only the parked context's ring is still mapped");
        KaioContextPool.destroyAll();
        assertEquals(before, aioRings(), "every context's ring was destroyed");
    }

    /**
     * The documented exception to "one signal per completion": a pipe read that has to wait
     * for readiness twice (another reader took the data the first readiness announced) is
     * signalled once per readiness wait, so twice for its one completion. Never fewer: the
     * first signal is what makes an eventfd-only loop come and retry the read.
     */
    @Test
    void aPipeReadThatWaitsForReadinessTwiceIsSignalledTwice() throws Exception {
        IoFile[] pipe = IoFile.pipe();
        try (IoFile efd = IoFile.eventFd();
             IoContext ctx = IoContext.builder().engine(Engine.KAIO).capacity(8).notifyEventFd(efd).open();
             IoContext aux = open(8);
             IoFile rd = pipe[0]; IoFile wr = pipe[1]) {
            Request read = Request.pread(rd, IoBuffers.allocate(1), 0).userData(5);
            ctx.submit(read);
            assertEquals(0, efd.readCounter(), "waiting for readiness in the kernel, nothing signalled");
            writeOne(aux, wr);
            long signals = awaitSignal(efd);
            assertEquals(1, signals, "the readiness poll's RESFD");
            readOne(aux, rd); // another reader takes the byte before this context looks
            Event[] ev = events(1);
            assertEquals(0, ctx.getEvents(0, ev), "the retried read found the pipe empty and waits again");
            writeOne(aux, wr);
            signals += awaitSignal(efd);
            assertEquals(1, ctx.getEvents(1, 1, ev, WAIT.toNanos(), TimeUnit.NANOSECONDS));
            assertEquals(5, ev[0].userData());
            assertEquals(1, ev[0].result());
            Thread.sleep(20);
            signals += efd.readCounter();
            assertEquals(2, signals, "one signal per readiness wait: two for this one completion");
            assertEquals(1, ctx.stats().completed());
        }
    }

    private static long awaitSignal(IoFile efd) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            long n = efd.readCounter();
            if (n > 0) {
                return n;
            }
            Thread.sleep(1);
        }
        throw new AssertionError("no signal within " + WAIT);
    }

    /** The kernel cancels only POLL: a transfer or sync it is running says so, and completes. */
    @Test
    void aRequestTheKernelIsRunningIsNotCancelled() throws IOException {
        Path p = patterned("running", 1024);
        dropCache(p);
        try (IoContext ctx = open(8); IoFile d = IoFile.open(p, IoFile.DIRECT, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            Request big = Request.pread(d, IoBuffers.forDirectIo(d, 4 << 20), 0).userData(1);
            Request sync = Request.fsync(d).userData(2);
            assertEquals(2, ctx.submit(big, sync));
            for (Request r : new Request[] {big, sync}) {
                CancelResult c = ctx.cancel(r);
                assertTrue(c == CancelResult.NOT_CANCELED || c == CancelResult.ALREADY_DONE, r + ": " + c);
            }
            assertEquals(4 << 20, ctx.await(big, WAIT).result(), "the read ran to its end");
            assertEquals(0, ctx.await(sync, WAIT).result());
            assertEquals(0, ctx.stats().canceled());
        }
    }

    /**
     * A sync submitted while nothing else of the context is in flight goes to the punt pool,
     * where the thread that waits for it runs fsync(2) itself (the kernel's aio fsync would add a
     * workqueue hand-off each way); one submitted while a POLL waits in the kernel goes to the
     * kernel. Both complete with 0, and the file's bytes are durable.
     */
    @Test
    void aSyncAtDepthOneRunsOnTheWaitingThreadAndAtDepthInTheKernel() throws IOException {
        Path p = patterned("sync-depth", 16);
        IoFile[] pipe = IoFile.pipe();
        try (IoContext ctx = open(8); IoFile f = IoFile.open(p, StandardOpenOption.READ, StandardOpenOption.WRITE);
             IoFile rd = pipe[0]; IoFile wr = pipe[1]) {
            MemorySegment buf = IoBuffers.allocate(BLOCK);
            ctx.submit(Request.pwrite(f, buf, 0));
            assertEquals(BLOCK, takeOne(ctx, WAIT).result());
            long punted = ctx.stats().punted();
            for (int i = 0; i < 8; i++) {
                Request sync = i % 2 == 0 ? Request.fsync(f) : Request.fdsync(f);
                ctx.submit(sync);
                assertEquals(0, ctx.await(sync, WAIT).result(), "sync " + i);
            }
            jaio.ContextStats s = ctx.stats();
            assertEquals(punted + 8, s.punted(), "every sync went to the punt pool: " + s);
            assertTrue(s.callerRuns() >= 1, "the waiting thread ran one: " + s);
            // A POLL nobody answers waits in the kernel: the next sync has company there.
            assertTrue(wr.isOpen());
            Request poll = Request.poll(rd, Poll.IN);
            ctx.submit(poll);
            Request sync = Request.fsync(f);
            ctx.submit(sync);
            assertEquals(0, ctx.await(sync, WAIT).result());
            assertEquals(s.punted(), ctx.stats().punted(), "the sync at depth went to the kernel: " + ctx.stats());
            assertEquals(CancelResult.CANCELED, ctx.cancel(poll));
            assertEquals(-Errno.ECANCELED, ctx.await(poll, WAIT).result());
        }
    }

    /** O8: DSYNC and SYNC writes reach the kernel (RWF_DSYNC, RWF_SYNC), direct and buffered. */
    @Test
    void syncFlagsOnDirectAndBufferedWrites() throws IOException {
        Path p = patterned("syncflags", 8);
        try (IoContext ctx = open(8);
             IoFile b = IoFile.open(p, StandardOpenOption.READ, StandardOpenOption.WRITE);
             IoFile d = IoFile.open(p, IoFile.DIRECT, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            int k = 0;
            for (RequestFlag flag : new RequestFlag[] {RequestFlag.DSYNC, RequestFlag.SYNC}) {
                for (IoFile f : new IoFile[] {b, d}) {
                    MemorySegment src = IoBuffers.forDirectIo(d, BLOCK);
                    src.fill((byte) (k + 1));
                    Request w = Request.pwrite(f, src, (long) k * BLOCK).flag(flag).userData(k);
                    assertEquals(1, ctx.submit(w));
                    Event e = ctx.await(w, WAIT);
                    assertEquals(BLOCK, e.result(), flag + " on " + f + ": " + e);
                    k++;
                }
            }
            byte[] disk = Files.readAllBytes(p);
            for (int i = 0; i < k; i++) {
                assertEquals((byte) (i + 1), disk[i * BLOCK], "block " + i);
            }
        }
    }
}
