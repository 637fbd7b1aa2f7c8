package jaio;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import jaio.testkit.PoolSubmitter;
import jaio.testkit.StressLedger;
import jaio.testkit.TestEngines;
import jaio.testkit.TestFiles;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * About a million requests per engine from several submitting threads while several threads
 * reap and requests are cancelled at random: every accepted request yields exactly one event,
 * cancelled ones say so, and the counts balance.
 */
@Tag("stress")
class StressTest {
    private static final int TOTAL = 1_000_000;
    private static final int SUBMITTERS = 3;
    private static final int REAPERS = 2;

    @ParameterizedTest
    @MethodSource("jaio.testkit.TestEngines#all")
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void aMillionRequestsWithCancelsAllYieldOneEvent(Engine engine) throws Exception {
        Path p = Files.createTempFile("jaio-stress", ".dat");
        Files.write(p, new byte[1 << 20]);
        StressLedger ledger = new StressLedger(TOTAL);
        AtomicIntegerArray cancelled = new AtomicIntegerArray(TOTAL);
        try (IoContext ctx = IoContext.builder().engine(engine).capacity(256).open();
             IoFile f = IoFile.open(p, StandardOpenOption.READ)) {
            List<Thread> submitters = ledger.start("stress-submit", SUBMITTERS, seed -> new PoolSubmitter(ctx, ledger,
                    seed, 96, (i, rnd) -> i % 3 == 0 ? Request.pread(f, IoBuffers.allocate(4096), 0) : Request.noop())
                    .batchSize(16)
                    .randomPicks()
                    .afterEachBatch((batch, n, rnd) -> {
                        // Now and then cancel one of the batch; it may have completed already.
                        if (rnd.nextInt(4) == 0) {
                            Request victim = batch[rnd.nextInt(n)];
                            long id = victim.userData();
                            CancelResult c = ctx.cancel(victim);
                            if (c == CancelResult.CANCELED && victim.userData() == id) {
                                cancelled.set((int) id, 1);
                            }
                        }
                    })
                    .run());
            List<Thread> reapers = ledger.start("stress-reap", REAPERS, r -> {
                SplittableRandom rnd = new SplittableRandom(100 + r);
                ledger.reapUntilDone(ctx, TestFiles.events(32), evs -> {
                    int min = rnd.nextInt(4);
                    int max = min + 1 + rnd.nextInt(evs.length - min);
                    return ctx.getEvents(min, max, evs, 20, TimeUnit.MILLISECONDS);
                }, e -> {
                    int id = (int) e.userData();
                    if (cancelled.get(id) == 1 && e.result() != -Errno.ECANCELED) {
                        throw new AssertionError("request " + id + " was CANCELED but completed with " + e);
                    }
                    if (e.result() < 0 && e.result() != -Errno.ECANCELED) {
                        throw new AssertionError("unexpected error " + e);
                    }
                });
            });
            ledger.joinSubmitters(submitters);
            StressLedger.joinAll(reapers);
            ledger.throwIfFailed();
            assertEquals(ledger.accepted.get(), ledger.reaped.get(), "events reaped = requests accepted");
            ContextStats st = ctx.stats();
            assertEquals(st.submitted(), st.completed());
            assertEquals(st.submitted(), st.reaped());
            assertEquals(0, st.inFlight());
            assertEquals(0, st.unreaped());
        } finally {
            Files.deleteIfExists(p);
        }
        ledger.assertOneEventEach();
    }
}
