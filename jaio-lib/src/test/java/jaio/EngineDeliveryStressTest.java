package jaio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The delivery rules under load on the real engines (SPEC C5), where kernel engines add the
 * pumping: one waiter at a time waits in the kernel for the others, and must be woken when a
 * waiter that needs fewer arrives or a completion is posted outside the kernel.
 * {@link DeliveryStressTest} does the same with millions of events on the thread pool alone.
 */
@Tag("stress")
class EngineDeliveryStressTest {
    private static final int EVENTS = 300_000;
    private static final int WAITERS = 4;
    private static final int POSTERS = 2;

    @TempDir
    Path dir;

    @ParameterizedTest
    @MethodSource("jaio.TestEngines#available")
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void manyWaitersMixedNAndTimeoutsNoneLostNoneTwice(Engine engine) throws Exception {
        Path p = TestFiles.patterned(dir, "d.dat", 1 << 20);
        TestFiles.readAll(p);
        StressLedger ledger = new StressLedger(EVENTS);
        try (IoContext ctx = IoContext.builder().engine(engine).capacity(256).open();
             IoFile f = IoFile.open(p, StandardOpenOption.READ)) {
            MixedWaiters w = new MixedWaiters(ctx, ledger);
            List<Thread> waiters = ledger.start("dwaiter", WAITERS, w::waiter);
            List<Thread> posters = ledger.start("dposter", POSTERS, q -> new PoolSubmitter(ctx, ledger, 100 + q, 128,
                    (i, rnd) -> (i % 2 == 0 ? Request.noop() : Request.pread(f, IoBuffers.allocate(4096), 0))
                            .priority(rnd.nextInt(8)))
                    .batchSize(16)
                    .run());
            ledger.joinSubmitters(posters);
            for (Thread t : waiters) {
                t.join(60_000);
                if (t.isAlive()) {
                    ledger.failures.add(new AssertionError(t.getName() + " never finished: reaped "
                            + ledger.reaped.get() + " of " + ledger.accepted.get() + "; " + ctx.stats()));
                }
            }
            ledger.throwIfFailed();
            assertEquals(EVENTS, ledger.accepted.get());
            assertEquals(EVENTS, ledger.reaped.get(), () -> String.format("events reaped on %s (worst lateness %.1f ms)",
                    engine, w.worstLateNanos.get() / 1e6));
            assertEquals(0, ctx.stats().unreaped());
            ledger.assertOneEventEach();
        }
    }

    /**
     * One waiter and one submitter meet at a barrier, many times: the waiter (which pumps the
     * kernel on kernel engines) must always get the event, whichever comes first.
     */
    @ParameterizedTest
    @MethodSource("jaio.TestEngines#available")
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void aWaiterAndASubmissionMeetingNeverLoseTheWakeup(Engine engine) throws Exception {
        Path p = TestFiles.patterned(dir, "w.dat", 1 << 16);
        TestFiles.readAll(p);
        int rounds = 3000;
        try (IoContext ctx = IoContext.builder().engine(engine).capacity(8).open();
             IoFile f = IoFile.open(p, StandardOpenOption.READ)) {
            CyclicBarrier start = new CyclicBarrier(2);
            Request noop = Request.noop();
            Request read = Request.pread(f, IoBuffers.allocate(512), 0);
            ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
            Thread submitter = Thread.ofPlatform().start(() -> {
                SplittableRandom rnd = new SplittableRandom(9);
                try {
                    for (int round = 0; round < rounds; round++) {
                        start.await();
                        long until = System.nanoTime() + rnd.nextLong(30_000);
                        while (System.nanoTime() < until) {
                            Thread.onSpinWait();
                        }
                        Request r = round % 2 == 0 ? noop : read;
                        while (r.isInFlight()) {
                            Thread.onSpinWait();
                        }
                        assertEquals(1, ctx.submit(r.userData(round)));
                    }
                } catch (Throwable t) {
                    failures.add(t);
                }
            });
            Event[] ev = {new Event()};
            for (int round = 0; round < rounds && failures.isEmpty(); round++) {
                start.await(10, TimeUnit.SECONDS);
                int n = ctx.getEvents(1, 1, ev, 10, TimeUnit.SECONDS);
                assertEquals(1, n, engine + " round " + round + ": the waiter missed the completion");
                assertEquals(round, ev[0].userData());
            }
            submitter.join(10_000);
            assertTrue(failures.isEmpty(), () -> failures.peek().toString());
        }
    }
}
