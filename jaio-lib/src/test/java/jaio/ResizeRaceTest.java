package jaio;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import jaio.testkit.PoolSubmitter;
import jaio.testkit.StressLedger;
import jaio.testkit.TestEngines;
import jaio.testkit.TestFiles;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Resize (SPEC C9) while the context is busy: submitters, a reaper and a thread growing the
 * capacity step by step, on every engine (native AIO replaces its kernel context when it finds
 * it idle, and sends what finds the old one full to its workers meanwhile). Every accepted
 * request yields exactly one event and the grown room is used.
 */
@Tag("stress")
class ResizeRaceTest {
    private static final int TOTAL = 100_000;

    @TempDir
    Path dir;

    @ParameterizedTest
    @MethodSource("jaio.testkit.TestEngines#all")
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void growingWhileBusyLosesNothing(Engine engine) throws Exception {
        Path p = TestFiles.patterned(dir, "r.dat", 1 << 20);
        TestFiles.readAll(p);
        StressLedger ledger = new StressLedger(TOTAL);
        int finalCapacity = 512;
        try (IoContext ctx = IoContext.builder().engine(engine).capacity(8).open();
             IoFile f = IoFile.open(p, StandardOpenOption.READ)) {
            List<Thread> submitters = ledger.start("resize-submit", 2, seed -> new PoolSubmitter(ctx, ledger, seed, 384,
                    (i, rnd) -> i % 2 == 0 ? Request.noop() : Request.pread(f, IoBuffers.allocate(4096), 0))
                    .batchSize(32)
                    .run());
            List<Thread> resizer = ledger.start("resizer", 1, _ -> {
                for (int c = 16; c <= finalCapacity && !ledger.failed(); c += 8) {
                    ctx.resize(c);
                    Thread.sleep(0, 300_000);
                }
            });
            List<Thread> reaper = ledger.start("resize-reap", 1, _ -> ledger.reapUntilDone(ctx, TestFiles.events(64),
                    evs -> ctx.getEvents(1, evs.length, evs, 20, TimeUnit.MILLISECONDS), e -> {
                        if (e.result() < 0) {
                            throw new AssertionError("error " + e);
                        }
                    }));
            ledger.joinSubmitters(submitters);
            StressLedger.joinAll(resizer);
            StressLedger.joinAll(reaper);
            ledger.throwIfFailed();
            assertEquals(finalCapacity, ctx.capacity());
            assertEquals(TOTAL, ledger.reaped.get());
            // The grown room is usable: fill it entirely.
            Request[] full = TestFiles.noops(finalCapacity);
            assertEquals(finalCapacity, ctx.submit(full));
            assertEquals(finalCapacity, TestFiles.reap(ctx, finalCapacity).size());
        }
        ledger.assertOneEventEach();
    }
}
