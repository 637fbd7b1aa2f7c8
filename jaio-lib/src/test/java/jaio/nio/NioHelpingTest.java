package jaio.nio;

import static java.nio.file.StandardOpenOption.READ;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.channels.CompletionHandler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import jaio.Engine;
import jaio.IoContext;
import jaio.testkit.TestEngines;
import jaio.testkit.TestFiles;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The facades' platform threads wait for their own requests as helpers of the context, on
 * every engine. A channel's drainer whose queue ran dry while the channel's reads are in flight
 * ({@link HandlerRunner#help}): the handlers its reaping posts are counted in
 * {@link HandlerRunner#postedByHelpers}; every handler still runs once, on the channel's
 * executor, with the right bytes; the executor's thread is given back once nothing is in
 * flight; an executor of virtual threads, or one that runs tasks on the caller, never helps.
 * A thread in {@code join} or {@code get} of an {@link AsyncFile} future or of a channel's
 * Future: the future completes on it, inside the call.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class NioHelpingTest {
    private static final int BLOCK = 4096;
    private static final int READS = 400;
    /** Runs of a measured chain, the best of which must show the helping. */
    private static final int ATTEMPTS = 3;

    @TempDir
    Path dir;
    /** The helping waits of the last {@link #chain}'s drainers. */
    private long lastWaits;

    static Stream<Engine> engines() {
        return TestEngines.all();
    }

    /** On one platform thread, most handlers of a chain of reads are posted by the helping drainer. */
    @ParameterizedTest
    @MethodSource("engines")
    void aDrainerOnAPlatformThreadReapsItsChannelsReads(Engine engine) throws Exception {
        TestEngines.assumeAvailable(engine);
        Set<Thread> pool = ConcurrentHashMap.newKeySet();
        ExecutorService ex = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "afc-helping");
            t.setDaemon(true);
            pool.add(t);
            return t;
        });
        try (IoContext ctx = open(engine)) {
            // Most, not all: the context's reaper may win a completion while the drainer runs a
            // handler, and more often on a loaded machine, so the best of three chains counts.
            StringBuilder seen = new StringBuilder();
            long helped = 0;
            for (int attempt = 0; attempt < ATTEMPTS && helped < READS / 2; attempt++) {
                helped = chain(ctx, ex, pool);
                seen.append(' ').append(helped).append(" (").append(lastWaits).append(" waits)");
            }
            assertTrue(helped >= READS / 2, "handlers posted by the helping drainer, of " + READS + " per chain:"
                    + seen + "; " + ctx.stats());
            // Nothing is in flight any more: the drainer has given the thread back.
            assertEquals(7, ex.submit(() -> 7).get(10, TimeUnit.SECONDS));
        } finally {
            ex.shutdown();
            assertTrue(ex.awaitTermination(10, TimeUnit.SECONDS));
        }
    }

    /** Virtual threads must not wait in the kernel, and a caller-runs executor must not hold its caller. */
    @ParameterizedTest
    @MethodSource("engines")
    void virtualThreadsAndCallerRunsExecutorsNeverHelp(Engine engine) throws Exception {
        TestEngines.assumeAvailable(engine);
        try (IoContext ctx = open(engine)) {
            ExecutorService virtual = Executors.newVirtualThreadPerTaskExecutor();
            try {
                assertEquals(0, chain(ctx, virtual, null), "helped on a virtual thread");
            } finally {
                virtual.shutdown();
            }
            assertEquals(0, chain(ctx, new CallerRuns(), null), "helped on the thread that posted");
        }
    }

    /**
     * The race under stress: four channels on one context, two executors of two threads each
     * shared by two channels, four chains of reads per channel, every other read into a direct
     * buffer (served at once by the page cache on the thread that starts it, so handlers are
     * posted by drainers, helpers and the reaper alike), and one channel closed midway. Every
     * started read's handler runs exactly once, each chain ends (only the closed channel's may
     * end with a failure), and both executors' threads are free afterwards.
     */
    @Tag("stress")
    @ParameterizedTest
    @MethodSource("engines")
    void everyHandlerRunsOnceWhileDrainersHelpAndAChannelCloses(Engine engine) throws Exception {
        TestEngines.assumeAvailable(engine);
        for (int round = 0; round < 10; round++) {
            stressRound(engine, round);
        }
    }

    private void stressRound(Engine engine, int round) throws Exception {
        int channels = 4;
        int chains = 4;
        Path p = TestFiles.patterned(dir, "stress" + round + ".dat", READS * BLOCK);
        byte[] want = Files.readAllBytes(p);
        ExecutorService[] pools = {Executors.newFixedThreadPool(2), Executors.newFixedThreadPool(2)};
        AtomicIntegerArray calls = new AtomicIntegerArray(channels * chains * READS);
        AtomicReference<Throwable> bad = new AtomicReference<>();
        CountDownLatch ended = new CountDownLatch(channels * chains);
        CountDownLatch halfway = new CountDownLatch(1);
        Chain[] all = new Chain[channels * chains];
        try (IoContext ctx = open(engine)) {
            AsynchronousFileChannel[] chs = new AsynchronousFileChannel[channels];
            for (int c = 0; c < channels; c++) {
                chs[c] = JaioAsynchronousFileChannel.open(ctx, p, EnumSet.of(READ), pools[c % 2]);
            }
            for (int id = 0; id < all.length; id++) {
                all[id] = new Chain(id, chs[id / chains], id / chains == 1, want, calls, bad, ended,
                        id == 0 ? halfway : null);
            }
            for (Chain c : all) {
                c.start(0);
            }
            assertTrue(halfway.await(60, TimeUnit.SECONDS), "chain 0 did not get halfway, round " + round);
            chs[1].close();
            assertTrue(ended.await(60, TimeUnit.SECONDS), "chains left: " + ended.getCount() + ", round " + round);
            for (AsynchronousFileChannel ch : chs) {
                ch.close();
            }
        } finally {
            for (ExecutorService ex : pools) {
                assertEquals(7, ex.submit(() -> 7).get(10, TimeUnit.SECONDS), "an executor thread is still held");
                ex.shutdown();
                assertTrue(ex.awaitTermination(10, TimeUnit.SECONDS));
            }
        }
        assertNull(bad.get());
        for (Chain c : all) {
            for (int i = 0; i < READS; i++) {
                assertEquals(i <= c.last ? 1 : 0, calls.get(c.id * READS + i), "round " + round + ", chain " + c.id + " read " + i);
            }
        }
    }

    /** One chain of reads of {@link #everyHandlerRunsOnceWhileDrainersHelpAndAChannelCloses}. */
    private static final class Chain implements CompletionHandler<Integer, Integer> {
        final int id;
        final AsynchronousFileChannel ch;
        final boolean mayFail;
        final byte[] want;
        final AtomicIntegerArray calls;
        final AtomicReference<Throwable> bad;
        final CountDownLatch ended;
        final CountDownLatch halfway;
        final ByteBuffer heap = ByteBuffer.allocate(BLOCK);
        final ByteBuffer direct = ByteBuffer.allocateDirect(BLOCK);
        /** The last read started (written before it starts, read after the chain ended). */
        volatile int last = -1;

        Chain(int id, AsynchronousFileChannel ch, boolean mayFail, byte[] want, AtomicIntegerArray calls,
              AtomicReference<Throwable> bad, CountDownLatch ended, CountDownLatch halfway) {
            this.id = id;
            this.ch = ch;
            this.mayFail = mayFail;
            this.want = want;
            this.calls = calls;
            this.bad = bad;
            this.ended = ended;
            this.halfway = halfway;
        }

        private ByteBuffer buffer(int i) {
            return i % 2 == 0 ? heap : direct;
        }

        private int block(int i) {
            return (i * 7 + id) % READS;
        }

        void start(int i) {
            ByteBuffer b = buffer(i);
            b.clear();
            last = i;
            ch.read(b, (long) block(i) * BLOCK, i, this);
        }

        @Override
        public void completed(Integer n, Integer i) {
            calls.incrementAndGet(id * READS + i);
            ByteBuffer b = buffer(i);
            int at = block(i) * BLOCK;
            if (n != BLOCK || b.get(0) != want[at] || b.get(BLOCK - 1) != want[at + BLOCK - 1]) {
                bad.compareAndSet(null, new AssertionError("chain " + id + " read " + i + ": " + n));
            }
            if (halfway != null && i == READS / 2) {
                halfway.countDown();
            }
            if (i + 1 == READS) {
                ended.countDown();
                return;
            }
            start(i + 1);
        }

        @Override
        public void failed(Throwable e, Integer i) {
            calls.incrementAndGet(id * READS + i);
            if (!mayFail) {
                bad.compareAndSet(null, new AssertionError("chain " + id + " read " + i, e));
            }
            ended.countDown();
        }
    }

    /**
     * A platform thread in {@code join} or {@code get} of an AsyncFile read, or of an
     * AsynchronousFileChannel read's Future (a heap buffer, so a request) reaps it: the future's
     * dependents run on that thread, inside the call.
     */
    @ParameterizedTest
    @MethodSource("engines")
    void aThreadThatWaitsForAFutureCompletesItItself(Engine engine) throws Exception {
        TestEngines.assumeAvailable(engine);
        Path p = TestFiles.patterned(dir, "future.dat", READS * BLOCK);
        byte[] want = Files.readAllBytes(p);
        try (IoContext ctx = open(engine);
             AsyncFile f = AsyncFile.open(ctx, p, java.nio.file.StandardOpenOption.READ);
             AsynchronousFileChannel ch = JaioAsynchronousFileChannel.open(ctx, p, EnumSet.of(READ), null)) {
            assertCompletedInside(ctx, want, (b, at) -> f.read(b, at), "AsyncFile");
            assertCompletedInside(ctx, want, (b, at) -> (CompletableFuture<Integer>) ch.read(b, at), "AsynchronousFileChannel");
        }
    }

    /** One read per block, waited for by join, get or get with a timeout in turn. */
    private static void assertCompletedInside(IoContext ctx, byte[] want,
                                              BiFunction<ByteBuffer, Long, CompletableFuture<Integer>> read,
                                              String what) throws Exception {
        // Without helping, about a quarter still run here: a woken waiter runs the dependents
        // the completing thread has not reached yet. With it, most: the reaper may still win a
        // completion now and then (more often on a loaded machine), so the best of three runs.
        StringBuilder seen = new StringBuilder();
        int best = 0;
        for (int attempt = 0; attempt < ATTEMPTS && best < READS * 3 / 4; attempt++) {
            int[] helps = new int[1];
            int n = completedInside(ctx, want, read, what, helps);
            best = Math.max(best, n);
            seen.append(' ').append(n).append(" (would help ").append(helps[0]).append(')');
        }
        assertTrue(best >= READS * 3 / 4, what + ": futures completed inside join or get, of " + READS + " per run:" + seen
                + "; " + ctx.stats());
    }

    /**
     * Reads every block once; how many of the futures completed on this thread inside its wait
     * ({@code helps[0]}: before how many waits the thread would have helped).
     */
    private static int completedInside(IoContext ctx, byte[] want,
                                       BiFunction<ByteBuffer, Long, CompletableFuture<Integer>> read,
                                       String what, int[] helps) throws Exception {
        Thread me = Thread.currentThread();
        boolean[] inside = new boolean[1];
        int[] ranInside = new int[1];
        for (int i = 0; i < READS; i++) {
            ByteBuffer b = ByteBuffer.allocate(BLOCK);
            CompletableFuture<Integer> r = read.apply(b, (long) i * BLOCK);
            r.thenRun(() -> {
                if (Thread.currentThread() == me && inside[0]) {
                    ranInside[0]++;
                }
            });
            if (jaio.CallbackWaits.helps(ctx)) {
                helps[0]++;
            }
            inside[0] = true;
            int n = switch (i % 3) {
                case 0 -> r.join();
                case 1 -> r.get();
                default -> r.get(20, TimeUnit.SECONDS);
            };
            inside[0] = false;
            assertEquals(BLOCK, n, what + " read " + i);
            assertEquals(want[i * BLOCK], b.get(0), what + " read " + i);
        }
        return ranInside[0];
    }

    private static IoContext open(Engine engine) throws java.io.IOException {
        return IoContext.builder().capacity(16).engine(engine).selfReaping().name("afc-help-" + engine.shortName()).open();
    }

    /**
     * Reads {@link #READS} blocks in one chain, each handler starting the next read, into a heap
     * buffer (so every read is a request, never served at once by the page cache); checks every
     * handler ran once, with the right bytes, on one of {@code threads} (any thread when null).
     *
     * @return the handlers posted by a helping drainer
     */
    private long chain(IoContext ctx, ExecutorService ex, Set<Thread> threads) throws Exception {
        Path p = TestFiles.patterned(dir, "help.dat", READS * BLOCK);
        byte[] want = Files.readAllBytes(p);
        AtomicIntegerArray calls = new AtomicIntegerArray(READS);
        AtomicReference<Throwable> bad = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(1);
        ByteBuffer b = ByteBuffer.allocate(BLOCK);
        try (AsynchronousFileChannel ch = JaioAsynchronousFileChannel.open(ctx, p, EnumSet.of(READ), ex)) {
            HandlerRunner runner = ((JaioAsynchronousFileChannel) ch).handlers();
            ch.read(b, 0, 0, new CompletionHandler<Integer, Integer>() {
                @Override
                public void completed(Integer n, Integer i) {
                    calls.incrementAndGet(i);
                    if (threads != null && !threads.contains(Thread.currentThread())) {
                        bad.compareAndSet(null, new AssertionError("handler on " + Thread.currentThread()));
                    }
                    int at = i * BLOCK;
                    if (n != BLOCK || b.get(0) != want[at] || b.get(BLOCK - 1) != want[at + BLOCK - 1]) {
                        bad.compareAndSet(null, new AssertionError("read " + i + ": " + n));
                    }
                    if (i + 1 == READS) {
                        done.countDown();
                        return;
                    }
                    b.clear();
                    ch.read(b, (long) (i + 1) * BLOCK, i + 1, this);
                }

                @Override
                public void failed(Throwable e, Integer i) {
                    bad.compareAndSet(null, e);
                    done.countDown();
                }
            });
            assertTrue(done.await(60, TimeUnit.SECONDS), "the chain did not finish");
            assertNull(bad.get());
            for (int i = 0; i < READS; i++) {
                assertEquals(1, calls.get(i), "handler " + i);
            }
            synchronized (runner) {
                lastWaits = runner.helpWaits;
                return runner.postedByHelpers;
            }
        }
    }

    /** Runs every task on the thread that hands it over. */
    private static final class CallerRuns extends AbstractExecutorService {
        @Override
        public void execute(Runnable r) {
            r.run();
        }

        @Override
        public void shutdown() {
        }

        @Override
        public List<Runnable> shutdownNow() {
            return List.of();
        }

        @Override
        public boolean isShutdown() {
            return false;
        }

        @Override
        public boolean isTerminated() {
            return false;
        }

        @Override
        public boolean awaitTermination(long timeout, TimeUnit unit) {
            return true;
        }
    }
}
