package jaio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import jaio.linux.LibC;
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
 * An event loop that knows a context only through its notification eventfd (SPEC C10): it
 * sleeps in poll(2) on the eventfd and, when woken, takes what is there with a zero-wait
 * getEvents. Several threads submit page-cache reads meanwhile. Every completion must be
 * signalled after its event can be taken: a completion left where only a later reap would
 * find it, with no signal, stalls such a loop for good once the submitters run out of room.
 */
@Tag("stress")
class NotifyEventFdRaceTest {
    private static final int TOTAL = 100_000;
    private static final int SUBMITTERS = 2;
    /** A stall this long with requests outstanding means a completion was never signalled. */
    private static final int STALL_MILLIS = 5_000;

    @TempDir
    Path dir;

    @ParameterizedTest
    @MethodSource("jaio.testkit.TestEngines#all")
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void anEventfdOnlyLoopSeesEveryCompletion(Engine engine) throws Exception {
        assumeTrue(jaio.linux.Native.LINUX, "eventfd is Linux only");
        Path p = TestFiles.patterned(dir, "warm.dat", 1 << 20);
        TestFiles.readAll(p); // into the page cache
        StressLedger ledger = new StressLedger(TOTAL);
        try (IoFile efd = IoFile.eventFd();
             IoContext ctx = IoContext.builder().engine(engine).capacity(128).notifyEventFd(efd).open();
             IoFile f = IoFile.open(p, StandardOpenOption.READ)) {
            // Full batches of page-cache reads, each of a random block.
            List<Thread> submitters = ledger.start("efd-submit", SUBMITTERS, _ -> new PoolSubmitter(ctx, ledger,
                    ledger.nextId.get() + Thread.currentThread().threadId(), 64,
                    (i, rnd) -> Request.pread(f, IoBuffers.allocate(4096), 0))
                    .batchSize(8)
                    .fullBatches()
                    .run());
            Event[] evs = TestFiles.events(64);
            int fd = efd.handle.fd();
            long reaped = 0;
            long signals = 0;
            while (reaped < TOTAL && !ledger.failed()) {
                int r = LibC.poll1(fd, LibC.POLLIN, STALL_MILLIS);
                if (r == 0) {
                    throw new AssertionError(engine + ": no signal for " + STALL_MILLIS + " ms with "
                            + (ledger.accepted.get() - reaped) + " requests outstanding (reaped " + reaped + " of "
                            + ledger.accepted.get() + "): a completion was never signalled; " + ctx.stats());
                }
                signals += efd.readCounter();
                int n;
                while ((n = ctx.getEvents(0, evs.length, evs, 0, TimeUnit.NANOSECONDS)) > 0) {
                    for (int i = 0; i < n; i++) {
                        if (evs[i].result() != 4096) {
                            ledger.failures.add(new AssertionError("read result " + evs[i]));
                        }
                    }
                    reaped += n;
                }
            }
            for (Thread t : submitters) {
                t.join(10_000);
            }
            ledger.throwIfFailed();
            assertEquals(TOTAL, reaped);
            assertEquals(TOTAL, ctx.stats().completed());
            // Page-cache reads of whole blocks: one signal per completion, no more, no fewer.
            signals += efd.readCounter();
            assertEquals(TOTAL, signals, "eventfd count");
        }
    }
}
