package jaio;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Many waiters with mixed N, maxima and timeouts on one context while two threads post
 * millions of events: none lost, none delivered twice, and every waiter returns by its
 * timeout (plus a scheduling allowance: these machines have two shared cores).
 */
@Tag("stress")
class DeliveryStressTest {
    private static final int EVENTS = 2_000_000;
    private static final int WAITERS = 6;
    private static final int POSTERS = 2;
    private static final long LATE_ALLOWANCE_NANOS = TimeUnit.MILLISECONDS.toNanos(750);

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void millionsOfEventsManyWaitersMixedNAndTimeouts() throws Exception {
        AtomicIntegerArray seen = new AtomicIntegerArray(EVENTS);
        AtomicLong nextId = new AtomicLong();
        AtomicLong accepted = new AtomicLong();
        AtomicLong reaped = new AtomicLong();
        AtomicLong calls = new AtomicLong();
        AtomicLong worstLateNanos = new AtomicLong();
        AtomicBoolean postersDone = new AtomicBoolean();
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        try (IoContext ctx = IoContext.builder().engine(Engine.THREADS).capacity(512).open()) {
            List<Thread> waiters = new ArrayList<>();
            for (int w = 0; w < WAITERS; w++) {
                int seed = w;
                waiters.add(Thread.ofPlatform().name("waiter-" + w).start(() -> {
                    try {
                        SplittableRandom rnd = new SplittableRandom(seed);
                        Event[] evs = TestFiles.events(16);
                        while (failures.isEmpty()) {
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
                            for (int i = 0; i < n; i++) {
                                int id = (int) evs[i].userData();
                                if (seen.incrementAndGet(id) != 1) {
                                    throw new AssertionError("event " + id + " delivered twice");
                                }
                            }
                            long r = reaped.addAndGet(n);
                            if (postersDone.get() && r == accepted.get()) {
                                return;
                            }
                        }
                    } catch (Throwable t) {
                        failures.add(t);
                    }
                }));
            }
            List<Thread> posters = new ArrayList<>();
            for (int p = 0; p < POSTERS; p++) {
                int seed = 100 + p;
                posters.add(Thread.ofPlatform().name("poster-" + p).start(() -> {
                    try {
                        post(ctx, seed, nextId, accepted, failures);
                    } catch (Throwable t) {
                        failures.add(t);
                    }
                }));
            }
            for (Thread t : posters) {
                t.join();
            }
            postersDone.set(true);
            for (Thread t : waiters) {
                t.join();
            }
            if (!failures.isEmpty()) {
                AssertionError e = new AssertionError("failed: " + failures.peek(), failures.peek());
                failures.forEach(e::addSuppressed);
                throw e;
            }
            assertEquals(EVENTS, accepted.get());
            assertEquals(EVENTS, reaped.get());
            assertEquals(0, ctx.stats().unreaped());
        }
        for (int i = 0; i < EVENTS; i++) {
            if (seen.get(i) != 1) {
                throw new AssertionError("event " + i + " seen " + seen.get(i) + " times");
            }
        }
        System.out.printf("delivery stress: %d events, %d getEvents calls, worst lateness %.1f ms%n",
                EVENTS, calls.get(), worstLateNanos.get() / 1e6);
    }

    private static void post(IoContext ctx, int seed, AtomicLong nextId, AtomicLong accepted,
                             ConcurrentLinkedQueue<Throwable> failures) {
        SplittableRandom rnd = new SplittableRandom(seed);
        Request[] pool = new Request[256];
        for (int i = 0; i < pool.length; i++) {
            pool[i] = Request.noop().priority(rnd.nextInt(8));
        }
        Request[] batch = new Request[32];
        int cursor = 0;
        while (failures.isEmpty()) {
            int n = 0;
            int want = 1 + rnd.nextInt(batch.length);
            for (int scanned = 0; scanned < pool.length && n < want; scanned++) {
                Request r = pool[cursor];
                cursor = (cursor + 1) % pool.length;
                if (!r.isInFlight()) {
                    batch[n++] = r;
                }
            }
            if (n == 0) {
                Thread.onSpinWait();
                continue;
            }
            long first = nextId.getAndAdd(n);
            if (first >= EVENTS) {
                return;
            }
            n = (int) Math.min(n, EVENTS - first);
            for (int i = 0; i < n; i++) {
                batch[i].userData(first + i);
            }
            int off = 0;
            while (off < n && failures.isEmpty()) {
                int k = ctx.submit(batch, off, n - off);
                accepted.addAndGet(k);
                off += k;
                if (k == 0) {
                    Thread.onSpinWait();
                }
            }
        }
    }
}
