package jaio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToLongFunction;
import jaio.spi.Availability;
import jaio.spi.BufferAccess;
import jaio.spi.Capabilities;
import jaio.spi.EngineContext;
import jaio.spi.EngineProvider;
import jaio.spi.Execution;
import jaio.spi.IoEngine;
import jaio.spi.Op;
import jaio.spi.Retry;
import jaio.testkit.TestFiles;
import jaio.testkit.TestFiles.EventCopy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Short-transfer retry (SPEC E4) through a scripted engine: each iteration moves at most a
 * chunk of bytes between the op's memory and an in-memory "file", or returns what the script
 * says. The real engines meet short transfers too rarely to test every rule deterministically.
 */
class RetryTest {
    @TempDir
    Path dir;

    private byte[] disk;
    private ScriptedProvider provider;
    private IoContext ctx;
    private IoFile file;

    @BeforeEach
    void setUp() throws IOException {
        disk = new byte[1 << 20];
        for (int i = 0; i < disk.length; i++) {
            disk[i] = TestFiles.pattern(i, 0);
        }
        provider = new ScriptedProvider();
        ctx = IoContext.open(64, provider, 4);
        file = IoFile.open(dir.resolve("f"), StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    }

    @AfterEach
    void tearDown() {
        ctx.close();
        file.close();
    }

    /** The in-memory file's length as the script sees it (reads stop there). */
    private int eof = 1 << 20;

    @Test
    void shortReadsContinueFromWhereTheyStopped() {
        provider.chunk = 1000;
        MemorySegment buf = IoBuffers.allocate(65536);
        ctx.submit(Request.pread(file, buf, 5));
        EventCopy e = TestFiles.reapOne(ctx);
        assertEquals(65536, e.result());
        assertArrayEquals(java.util.Arrays.copyOfRange(disk, 5, 5 + 65536), TestFiles.bytes(buf));
        assertEquals(66, provider.iterations.get(), "ceil(65536 / 1000) iterations");
        assertEquals(65, ctx.stats().retries());
    }

    @Test
    void shortWritesContinueAcrossVectorBuffers() {
        provider.chunk = 333;
        MemorySegment[] src = {IoBuffers.allocate(1000), IoBuffers.allocate(7), IoBuffers.allocate(2500)};
        for (MemorySegment s : src) {
            TestFiles.fill(s, 0, 11);
        }
        ctx.submit(Request.pwritev(file, src, 4096));
        assertEquals(3507, TestFiles.reapOne(ctx).result());
        int at = 4096;
        for (MemorySegment s : src) {
            byte[] b = TestFiles.bytes(s);
            assertArrayEquals(b, java.util.Arrays.copyOfRange(disk, at, at + b.length));
            at += b.length;
        }
    }

    @Test
    void endOfFileEndsARead() {
        provider.chunk = 3000;
        eof = 10_000;
        ctx.submit(Request.pread(file, IoBuffers.allocate(16384), 0));
        assertEquals(10_000, TestFiles.reapOne(ctx).result());
    }

    @Test
    void anErrorAfterProgressReportsTheErrorAndTheBytesMoved() {
        provider.chunk = 100;
        provider.script = op -> op.iterations == 2 ? -Errno.EIO : Long.MIN_VALUE;
        ctx.submit(Request.pread(file, IoBuffers.allocate(1000), 0));
        EventCopy e = TestFiles.reapOne(ctx);
        assertEquals(-Errno.EIO, e.result());
        assertEquals(200, e.result2(), "two iterations of 100 bytes moved before the error");
    }

    @Test
    void interruptedIterationsAreRetried() {
        provider.chunk = 400;
        provider.script = op -> op.iterations < 3 ? -Errno.EINTR : Long.MIN_VALUE;
        ctx.submit(Request.pread(file, IoBuffers.allocate(1000), 0));
        assertEquals(1000, TestFiles.reapOne(ctx).result());
    }

    @Test
    void aRequestThatMakesNoProgressIsBounded() {
        provider.script = op -> 0;
        ctx.submit(Request.pwrite(file, IoBuffers.allocate(100), 0));
        EventCopy e = TestFiles.reapOne(ctx);
        assertEquals(-Errno.EIO, e.result());
        assertEquals(Retry.MAX_STALLS + 1, provider.iterations.get());
    }

    @Test
    void nowaitIsNotRetriedAfterEagain() {
        provider.script = op -> -Errno.EAGAIN;
        ctx.submit(Request.pread(file, IoBuffers.allocate(100), 0).flag(RequestFlag.NOWAIT));
        assertEquals(-Errno.EAGAIN, TestFiles.reapOne(ctx).result());
        assertEquals(1, provider.iterations.get());
    }

    @Test
    void cancelStopsATransferAtItsNextIteration() throws InterruptedException {
        provider.chunk = 100;
        provider.gate = new Semaphore(0);
        Request r = Request.pread(file, IoBuffers.allocate(1000), 0);
        ctx.submit(r);
        provider.gate.release(3);
        while (provider.iterations.get() < 3) {
            Thread.onSpinWait();
        }
        // Inside an iteration that ends a little later: the cancel waits for it, and the
        // transfer stops there, so the answer is CANCELED, as the event says.
        Thread later = Thread.ofPlatform().start(() -> {
            sleep(20);
            provider.gate.release(100);
        });
        CancelResult c = ctx.cancel(r);
        later.join();
        assertEquals(CancelResult.CANCELED, c);
        EventCopy e = TestFiles.reapOne(ctx);
        assertEquals(-Errno.ECANCELED, e.result());
        assertTrue(e.result2() >= 300 && e.result2() <= 400, "bytes moved before the stop: " + e.result2());
    }

    @Test
    void aCancelThatOutwaitsItsIterationIsDeclinedAndTheTransferRunsToItsEnd() {
        provider.chunk = 100;
        provider.gate = new Semaphore(0);
        Request r = Request.pread(file, IoBuffers.allocate(1000), 0);
        ctx.submit(r);
        provider.gate.release(3);
        while (provider.iterations.get() < 3) {
            Thread.onSpinWait();
        }
        // The iteration goes on past the cancel's wait: NOT_CANCELED, and then the transfer
        // must not stop because of it (the answer would disagree with the event).
        assertEquals(CancelResult.NOT_CANCELED, ctx.cancel(r));
        provider.gate.release(100);
        EventCopy e = TestFiles.reapOne(ctx);
        assertEquals(1000, e.result());
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void onlyOneIterationOfARequestRunsAtATime() {
        provider.chunk = 100;
        provider.spinNanos = 20_000;
        List<Request> rs = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
            rs.add(Request.pread(file, IoBuffers.allocate(2000), i * 2000L).userData(i));
        }
        for (int round = 0; round < 5; round++) {
            assertEquals(32, ctx.submit(rs.toArray(new Request[0])));
            for (EventCopy e : TestFiles.reap(ctx, 32)) {
                assertEquals(2000, e.result());
            }
        }
        assertEquals(0, provider.overlaps.get(), "two iterations of one request overlapped");
        assertTrue(provider.maxParallel.get() > 1, "the engine did run iterations of different requests in parallel");
    }

    // ------------------------------------------------------------------ the scripted engine

    /** Moves at most {@code chunk} bytes per iteration on several threads; a script may override the result. */
    final class ScriptedProvider implements EngineProvider {
        volatile int chunk = Integer.MAX_VALUE;
        /** Returns an iteration's result, or Long.MIN_VALUE to move data normally. */
        volatile ToLongFunction<Op> script = op -> Long.MIN_VALUE;
        volatile Semaphore gate;
        volatile long spinNanos;
        final AtomicInteger iterations = new AtomicInteger();
        final AtomicInteger overlaps = new AtomicInteger();
        final AtomicInteger maxParallel = new AtomicInteger();
        private final AtomicInteger parallel = new AtomicInteger();
        private final Map<Op, Boolean> running = new ConcurrentHashMap<>();

        @Override
        public Engine kind() {
            return Engine.THREADS;
        }

        @Override
        public Availability availability() {
            return Availability.yes("scripted");
        }

        @Override
        public Capabilities describe() {
            Map<Opcode, Execution> ops = new EnumMap<>(Opcode.class);
            for (Opcode o : EnumSet.of(Opcode.PREAD, Opcode.PWRITE, Opcode.PREADV, Opcode.PWRITEV)) {
                ops.put(o, Execution.WORKER);
            }
            return new Capabilities("scripted", ops, EnumSet.of(RequestFlag.NOWAIT), BufferAccess.THREAD_ACCESSIBLE,
                    false, false, List.of());
        }

        @Override
        public IoEngine open(EngineContext c) {
            return new IoEngine() {
                private final ArrayDeque<Op> queue = new ArrayDeque<>();
                private final List<Thread> threads = new ArrayList<>();
                private boolean closed;

                {
                    for (int i = 0; i < c.workerThreads(); i++) {
                        Thread t = Thread.ofPlatform().daemon().start(this::loop);
                        threads.add(t);
                    }
                }

                @Override
                public Capabilities capabilities() {
                    return describe();
                }

                @Override
                public void submit(Op[] ops, int from, int count) {
                    synchronized (queue) {
                        for (int i = from; i < from + count; i++) {
                            queue.add(ops[i]);
                        }
                        queue.notifyAll();
                    }
                }

                private void loop() {
                    while (true) {
                        Op op;
                        synchronized (queue) {
                            while (queue.isEmpty() && !closed) {
                                try {
                                    queue.wait();
                                } catch (InterruptedException e) {
                                    return;
                                }
                            }
                            if (queue.isEmpty()) {
                                return;
                            }
                            op = queue.poll();
                        }
                        Semaphore g = gate;
                        if (g != null) {
                            g.acquireUninterruptibly();
                        }
                        if (running.putIfAbsent(op, Boolean.TRUE) != null) {
                            overlaps.incrementAndGet();
                        }
                        int par = parallel.incrementAndGet();
                        maxParallel.accumulateAndGet(par, Math::max);
                        long res = iterate(op);
                        long until = System.nanoTime() + spinNanos;
                        while (System.nanoTime() < until) {
                            Thread.onSpinWait();
                        }
                        parallel.decrementAndGet();
                        running.remove(op);
                        iterations.incrementAndGet();
                        if (Retry.afterIteration(op, res) == Retry.AGAIN) {
                            c.counters().retries.increment();
                            submit(new Op[] {op}, 0, 1);
                        } else {
                            c.sink().complete(op);
                        }
                    }
                }

                private long iterate(Op op) {
                    long scripted = script.applyAsLong(op);
                    if (scripted != Long.MIN_VALUE) {
                        return scripted;
                    }
                    long skip = op.done;
                    int i = 0;
                    while (skip >= op.ioSegs[i].byteSize()) {
                        skip -= op.ioSegs[i].byteSize();
                        i++;
                    }
                    MemorySegment seg = op.ioSegs[i];
                    long pos = op.nextOffset();
                    int n = (int) Math.min(chunk, seg.byteSize() - skip);
                    if (op.isRead()) {
                        n = (int) Math.max(0, Math.min(n, eof - pos));
                        MemorySegment.copy(disk, (int) pos, seg, ValueLayout.JAVA_BYTE, skip, n);
                    } else {
                        MemorySegment.copy(seg, ValueLayout.JAVA_BYTE, skip, disk, (int) pos, n);
                    }
                    return n;
                }

                @Override
                public CancelResult cancel(Op op) {
                    synchronized (queue) {
                        if (queue.remove(op)) {
                            Retry.finish(op, -Errno.ECANCELED);
                            c.sink().complete(op);
                            return CancelResult.CANCELED;
                        }
                    }
                    return CancelResult.NOT_CANCELED;
                }

                @Override
                public void cancelAll() {
                }

                @Override
                public boolean needsPumping() {
                    return false;
                }

                @Override
                public void close() {
                    synchronized (queue) {
                        closed = true;
                        queue.notifyAll();
                    }
                    Semaphore g = gate;
                    if (g != null) {
                        g.release(1000);
                    }
                    for (Thread t : threads) {
                        try {
                            t.join();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                }
            };
        }
    }
}
