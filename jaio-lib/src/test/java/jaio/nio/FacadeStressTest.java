package jaio.nio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import jaio.ContextStats;
import jaio.Engine;
import jaio.IoContext;
import jaio.testkit.TestEngines;
import jaio.testkit.TestFiles;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The facades' one-event rule under races: threads issue reads through AsyncFile on a context
 * smaller than what they keep in flight (so the backlog is used) and cancel a random share of
 * the futures at random moments, some after the request finished and its pooled request went
 * on to serve another read. A cancel must never reach a later read: every future not cancelled
 * reads the right block; and every accepted request has exactly one event.
 */
@Timeout(180)
class FacadeStressTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @MethodSource("jaio.testkit.TestEngines#all")
    void cancelsRaceCompletionsAndReuse(Engine engine) throws Exception {
        TestEngines.assumeAvailable(engine);
        int blocks = 512;
        Path p = TestFiles.blockNumbered(dir.resolve("s.dat"), blocks);
        AtomicLong good = new AtomicLong(), cancelled = new AtomicLong();
        try (IoContext ctx = IoContext.builder().capacity(8).engine(engine).selfReaping().name("stress-" + engine.shortName()).open();
             AsyncFile f = AsyncFile.open(ctx, p, StandardOpenOption.READ)) {
            List<Thread> ts = new ArrayList<>();
            List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
            for (int t = 0; t < 4; t++) {
                long seed = t;
                ts.add(Thread.ofPlatform().start(() -> {
                    SplittableRandom r = new SplittableRandom(seed);
                    try {
                        for (int round = 0; round < 150; round++) {
                            int n = 16;
                            List<CompletableFuture<Integer>> fs = new ArrayList<>();
                            List<ByteBuffer> bufs = new ArrayList<>();
                            int[] which = new int[n];
                            for (int i = 0; i < n; i++) {
                                which[i] = r.nextInt(blocks);
                                ByteBuffer b = r.nextBoolean() ? ByteBuffer.allocateDirect(4096) : ByteBuffer.allocate(4096);
                                bufs.add(b);
                                fs.add(f.read(b, which[i] * 4096L));
                                if (r.nextInt(4) == 0) {
                                    // Cancel one issued earlier in the round: it may be queued, running, done, or its request reused.
                                    fs.get(r.nextInt(fs.size())).cancel(r.nextBoolean());
                                }
                            }
                            for (int i = 0; i < n; i++) {
                                try {
                                    assertEquals(4096, fs.get(i).get(30, TimeUnit.SECONDS));
                                    long got = bufs.get(i).order(ByteOrder.nativeOrder()).getLong(8);
                                    assertEquals(which[i], got, "block read by a future that was not cancelled");
                                    good.incrementAndGet();
                                } catch (CancellationException c) {
                                    cancelled.incrementAndGet();
                                }
                            }
                        }
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                }));
            }
            for (Thread t : ts) {
                t.join();
            }
            assertEquals(List.of(), failures);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            ContextStats s = ctx.stats();
            while (s.completed() != s.submitted() && System.nanoTime() < deadline) {
                Thread.sleep(10);
                s = ctx.stats();
            }
            assertEquals(s.submitted(), s.completed(), "one event per accepted request: " + s);
            assertEquals(4 * 150 * 16, good.get() + cancelled.get());
            assertTrue(good.get() > 0);
        }
    }
}
