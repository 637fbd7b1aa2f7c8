package jaio;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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
    @MethodSource("jaio.TestEngines#available")
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void growingWhileBusyLosesNothing(Engine engine) throws Exception {
        Path p = TestFiles.patterned(dir, "r.dat", 1 << 20);
        TestFiles.readAll(p);
        AtomicIntegerArray events = new AtomicIntegerArray(TOTAL);
        AtomicLong nextId = new AtomicLong();
        AtomicLong accepted = new AtomicLong();
        AtomicLong reaped = new AtomicLong();
        AtomicBoolean submittersDone = new AtomicBoolean();
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        int finalCapacity = 512;
        try (IoContext ctx = IoContext.builder().engine(engine).capacity(8).open();
             IoFile f = IoFile.open(p, StandardOpenOption.READ)) {
            List<Thread> ts = new ArrayList<>();
            for (int s = 0; s < 2; s++) {
                int seed = s;
                ts.add(Thread.ofPlatform().start(() -> {
                    try {
                        submit(ctx, f, seed, nextId, accepted, failures);
                    } catch (Throwable t) {
                        failures.add(t);
                    }
                }));
            }
            Thread resizer = Thread.ofPlatform().start(() -> {
                try {
                    for (int c = 16; c <= finalCapacity && failures.isEmpty(); c += 8) {
                        ctx.resize(c);
                        Thread.sleep(0, 300_000);
                    }
                } catch (Throwable t) {
                    failures.add(t);
                }
            });
            Thread reaper = Thread.ofPlatform().start(() -> {
                Event[] evs = TestFiles.events(64);
                try {
                    long idleSince = -1;
                    while (failures.isEmpty()) {
                        int n = ctx.getEvents(1, evs.length, evs, 20, TimeUnit.MILLISECONDS);
                        for (int i = 0; i < n; i++) {
                            int id = (int) evs[i].userData();
                            if (events.incrementAndGet(id) != 1) {
                                throw new AssertionError("second event for " + id);
                            }
                            if (evs[i].result() < 0) {
                                throw new AssertionError("error " + evs[i]);
                            }
                        }
                        long r = reaped.addAndGet(n);
                        if (submittersDone.get() && r == accepted.get()) {
                            return;
                        }
                        if (n == 0 && submittersDone.get()) {
                            if (idleSince < 0) {
                                idleSince = System.nanoTime();
                            } else if (System.nanoTime() - idleSince > 30_000_000_000L) {
                                throw new AssertionError("events missing: " + r + " of " + accepted.get() + "; " + ctx.stats());
                            }
                        } else {
                            idleSince = -1;
                        }
                    }
                } catch (Throwable t) {
                    failures.add(t);
                }
            });
            for (Thread t : ts) {
                t.join();
            }
            submittersDone.set(true);
            resizer.join();
            reaper.join();
            if (!failures.isEmpty()) {
                AssertionError e = new AssertionError("failed: " + failures.peek(), failures.peek());
                failures.forEach(e::addSuppressed);
                throw e;
            }
            assertEquals(finalCapacity, ctx.capacity());
            assertEquals(TOTAL, reaped.get());
            // The grown room is usable: fill it entirely.
            Request[] full = TestFiles.noops(finalCapacity);
            assertEquals(finalCapacity, ctx.submit(full));
            assertEquals(finalCapacity, TestFiles.reap(ctx, finalCapacity).size());
        }
        for (int i = 0; i < TOTAL; i++) {
            if (events.get(i) != 1) {
                throw new AssertionError("request " + i + " had " + events.get(i) + " events");
            }
        }
    }

    private static void submit(IoContext ctx, IoFile f, int seed, AtomicLong nextId, AtomicLong accepted,
                               ConcurrentLinkedQueue<Throwable> failures) {
        SplittableRandom rnd = new SplittableRandom(seed);
        Request[] pool = new Request[384];
        for (int i = 0; i < pool.length; i++) {
            pool[i] = i % 2 == 0 ? Request.noop() : Request.pread(f, IoBuffers.allocate(4096), 0);
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
        }
    }
}
