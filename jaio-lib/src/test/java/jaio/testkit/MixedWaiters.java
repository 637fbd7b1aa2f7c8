package jaio.testkit;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import jaio.IoContext;

/**
 * The waiters of the delivery stress tests, on one context. Each getEvents asks for a random
 * N (1 to 8), a random maximum from N to 16 and a random timeout (1 to 20 ms); it must return
 * no more than its maximum, by its timeout plus {@link #LATE_ALLOWANCE_NANOS} (a scheduling
 * allowance: these machines have two shared cores), and only events without an error. The
 * ledger checks that no request has two events.
 */
public final class MixedWaiters {
    public static final long LATE_ALLOWANCE_NANOS = TimeUnit.MILLISECONDS.toNanos(750);

    /** getEvents calls made by all the waiters. */
    public final AtomicLong calls = new AtomicLong();
    /** The most any call returned after its timeout. */
    public final AtomicLong worstLateNanos = new AtomicLong();
    private final IoContext ctx;
    private final StressLedger ledger;

    public MixedWaiters(IoContext ctx, StressLedger ledger) {
        this.ctx = ctx;
        this.ledger = ledger;
    }

    /** One waiter, with its own random numbers from {@code seed}, until every accepted request had its event. */
    public void waiter(int seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        ledger.reapUntilDone(ctx, TestFiles.events(16), evs -> {
            int min = 1 + rnd.nextInt(8);
            int max = min + rnd.nextInt(evs.length - min + 1);
            long timeout = TimeUnit.MILLISECONDS.toNanos(1 + rnd.nextInt(20));
            long t0 = System.nanoTime();
            int n = ctx.getEvents(min, max, evs, timeout, TimeUnit.NANOSECONDS);
            long late = System.nanoTime() - t0 - timeout;
            worstLateNanos.accumulateAndGet(late, Math::max);
            calls.incrementAndGet();
            if (n > max) {
                throw new AssertionError("got " + n + " > max " + max);
            }
            if (late > LATE_ALLOWANCE_NANOS) {
                throw new AssertionError("returned " + late / 1_000_000 + " ms after its timeout");
            }
            return n;
        }, e -> {
            if (e.result() < 0) {
                throw new AssertionError("unexpected error " + e);
            }
        });
    }
}
