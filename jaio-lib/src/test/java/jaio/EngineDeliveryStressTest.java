package jaio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
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
    private static final long LATE_ALLOWANCE_NANOS = TimeUnit.MILLISECONDS.toNanos(750);

    @TempDir
    Path dir;

    @ParameterizedTest
    @MethodSource("jaio.TestEngines#available")
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void manyWaitersMixedNAndTimeoutsNoneLostNoneTwice(Engine engine) throws Exception {
        Path p = TestFiles.patterned(dir, "d.dat", 1 << 20);
        TestFiles.readAll(p);
        AtomicIntegerArray seen = new AtomicIntegerArray(EVENTS);
        AtomicLong nextId = new AtomicLong();
        AtomicLong accepted = new AtomicLong();
        AtomicLong reaped = new AtomicLong();
        AtomicLong worstLate = new AtomicLong();
        AtomicBoolean postersDone = new AtomicBoolean();
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        try (IoContext ctx = IoContext.builder().engine(engine).capacity(256).open();
             IoFile f = IoFile.open(p, StandardOpenOption.READ)) {
            List<Thread> waiters = new ArrayList<>();
            for (int w = 0; w < WAITERS; w++) {
                int seed = w;
                waiters.add(Thread.ofPlatform().name("dwaiter-" + w).start(() -> {
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
                            worstLate.accumulateAndGet(late, Math::max);
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
                                if (evs[i].result() < 0) {
                                    throw new AssertionError("unexpected error " + evs[i]);
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
            for (int q = 0; q < POSTERS; q++) {
                int seed = 100 + q;
                posters.add(Thread.ofPlatform().name("dposter-" + q).start(() -> {
                    try {
                        post(ctx, f, seed, nextId, accepted, failures);
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
                t.join(60_000);
                if (t.isAlive()) {
                    failures.add(new AssertionError(t.getName() + " never finished: reaped " + reaped.get() + " of "
                            + accepted.get() + "; " + ctx.stats()));
                }
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
        System.out.printf("delivery stress on %s: %d events, worst lateness %.1f ms%n", engine, EVENTS, worstLate.get() / 1e6);
    }

    private static void post(IoContext ctx, IoFile f, int seed, AtomicLong nextId, AtomicLong accepted,
                             ConcurrentLinkedQueue<Throwable> failures) {
        SplittableRandom rnd = new SplittableRandom(seed);
        Request[] pool = new Request[128];
        for (int i = 0; i < pool.length; i++) {
            pool[i] = (i % 2 == 0 ? Request.noop() : Request.pread(f, IoBuffers.allocate(4096), 0)).priority(rnd.nextInt(8));
        }
        Request[] batch = new Request[16];
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
                if (batch[i].opcode() == Opcode.PREAD) {
                    batch[i].offset(rnd.nextInt(256) * 4096L);
                }
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
