package jaio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicInteger;
import jaio.core.FileHandle;
import org.junit.jupiter.api.Test;

/**
 * The lock-free parts of the core, raced many times from barriers so that the interleavings
 * are actually exercised (in the spirit of jcstress, without its harness): the file handle's
 * reference count against close, a request's state against a double submit, and a context's
 * room against concurrent submitters.
 */
class LockFreeRaceTest {
    private static final int ROUNDS = 2_000;

    /** The descriptor is released exactly once, and never while a request holds it. */
    @Test
    void fileHandleCloseRacesAcquireAndRelease() throws Exception {
        int threads = 3;
        for (int round = 0; round < ROUNDS; round++) {
            AtomicInteger holding = new AtomicInteger();
            AtomicInteger closes = new AtomicInteger();
            ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
            FileHandle h = new FileHandle("race", FileHandle.Kind.FILE, true, true, false, false, false, -1, 1, 1, 1,
                    null, null, (fd, ch) -> {
                        closes.incrementAndGet();
                        if (holding.get() != 0) {
                            problems.add("released while " + holding.get() + " request(s) held it");
                        }
                    });
            CyclicBarrier start = new CyclicBarrier(threads + 1);
            List<Thread> ts = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                ts.add(Thread.ofPlatform().start(() -> {
                    await(start);
                    for (int i = 0; i < 20; i++) {
                        if (h.acquire()) {
                            holding.incrementAndGet();
                            Thread.onSpinWait();
                            holding.decrementAndGet();
                            h.release();
                        } else if (h.isOpen()) {
                            problems.add("acquire failed on an open handle");
                        }
                    }
                }));
            }
            await(start);
            h.close();
            for (Thread t : ts) {
                t.join();
            }
            assertTrue(problems.isEmpty(), problems::toString);
            assertEquals(1, closes.get(), "released exactly once");
            assertTrue(!h.acquire(), "no acquire after close");
        }
    }

    /** Two threads submitting the same request at once: exactly one gets it in. */
    @Test
    void aRequestSubmittedTwiceAtOnceIsAcceptedOnce() throws Exception {
        ManualEngine.Provider p = new ManualEngine.Provider();
        try (IoContext ctx = ManualEngine.open(p, 4)) {
            for (int round = 0; round < ROUNDS; round++) {
                Request r = Request.noop();
                CyclicBarrier start = new CyclicBarrier(2);
                AtomicInteger accepted = new AtomicInteger();
                AtomicInteger refused = new AtomicInteger();
                Runnable submit = () -> {
                    await(start);
                    try {
                        accepted.addAndGet(ctx.submit(r));
                    } catch (InvalidRequestException e) {
                        assertEquals(Errno.EBUSY, e.errno());
                        refused.incrementAndGet();
                    }
                };
                Thread a = Thread.ofPlatform().start(submit);
                Thread b = Thread.ofPlatform().start(submit);
                a.join();
                b.join();
                assertEquals(1, accepted.get());
                assertEquals(1, refused.get());
                p.last.completeOne();
                assertEquals(1, ctx.getEvents(1, new Event[] {new Event()}, java.time.Duration.ofSeconds(10)));
            }
        }
    }

    /** Concurrent submitters never take more room than the context has. */
    @Test
    void roomIsNeverOverdrawn() throws Exception {
        ManualEngine.Provider p = new ManualEngine.Provider();
        int capacity = 8;
        try (IoContext ctx = ManualEngine.open(p, capacity)) {
            for (int round = 0; round < ROUNDS / 4; round++) {
                int threads = 3;
                CyclicBarrier start = new CyclicBarrier(threads);
                AtomicInteger accepted = new AtomicInteger();
                List<Thread> ts = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    ts.add(Thread.ofPlatform().start(() -> {
                        Request[] rs = new Request[5];
                        for (int i = 0; i < rs.length; i++) {
                            rs[i] = Request.noop();
                        }
                        await(start);
                        accepted.addAndGet(ctx.submit(rs));
                    }));
                }
                for (Thread t : ts) {
                    t.join();
                }
                assertEquals(capacity, accepted.get(), "exactly the room, no more, no less");
                assertEquals(capacity, p.last.held());
                p.last.completeBatch(capacity);
                Event[] evs = new Event[capacity];
                for (int i = 0; i < capacity; i++) {
                    evs[i] = new Event();
                }
                assertEquals(capacity, ctx.getEvents(capacity, evs, java.time.Duration.ofSeconds(10)));
            }
        }
    }

    private static void await(CyclicBarrier b) {
        try {
            b.await();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
