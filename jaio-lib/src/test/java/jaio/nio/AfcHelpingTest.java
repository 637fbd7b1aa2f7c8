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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import jaio.Engine;
import jaio.IoContext;
import jaio.testkit.TestEngines;
import jaio.testkit.TestFiles;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A channel's drainer whose queue ran dry while the channel's reads are in flight waits for
 * them itself, as a helper of the context ({@link HandlerRunner#help}), on every engine: the
 * handlers its reaping posts are counted in {@link HandlerRunner#postedByHelpers}. Every
 * handler still runs once, on the channel's executor, with the right bytes; the executor's
 * thread is given back once nothing is in flight; and an executor of virtual threads, or one
 * that runs tasks on the caller, never helps.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AfcHelpingTest {
    private static final int BLOCK = 4096;
    private static final int READS = 400;

    @TempDir
    Path dir;

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
            long helped = chain(ctx, ex, pool);
            assertTrue(helped >= READS / 2, "handlers posted by the helping drainer: " + helped + " of " + READS);
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
