package jaio;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
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
    @MethodSource("jaio.TestEngines#available")
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void aMillionRequestsWithCancelsAllYieldOneEvent(Engine engine) throws Exception {
        Path p = Files.createTempFile("jaio-stress", ".dat");
        Files.write(p, new byte[1 << 20]);
        AtomicIntegerArray events = new AtomicIntegerArray(TOTAL);
        AtomicIntegerArray cancelled = new AtomicIntegerArray(TOTAL);
        AtomicLong nextId = new AtomicLong();
        AtomicLong accepted = new AtomicLong();
        AtomicLong reaped = new AtomicLong();
        AtomicBoolean submittersDone = new AtomicBoolean();
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        try (IoContext ctx = IoContext.builder().engine(engine).capacity(256).open();
             IoFile f = IoFile.open(p, StandardOpenOption.READ)) {
            List<Thread> threads = new ArrayList<>();
            for (int s = 0; s < SUBMITTERS; s++) {
                int seed = s;
                threads.add(Thread.ofPlatform().name("stress-submit-" + s).start(() -> {
                    try {
                        submitLoop(ctx, f, seed, nextId, accepted, cancelled, failures);
                    } catch (Throwable t) {
                        failures.add(t);
                    }
                }));
            }
            List<Thread> reapers = new ArrayList<>();
            for (int r = 0; r < REAPERS; r++) {
                int seed = 100 + r;
                reapers.add(Thread.ofPlatform().name("stress-reap-" + r).start(() -> {
                    try {
                        reapLoop(ctx, seed, events, cancelled, reaped, accepted, submittersDone, failures);
                    } catch (Throwable t) {
                        failures.add(t);
                    }
                }));
            }
            for (Thread t : threads) {
                t.join();
            }
            submittersDone.set(true);
            for (Thread t : reapers) {
                t.join();
            }
            if (!failures.isEmpty()) {
                AssertionError e = new AssertionError("failed: " + failures.peek(), failures.peek());
                failures.forEach(e::addSuppressed);
                throw e;
            }
            assertEquals(accepted.get(), reaped.get(), "events reaped = requests accepted");
            ContextStats st = ctx.stats();
            assertEquals(st.submitted(), st.completed());
            assertEquals(st.submitted(), st.reaped());
            assertEquals(0, st.inFlight());
            assertEquals(0, st.unreaped());
        } finally {
            Files.deleteIfExists(p);
        }
        for (int i = 0; i < TOTAL; i++) {
            if (events.get(i) != 1) {
                throw new AssertionError("request " + i + " had " + events.get(i) + " events");
            }
        }
    }

    private static void submitLoop(IoContext ctx, IoFile f, int seed, AtomicLong nextId, AtomicLong accepted,
                                   AtomicIntegerArray cancelled, ConcurrentLinkedQueue<Throwable> failures) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int pool = 96;
        Request[] reqs = new Request[pool];
        for (int i = 0; i < pool; i++) {
            reqs[i] = i % 3 == 0 ? Request.pread(f, IoBuffers.allocate(4096), 0) : Request.noop();
        }
        Request[] batch = new Request[16];
        while (failures.isEmpty()) {
            int n = 0;
            int want = 1 + rnd.nextInt(batch.length);
            for (int i = 0; i < pool && n < want; i++) {
                Request r = reqs[(i + rnd.nextInt(pool)) % pool];
                if (!r.isInFlight() && !contains(batch, n, r)) {
                    batch[n++] = r;
                }
            }
            if (n == 0) {
                Thread.onSpinWait();
                continue;
            }
            long first = nextId.getAndAdd(n);
            if (first >= TOTAL) {
                return;
            }
            n = (int) Math.min(n, TOTAL - first);
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
            if (rnd.nextInt(4) == 0) {
                Request victim = batch[rnd.nextInt(n)];
                long id = victim.userData();
                CancelResult c = ctx.cancel(victim);
                if (c == CancelResult.CANCELED && victim.userData() == id) {
                    cancelled.set((int) id, 1);
                }
            }
            java.util.Arrays.fill(batch, null);
        }
    }

    private static boolean contains(Request[] a, int n, Request r) {
        for (int i = 0; i < n; i++) {
            if (a[i] == r) {
                return true;
            }
        }
        return false;
    }

    private static void reapLoop(IoContext ctx, int seed, AtomicIntegerArray events, AtomicIntegerArray cancelled,
                                 AtomicLong reaped, AtomicLong accepted, AtomicBoolean submittersDone,
                                 ConcurrentLinkedQueue<Throwable> failures) {
        SplittableRandom rnd = new SplittableRandom(seed);
        Event[] evs = TestFiles.events(32);
        long idleSince = -1;
        while (failures.isEmpty()) {
            int min = rnd.nextInt(4);
            int max = min + 1 + rnd.nextInt(evs.length - min);
            int got = ctx.getEvents(min, max, evs, 20, TimeUnit.MILLISECONDS);
            for (int i = 0; i < got; i++) {
                Event e = evs[i];
                int id = (int) e.userData();
                if (events.incrementAndGet(id) != 1) {
                    throw new AssertionError("second event for request " + id);
                }
                if (cancelled.get(id) == 1 && e.result() != -Errno.ECANCELED) {
                    throw new AssertionError("request " + id + " was CANCELED but completed with " + e);
                }
                if (e.result() < 0 && e.result() != -Errno.ECANCELED) {
                    throw new AssertionError("unexpected error " + e);
                }
            }
            long r = reaped.addAndGet(got);
            if (submittersDone.get() && r == accepted.get()) {
                return;
            }
            if (got == 0 && submittersDone.get()) {
                if (idleSince < 0) {
                    idleSince = System.nanoTime();
                } else if (System.nanoTime() - idleSince > Duration.ofSeconds(30).toNanos()) {
                    throw new AssertionError("events missing: reaped " + r + " of " + accepted.get());
                }
            } else {
                idleSince = -1;
            }
        }
    }
}
