package jaio.nio;

import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.SYNC;
import static java.nio.file.StandardOpenOption.TRUNCATE_EXISTING;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.CompletionHandler;
import java.nio.channels.FileLock;
import java.nio.channels.NonReadableChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import jaio.Engine;
import jaio.IoContext;
import jaio.testkit.TestEngines;
import jaio.testkit.TestFiles;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * J2 on one engine: jaio's AsynchronousFileChannel against the behaviours the JDK's own test
 * suite (test/jdk/java/nio/channels/AsynchronousFileChannel) checks. A thin subclass per engine.
 */
@Timeout(90)
abstract class AfcConformanceTest {
    private static final Random RND = new Random();
    @TempDir
    Path dir;
    IoContext ctx;
    Arena shared;

    protected abstract Engine engine();

    @BeforeEach
    void open() throws IOException {
        TestEngines.assumeAvailable(engine());
        ctx = IoContext.builder().capacity(16).engine(engine()).selfReaping().name("afc-" + engine().shortName()).open();
        shared = Arena.ofShared();
    }

    @AfterEach
    void close() {
        if (ctx != null) {
            ctx.close();
            shared.close();
        }
    }

    AsynchronousFileChannel open(Path p, java.nio.file.OpenOption... o) throws IOException {
        return JaioAsynchronousFileChannel.open(ctx, p, Set.of(o), null);
    }

    /** Every buffer kind, holding {@code n} bytes between position and limit. */
    List<ByteBuffer> kinds(int n) {
        List<ByteBuffer> l = new ArrayList<>();
        l.add(ByteBuffer.allocate(n));
        l.add(ByteBuffer.allocateDirect(n));
        l.add(ByteBuffer.wrap(new byte[n + 100], 37, n));
        l.add(ByteBuffer.allocate(n + 64).position(16).limit(16 + n).slice());
        l.add(ByteBuffer.allocateDirect(n + 64).position(40).limit(40 + n));
        l.add(Arena.global().allocate(n).asByteBuffer());
        l.add(Arena.ofAuto().allocate(n).asByteBuffer());
        l.add(shared.allocate(n).asByteBuffer());
        return l;
    }

    @Test
    void everyBufferKindWithFuturesAndHandlers() throws Exception {
        Path p = dir.resolve("k.dat");
        int n = 1000 + RND.nextInt(9000);
        try (AsynchronousFileChannel ch = open(p, CREATE, READ, WRITE)) {
            int kind = 0;
            for (ByteBuffer src : kinds(n)) {
                long at = kind * 20000L;
                TestFiles.fill(src.duplicate(), at, kind);
                int pos = src.position(), lim = src.limit();
                boolean handler = kind % 2 == 0;
                int wrote = handler ? viaHandler(ch, src, at, false) : ch.write(src, at).get(10, TimeUnit.SECONDS);
                assertEquals(n, wrote, "kind " + kind);
                assertEquals(pos + n, src.position(), "write moved the position, kind " + kind);
                assertEquals(lim, src.limit(), "limit kept, kind " + kind);
                kind++;
            }
            kind = 0;
            for (ByteBuffer dst : kinds(n)) {
                long at = kind * 20000L;
                int pos = dst.position(), lim = dst.limit();
                boolean handler = kind % 2 == 1;
                int read = handler ? viaHandler(ch, dst, at, true) : ch.read(dst, at).get(10, TimeUnit.SECONDS);
                assertEquals(n, read, "kind " + kind);
                assertEquals(pos + n, dst.position(), "read moved the position, kind " + kind);
                assertEquals(lim, dst.limit());
                ByteBuffer want = ByteBuffer.allocate(n);
                TestFiles.fill(want, at, kind);
                assertArrayEquals(TestFiles.bytes(want.clear()), TestFiles.bytes(dst.flip().position(pos)), "kind " + kind);
                kind++;
            }
            // A read-only buffer may be written from.
            ByteBuffer ro = ByteBuffer.wrap(new byte[] {9, 8, 7}).asReadOnlyBuffer();
            assertEquals(3, ch.write(ro, 0).get());
        }
    }

