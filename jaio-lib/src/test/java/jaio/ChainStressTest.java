package jaio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import jaio.testkit.TestFiles;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Random chains (soft and hard links, short reads, failing reads, link timeouts that fire and
 * that do not, barriers) under random cancels from another thread: every request yields
 * exactly one event, a chain's events come in chain order, and once a soft link broke every
 * later member reports -ECANCELED.
 */
class ChainStressTest {
    private static final int CHAINS = 4000;

    private static final java.util.concurrent.atomic.AtomicLong CANCELLED = new java.util.concurrent.atomic.AtomicLong();

    @TempDir
    Path dir;

    /** What the test knows about one member. */
    private record Member(int chain, int pos, boolean lt, boolean softLink) {}

    @ParameterizedTest
    @MethodSource("jaio.testkit.TestEngines#all")
    void randomChainsWithRandomCancelsKeepOneEventEachInChainOrder(Engine engine) throws Exception {
        Path data = TestFiles.patterned(dir, "data", 64 * 1024);
        Path d = Files.createDirectories(dir.resolve("d"));
        SplittableRandom rnd = new SplittableRandom(42);
        try (IoContext ctx = IoContext.builder().engine(engine).capacity(128).open();
             IoFile f = IoFile.open(data, StandardOpenOption.READ);
             IoFile bad = IoFile.open(d, StandardOpenOption.READ)) {
            boolean poll = ctx.engineInfo().operations().containsKey(Opcode.POLL);
            IoFile[] pipe = IoFile.pipe();
            Map<Request, Member> members = new IdentityHashMap<>();
            Map<Request, Integer> events = new IdentityHashMap<>();
            List<Request> inFlight = new CopyOnWriteArrayList<>();
            AtomicBoolean stop = new AtomicBoolean();
            Thread canceller = Thread.ofPlatform().start(() -> {
                SplittableRandom r = new SplittableRandom(7);
                while (!stop.get()) {
                    int n = inFlight.size();
                    if (n > 0) {
                        try {
                            ctx.cancel(inFlight.get(r.nextInt(n)));
                        } catch (IndexOutOfBoundsException | IllegalArgumentException e) {
                            // the list moved under us, or the request is between uses
                        }
                    }
                    if (r.nextInt(4) == 0) {
                        java.util.concurrent.locks.LockSupport.parkNanos(20_000);
                    } else {
                        Thread.onSpinWait();
                    }
                }
            });
            int[] lastPos = new int[CHAINS];
            boolean[] broken = new boolean[CHAINS];
            int[] brokenAt = new int[CHAINS];
            java.util.Arrays.fill(lastPos, -1);
            Event[] evs = TestFiles.events(64);
            int submitted = 0;
            int reaped = 0;
            try {
                for (int c = 0; c < CHAINS; c++) {
                    List<Request> chain = chain(c, rnd, f, bad, pipe[0], poll, members);
                    Request[] arr = chain.toArray(new Request[0]);
                    inFlight.addAll(chain);
                    long roomBy = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                    while (ctx.submit(arr) == 0) {
                        assertTrue(System.nanoTime() < roomBy, "no room for a minute: " + ctx.stats());
                        reaped += reapSome(ctx, evs, 1, members, events, lastPos, broken, brokenAt, inFlight);
                    }
                    submitted += arr.length;
                    reaped += reapSome(ctx, evs, 0, members, events, lastPos, broken, brokenAt, inFlight);
                }
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (reaped < submitted && System.nanoTime() < deadline) {
                    reaped += reapSome(ctx, evs, 1, members, events, lastPos, broken, brokenAt, inFlight);
                }
            } finally {
                stop.set(true);
                canceller.join();
                pipe[0].close();
                pipe[1].close();
            }
            assertEquals(submitted, reaped, "every request yields an event");
            assertTrue(CANCELLED.get() > 0, "some chains broke or were cancelled");
            for (Map.Entry<Request, Member> e : members.entrySet()) {
                assertEquals(1, events.getOrDefault(e.getKey(), 0), "one event for " + e.getValue());
            }
            assertEquals(0, ctx.getEvents(0, evs, Duration.ofMillis(20)), "no event more");
        }
    }

