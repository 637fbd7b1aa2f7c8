package jaio;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Many waiters with mixed N, maxima and timeouts on one context while two threads post
 * millions of events: none lost, none delivered twice, and every waiter returns by its
 * timeout (plus a scheduling allowance: these machines have two shared cores). The waiters
 * are {@link MixedWaiters}; the posters submit NOOPs of random priorities.
 */
@Tag("stress")
class DeliveryStressTest {
    private static final int EVENTS = 2_000_000;
    private static final int WAITERS = 6;
    private static final int POSTERS = 2;

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void millionsOfEventsManyWaitersMixedNAndTimeouts() throws Exception {
        StressLedger ledger = new StressLedger(EVENTS);
        try (IoContext ctx = IoContext.builder().engine(Engine.THREADS).capacity(512).open()) {
            MixedWaiters w = new MixedWaiters(ctx, ledger);
            List<Thread> waiters = ledger.start("waiter", WAITERS, w::waiter);
            List<Thread> posters = ledger.start("poster", POSTERS, p -> new PoolSubmitter(ctx, ledger, 100 + p, 256,
                    (i, rnd) -> Request.noop().priority(rnd.nextInt(8)))
                    .batchSize(32)
                    .run());
            ledger.joinSubmitters(posters);
            StressLedger.joinAll(waiters);
            ledger.throwIfFailed();
            assertEquals(EVENTS, ledger.accepted.get());
            assertEquals(EVENTS, ledger.reaped.get(), () -> String.format("events reaped (%d getEvents calls,"
                    + " worst lateness %.1f ms)", w.calls.get(), w.worstLateNanos.get() / 1e6));
            assertEquals(0, ctx.stats().unreaped());
            ledger.assertOneEventEach();
        }
    }
}