    /**
     * A confined arena's buffer: the JDK's own channel never completes such a read (its pool
     * thread cannot touch the buffer; JDK 25 leaves the Future pending). jaio refuses the read
     * at the call, naming the reason, and copies a write on the calling thread.
     */
    @Test
    void confinedArenaBuffers() throws Exception {
        Path p = TestFiles.patterned(dir, "conf.dat", 100);
        try (Arena confined = Arena.ofConfined(); AsynchronousFileChannel ch = open(p, READ, WRITE)) {
            ByteBuffer b = confined.allocate(10).asByteBuffer();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ch.read(b, 0));
            assertTrue(e.getMessage().contains("confined"), e.getMessage());
            b.put(0, (byte) 42);
            assertEquals(10, ch.write(b, 0).get(10, TimeUnit.SECONDS));
            assertEquals(42, Files.readAllBytes(p)[0]);
        }
    }

    private static int viaHandler(AsynchronousFileChannel ch, ByteBuffer b, long at, boolean read) throws Exception {
        CompletableFuture<Integer> r = new CompletableFuture<>();
        CompletionHandler<Integer, String> h = new CompletionHandler<>() {
            @Override
            public void completed(Integer result, String att) {
                assertEquals("att", att);
                r.complete(result);
            }

            @Override
            public void failed(Throwable exc, String att) {
                r.completeExceptionally(exc);
            }
        };
        if (read) {
            ch.read(b, at, "att", h);
        } else {
            ch.write(b, at, "att", h);
        }
        return r.get(10, TimeUnit.SECONDS);
    }

    @Test
    void endOfFileAndEmptyBuffers() throws Exception {
        Path p = TestFiles.patterned(dir, "e.dat", 5000);
        try (AsynchronousFileChannel ch = open(p, READ)) {
            ByteBuffer b = ByteBuffer.allocate(8192);
            assertEquals(5000, ch.read(b, 0).get());
            assertEquals(-1, ch.read(b.clear(), 5000).get());
            assertEquals(-1, ch.read(b.clear(), 1 << 20).get());
            assertEquals(0, ch.read(ByteBuffer.allocate(0), 0).get());
            assertEquals(5000, ch.size());
        }
    }

    @Test
    void argumentsAndModesAreCheckedAtTheCall() throws Exception {
        Path p = TestFiles.patterned(dir, "m.dat", 100);
        try (AsynchronousFileChannel r = open(p, READ); AsynchronousFileChannel w = open(p, WRITE)) {
            assertThrows(IllegalArgumentException.class, () -> r.read(ByteBuffer.allocate(1), -1));
            assertThrows(IllegalArgumentException.class, () -> r.read(ByteBuffer.allocate(1).asReadOnlyBuffer(), 0));
            assertThrows(NonWritableChannelException.class, () -> r.write(ByteBuffer.allocate(1), 0));
            assertThrows(NonReadableChannelException.class, () -> w.read(ByteBuffer.allocate(1), 0));
            assertThrows(IllegalArgumentException.class, () -> w.write(ByteBuffer.allocate(1), -1));
            assertThrows(NullPointerException.class, () -> r.read(ByteBuffer.allocate(1), 0, null, null));
            assertThrows(NonWritableChannelException.class, () -> r.truncate(0));
            assertThrows(NonReadableChannelException.class, () -> w.lock(0, 10, true));
            assertThrows(NonWritableChannelException.class, () -> r.lock(0, 10, false));
        }
    }

    /** The JDK's CustomThreadPool and Basic.testCustomThreadPool: handlers run on the channel's executor. */
    @Test
    void handlersRunOnTheGivenExecutorOrTheDefault() throws Exception {
        Path p = dir.resolve("x.dat");
        List<Thread> made = new ArrayList<>();
        ExecutorService ex = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "custom-pool");
            t.setDaemon(true);
            synchronized (made) {
                made.add(t);
            }
            return t;
        });
        try (AsynchronousFileChannel ch = JaioAsynchronousFileChannel.open(ctx, p, EnumSet.of(CREATE, WRITE), ex)) {
            for (int i = 0; i < 10; i++) {
                AtomicReference<Thread> who = new AtomicReference<>();
                CountDownLatch done = new CountDownLatch(1);
                ch.write(ByteBuffer.allocate(512), 0, null, handler(who, done));
                assertTrue(done.await(10, TimeUnit.SECONDS));
                synchronized (made) {
                    assertTrue(made.contains(who.get()), "handler on " + who.get());
                }
            }
            // An immediate failure (closed channel) goes through the executor too.
            ch.close();
            AtomicReference<Thread> who = new AtomicReference<>();
            CountDownLatch done = new CountDownLatch(1);
            ch.write(ByteBuffer.allocate(512), 0, null, handler(who, done));
            assertTrue(done.await(10, TimeUnit.SECONDS));
            assertEquals("custom-pool", who.get().getName());
        } finally {
            ex.shutdown();
        }
        try (AsynchronousFileChannel ch = open(p, WRITE)) {
            AtomicReference<Thread> who = new AtomicReference<>();
            CountDownLatch done = new CountDownLatch(1);
            ch.write(ByteBuffer.allocate(512), 0, null, handler(who, done));
            assertTrue(done.await(10, TimeUnit.SECONDS));
            assertTrue(who.get().getName().startsWith("jaio-afc-handler-"), who.get().getName());
        }
    }

    @Test
    void handlersOfReadsServedAtOnceRunOnTheExecutorOnceEach() throws Exception {
        Path p = TestFiles.patterned(dir, "hot.dat", 1 << 20);
        List<Thread> made = new ArrayList<>();
        java.util.concurrent.atomic.AtomicInteger thrown = new java.util.concurrent.atomic.AtomicInteger();
        ExecutorService ex = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "custom-pool");
            t.setDaemon(true);
            t.setUncaughtExceptionHandler((th, e) -> thrown.incrementAndGet());
            synchronized (made) {
                made.add(t);
            }
            return t;
        });
        byte[] want = Files.readAllBytes(p);
        try (AsynchronousFileChannel ch = JaioAsynchronousFileChannel.open(ctx, p, EnumSet.of(READ), ex)) {
            // 8 chains of 500 reads each, every handler issuing the next read of its chain.
            int chains = 8;
            int per = 500;
            java.util.concurrent.atomic.AtomicIntegerArray calls = new java.util.concurrent.atomic.AtomicIntegerArray(chains * per);
            CountDownLatch done = new CountDownLatch(chains);
            AtomicReference<Throwable> bad = new AtomicReference<>();
            for (int c = 0; c < chains; c++) {
                int chain = c;
                ByteBuffer b = ByteBuffer.allocateDirect(4096);
                ch.read(b, offset(chain * per), 0, new CompletionHandler<Integer, Integer>() {
                    @Override
                    public void completed(Integer n, Integer i) {
                        calls.incrementAndGet(chain * per + i);
                        synchronized (made) {
                            if (!made.contains(Thread.currentThread())) {
                                bad.compareAndSet(null, new AssertionError("handler on " + Thread.currentThread()));
                            }
                        }
                        long at = offset(chain * per + i);
                        if (n != 4096 || b.position() != 4096 || b.get(0) != want[(int) at] || b.get(4095) != want[(int) at + 4095]) {
                            bad.compareAndSet(null, new AssertionError("read " + i + " of chain " + chain + ": " + n));
                        }
                        if (i == 3 && chain == 0) {
                            throw new IllegalStateException("a handler that throws"); // the chain ends here
                        }
                        if (i + 1 == per) {
                            done.countDown();
                            return;
                        }
                        b.clear();
                        ch.read(b, offset(chain * per + i + 1), i + 1, this);
                    }

                    @Override
                    public void failed(Throwable e, Integer i) {
                        bad.compareAndSet(null, e);
                        done.countDown();
                    }
                });
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (done.getCount() > 1 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertEquals(1, done.getCount(), "every chain but the one whose handler threw ended");
            if (bad.get() != null) {
                throw new AssertionError(bad.get());
            }
            for (int i = 0; i < chains * per; i++) {
                int want1 = i >= 4 && i < per ? 0 : 1;
                assertEquals(want1, calls.get(i), "handler " + i + " runs " + want1 + " time(s)");
            }
            assertEquals(1, thrown.get(), "the throwing handler reached its thread's uncaught-exception handler");
        } finally {
            ex.shutdown();
        }
    }

    @Test
    void anExecutorThatWasShutDownStillGetsEachHandlerRunOnce() throws Exception {
        Path p = TestFiles.patterned(dir, "shut.dat", 64 * 1024);
        ExecutorService ex = Executors.newFixedThreadPool(2);
        ex.shutdown();
        try (AsynchronousFileChannel ch = JaioAsynchronousFileChannel.open(ctx, p, EnumSet.of(READ), ex)) {
            java.util.concurrent.atomic.AtomicInteger runs = new java.util.concurrent.atomic.AtomicInteger();
            CountDownLatch done = new CountDownLatch(4);
            for (ByteBuffer b : new ByteBuffer[] {ByteBuffer.allocateDirect(4096), ByteBuffer.allocate(4096),
                    ByteBuffer.allocateDirect(4096), ByteBuffer.allocate(4096)}) {
                ch.read(b, 0, null, new CompletionHandler<Integer, Void>() {
                    @Override
                    public void completed(Integer n, Void a) {
                        runs.incrementAndGet();
                        done.countDown();
                    }

                    @Override
                    public void failed(Throwable e, Void a) {
                        done.countDown();
                    }
                });
            }
            assertTrue(done.await(10, TimeUnit.SECONDS), "a handler was lost to the refusing executor");
            Thread.sleep(50);
            assertEquals(4, runs.get(), "each handler once, cached (at once) or through a request");
        }
    }

    /** Where read {@code k} of the hot-file test reads: spread over the file, 4 KiB inside it. */
    private static long offset(int k) {
        return k * 4099L % ((1 << 20) - 4096);
    }

    @Test
    void handlersThatWaitForEachOtherBothRun() throws Exception {
        Path p = TestFiles.patterned(dir, "meet.dat", 64 * 1024);
        ExecutorService ex = Executors.newFixedThreadPool(4);
        try (AsynchronousFileChannel ch = JaioAsynchronousFileChannel.open(ctx, p, EnumSet.of(READ), ex)) {
            java.util.concurrent.CyclicBarrier meet = new java.util.concurrent.CyclicBarrier(2);
            CountDownLatch done = new CountDownLatch(2);
            CompletionHandler<Integer, Void> h = new CompletionHandler<>() {
                @Override
                public void completed(Integer n, Void a) {
                    try {
                        meet.await(20, TimeUnit.SECONDS); // the other handler must run meanwhile
                        done.countDown();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }

                @Override
                public void failed(Throwable e, Void a) {
                }
            };
            ch.read(ByteBuffer.allocateDirect(4096), 0, null, h);
            ch.read(ByteBuffer.allocateDirect(4096), 4096, null, h);
            assertTrue(done.await(20, TimeUnit.SECONDS), "a blocked handler held the other");
        } finally {
            ex.shutdown();
        }
    }

    @Test
    void aHandlerBusyOnItsThreadDoesNotHoldTheOthers() throws Exception {
        Path p = TestFiles.patterned(dir, "busy.dat", 64 * 1024);
        ExecutorService ex = Executors.newFixedThreadPool(4);
        try (AsynchronousFileChannel ch = JaioAsynchronousFileChannel.open(ctx, p, EnumSet.of(READ), ex)) {
            java.util.concurrent.atomic.AtomicBoolean otherRan = new java.util.concurrent.atomic.AtomicBoolean();
            CountDownLatch done = new CountDownLatch(2);
            java.util.concurrent.atomic.AtomicInteger first = new java.util.concurrent.atomic.AtomicInteger();
            CompletionHandler<Integer, Void> h = new CompletionHandler<>() {
                @Override
                public void completed(Integer n, Void a) {
                    if (first.getAndIncrement() == 0) {
                        // Busy, never parked or blocked: as a handler inside a long system call looks.
                        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                        while (!otherRan.get() && System.nanoTime() < deadline) {
                            Thread.onSpinWait();
                        }
                    } else {
                        otherRan.set(true);
                    }
                    done.countDown();
                }

                @Override
                public void failed(Throwable e, Void a) {
                }
            };
            ch.read(ByteBuffer.allocateDirect(4096), 0, null, h);
            ch.read(ByteBuffer.allocateDirect(4096), 4096, null, h);
            assertTrue(done.await(30, TimeUnit.SECONDS));
            assertTrue(otherRan.get(), "the second handler waited until the busy one gave up");
        } finally {
            ex.shutdown();
        }
    }

    @Test
    void fastHandlersRunOnAFewDrainersNotOnEveryThreadOfThePool() throws Exception {
        Path p = TestFiles.patterned(dir, "few.dat", 1 << 20);
        java.util.concurrent.atomic.AtomicInteger running = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger peak = new java.util.concurrent.atomic.AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(32);
        try (AsynchronousFileChannel ch = JaioAsynchronousFileChannel.open(ctx, p, EnumSet.of(READ), pool)) {
            // 32 chains of cached reads kept going for a second: handlers that never block. Threads
            // that spin meanwhile take the processors from the drainers now and then, as on a
            // busy machine: a drainer off its processor is not stuck.
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
            List<Thread> spinners = new ArrayList<>();
            for (int i = 0; i < Runtime.getRuntime().availableProcessors(); i++) {
                spinners.add(Thread.ofPlatform().daemon().start(() -> {
                    while (System.nanoTime() < end) {
                        Thread.onSpinWait();
                    }
                }));
            }
            CountDownLatch done = new CountDownLatch(32);
            java.util.concurrent.atomic.AtomicLong reads = new java.util.concurrent.atomic.AtomicLong();
            for (int c = 0; c < 32; c++) {
                ByteBuffer b = ByteBuffer.allocateDirect(4096);
                ch.read(b, offset(c), c, new CompletionHandler<Integer, Integer>() {
                    @Override
                    public void completed(Integer n, Integer k) {
                        peak.accumulateAndGet(running.incrementAndGet(), Math::max);
                        reads.incrementAndGet();
                        if (System.nanoTime() > end) {
                            running.decrementAndGet();
                            done.countDown();
                            return;
                        }
                        b.clear();
                        ch.read(b, offset(k + 32), k + 32, this);
                        running.decrementAndGet();
                    }

                    @Override
                    public void failed(Throwable e, Integer k) {
                        done.countDown();
                    }
                });
            }
            assertTrue(done.await(30, TimeUnit.SECONDS));
            for (Thread t : spinners) {
                t.join();
            }
            assertTrue(peak.get() <= HandlerRunner.MAX_DRAINERS + 2,
                    peak.get() + " handlers ran at once, each on its own drainer, for handlers that never block (" + reads.get() + " reads)");
        } finally {
            pool.shutdown();
        }
    }

    private static CompletionHandler<Integer, Object> handler(AtomicReference<Thread> who, CountDownLatch done) {
        return new CompletionHandler<>() {
            @Override
            public void completed(Integer result, Object att) {
                who.set(Thread.currentThread());
                done.countDown();
            }

            @Override
            public void failed(Throwable exc, Object att) {
                who.set(Thread.currentThread());
                done.countDown();
            }
        };
    }

    @Test
    void anInterruptedHandlerThreadDoesNotCloseTheChannel() throws Exception {
        Path p = TestFiles.patterned(dir, "i.dat", 4096);
        try (AsynchronousFileChannel ch = open(p, READ, WRITE)) {
            CompletableFuture<Long> size = new CompletableFuture<>();
            ch.read(ByteBuffer.allocateDirect(100), 0, null, new CompletionHandler<Integer, Object>() {
                @Override
                public void completed(Integer result, Object att) {
                    Thread.currentThread().interrupt();
                    try {
                        size.complete(ch.size());
                        ch.tryLock().release();
                        ch.force(true);
                    } catch (IOException e) {
                        size.completeExceptionally(e);
                    }
                }

                @Override
                public void failed(Throwable exc, Object att) {
                    size.completeExceptionally(exc);
                }
            });
            assertEquals(4096L, size.get(10, TimeUnit.SECONDS));
            assertTrue(ch.isOpen());
            assertEquals(100, ch.read(ByteBuffer.allocate(100), 0).get());
        }
    }

    @Test
    void aClosedChannelFailsWithClosedChannelException() throws Exception {
        Path p = TestFiles.patterned(dir, "c.dat", 4096);
        AsynchronousFileChannel ch = open(p, READ, WRITE);
        ch.close();
        assertFalse(ch.isOpen());
        ch.close(); // idempotent
        for (Future<?> f : List.of(ch.read(ByteBuffer.allocate(10), 0), ch.write(ByteBuffer.allocate(10), 0), ch.lock())) {
            ExecutionException e = assertThrows(ExecutionException.class, f::get);
            assertInstanceOf(ClosedChannelException.class, e.getCause());
        }
        assertThrows(ClosedChannelException.class, ch::size);
        assertThrows(ClosedChannelException.class, () -> ch.truncate(0));
        assertThrows(ClosedChannelException.class, () -> ch.force(false));
        assertThrows(ClosedChannelException.class, ch::tryLock);
    }

    /** Basic.testAsynchronousClose: writes in flight when the channel closes complete or fail with AsynchronousCloseException. */
    @Test
    void closingWithOperationsInFlight() throws Exception {
        Path p = dir.resolve("ac.dat");
        Files.write(p, new byte[8 << 20]);
        AsynchronousFileChannel ch = open(p, WRITE, SYNC);
        List<Future<Integer>> fs = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            fs.add(ch.write(ByteBuffer.allocate(4096 + RND.nextInt(60000)), RND.nextInt(8 << 20)));
        }
        ch.close();
        int completed = 0, closed = 0;
        for (Future<Integer> f : fs) {
            try {
                assertTrue(f.get(30, TimeUnit.SECONDS) > 0);
                completed++;
            } catch (ExecutionException e) {
                assertInstanceOf(AsynchronousCloseException.class, e.getCause(), String.valueOf(e.getCause()));
                closed++;
            }
        }
        assertEquals(40, completed + closed);
    }

    /** Basic.testCancel's post-conditions, with and without mayInterruptIfRunning. */
    @Test
    void cancelPostConditions() throws Exception {
        Path p = dir.resolve("cancel.dat");
        for (boolean interrupt : new boolean[] {false, true}) {
            try (AsynchronousFileChannel ch = open(p, CREATE, WRITE, SYNC)) {
                Future<Integer> res = ch.write(ByteBuffer.allocate(1 << 20), 0);
                boolean cancelled = res.cancel(interrupt);
                assertTrue(res.isDone());
                assertEquals(cancelled, res.isCancelled());
                if (cancelled) {
                    assertThrows(CancellationException.class, res::get);
                    assertThrows(CancellationException.class, () -> res.get(1, TimeUnit.SECONDS));
                } else {
                    assertEquals(1 << 20, res.get());
                }
                assertTrue(ch.isOpen(), "cancel does not close a file channel");
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (ctx.stats().completed() < ctx.stats().submitted() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(ctx.stats().submitted(), ctx.stats().completed(), "each cancelled request still had its event");
    }

    /** Basic.testTruncate. */
    @Test
    void truncateRules() throws Exception {
        Path p = dir.resolve("t.dat");
        AsynchronousFileChannel ch = open(p, CREATE, WRITE, TRUNCATE_EXISTING);
        try {
            assertEquals(5000, ch.write(ByteBuffer.allocate(5000), 0).get());
            long size = ch.size();
            assertEquals(size, ch.truncate(size + 1).size(), "never grows");
            assertSame(ch, ch.truncate(size - 1));
            assertEquals(size - 1, ch.size());
            assertThrows(IllegalArgumentException.class, () -> ch.truncate(-1));
        } finally {
            ch.close();
        }
        assertThrows(ClosedChannelException.class, () -> ch.truncate(0));
        try (AsynchronousFileChannel r = open(p, READ)) {
            assertThrows(NonWritableChannelException.class, () -> r.truncate(0));
        }
    }

    /** Basic.testLocking and Lock.java: real locks, overlaps refused, invalid once the channel closes. */
    @Test
    void locking() throws Exception {
        Path p = TestFiles.patterned(dir, "l.dat", 100);
        FileLock fl;
        AsynchronousFileChannel ch = open(p, READ, WRITE);
        try {
            long pos = RND.nextInt(Integer.MAX_VALUE);
            fl = ch.lock(pos, 0, false).get();
            assertEquals(Long.MAX_VALUE - pos, fl.size());
            assertSame(ch, fl.acquiredBy());
            assertThrows(OverlappingFileLockException.class, ch::tryLock);
            // Another channel of this process on the same file is refused too: the JDK's table is per file.
            try (AsynchronousFileChannel other = open(p, READ, WRITE)) {
                assertThrows(OverlappingFileLockException.class, () -> other.tryLock(pos, 10, false));
            }
            fl.release();
            assertFalse(fl.isValid());
            fl = ch.tryLock(pos, 0, false);
            assertNotNull(fl);
            assertThrows(OverlappingFileLockException.class, () -> ch.lock(null, new CompletionHandler<FileLock, Object>() {
                @Override
                public void completed(FileLock result, Object att) {}

                @Override
                public void failed(Throwable exc, Object att) {}
            }));
            FileLock sharedLock = ch.tryLock(0, 10, true);
            assertTrue(sharedLock.isShared());
            assertTrue(lockedByAnotherProcess(p, 0), "a real lock: another process cannot take it");
        } finally {
            ch.close();
        }
        assertFalse(fl.isValid(), "invalid once the channel is closed");
    }

    /** Whether a forked JVM finds the byte range locked (its tryLock returns null). */
    private static boolean lockedByAnotherProcess(Path p, long pos) throws Exception {
        Forked.Result r = Forked.run(List.of(), LockProbe.class, p.toString(), Long.toString(pos));
        assertEquals(0, r.exit(), r.output());
        return r.output().contains("locked-elsewhere");
    }
}