    private static List<Request> chain(int c, SplittableRandom rnd, IoFile f, IoFile bad, IoFile pipeIn,
                                       boolean poll, Map<Request, Member> members) {
        int len = 1 + rnd.nextInt(5);
        List<Request> l = new ArrayList<>();
        for (int pos = 0; pos < len; pos++) {
            boolean last = pos == len - 1;
            Request r;
            boolean lt = false;
            Request prev = l.isEmpty() ? null : l.get(l.size() - 1);
            boolean afterLinked = prev != null && prev.opcode() != Opcode.LINK_TIMEOUT;
            int kind = rnd.nextInt(10);
            if (afterLinked && kind < 2) {
                r = Request.linkTimeout(Duration.ofNanos(rnd.nextInt(3) == 0 ? 10_000_000_000L : rnd.nextInt(2_000_000)));
                lt = true;
            } else if (poll && !last && kind == 2) {
                r = Request.poll(pipeIn, Poll.IN);
                l.add(r.link());
                members.put(r, new Member(c, pos, false, true));
                pos++;
                // A poll that nobody answers: its link timeout ends it.
                r = Request.linkTimeout(Duration.ofNanos(rnd.nextInt(3_000_000)));
                lt = true;
                last = pos == len - 1;
            } else if (kind < 5) {
                r = Request.pread(f, ByteBuffer.allocateDirect(4096), rnd.nextInt(4) == 0 ? 62 * 1024 : 0);
            } else if (kind == 5) {
                r = Request.pread(bad, ByteBuffer.allocateDirect(512), 0);
            } else {
                r = Request.noop();
            }
            boolean soft = false;
            if (!last) {
                soft = rnd.nextBoolean();
                if (soft) {
                    r.link();
                } else {
                    r.hardLink();
                }
            }
            if (pos == 0 && rnd.nextInt(10) == 0) {
                r.barrier();
            }
            r.userData(((long) c << 8) | pos);
            l.add(r);
            members.put(r, new Member(c, pos, lt, soft));
        }
        return l;
    }

    private static int reapSome(IoContext ctx, Event[] evs, int min, Map<Request, Member> members,
                                Map<Request, Integer> events, int[] lastPos, boolean[] broken, int[] brokenAt,
                                List<Request> inFlight) {
        int n = ctx.getEvents(min, evs.length, evs, 5, TimeUnit.SECONDS);
        for (int i = 0; i < n; i++) {
            Event e = evs[i];
            Request r = e.request();
            Member m = members.get(r);
            events.merge(r, 1, Integer::sum);
            if (e.result() == -Errno.ECANCELED) {
                CANCELLED.incrementAndGet();
            }
            inFlight.remove(r);
            assertTrue(m.pos() > lastPos[m.chain()], "chain order: " + m + " after position " + lastPos[m.chain()]);
            lastPos[m.chain()] = m.pos();
            // A link timeout reports its own outcome when its guarded request broke the chain.
            boolean guardOfBreak = m.lt() && brokenAt[m.chain()] == m.pos() - 1;
            if (broken[m.chain()] && !guardOfBreak) {
                assertEquals(-Errno.ECANCELED, e.result(), m + " after a broken soft link: " + e);
            }
            if (!m.lt()) {
                boolean ok = e.result() >= 0 && (!isTransfer(e.opcode()) || e.result() == r.length());
                if (!ok && m.softLink() && !broken[m.chain()]) {
                    broken[m.chain()] = true;
                    brokenAt[m.chain()] = m.pos();
                }
            }
        }
        return n;
    }

    private static boolean isTransfer(Opcode o) {
        return o == Opcode.PREAD || o == Opcode.PWRITE || o == Opcode.PREADV || o == Opcode.PWRITEV;
    }
}
