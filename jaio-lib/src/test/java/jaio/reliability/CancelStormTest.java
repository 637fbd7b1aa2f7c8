package jaio.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import jaio.CancelResult;
import jaio.Engine;
import jaio.Errno;
import jaio.Event;
import jaio.IoBuffers;
import jaio.IoContext;
import jaio.IoFile;
import jaio.Opcode;
import jaio.Poll;
import jaio.Request;
import jaio.testkit.TestFiles;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Cancels at random, at random moments, requests of every kind (file reads and writes,
 * fsync, noop, timeouts with and without a completion count, polls and continued short reads
 * on pipes) and checks every answer against the event: CANCELED if and only if the event is
 * -ECANCELED; a request nobody cancelled never ends with -ECANCELED.
 */
class CancelStormTest {
    private static final int ROUNDS = Integer.getInteger("jaio.cancelStorm.rounds", 400);
    private static final int PER_ROUND = 24;
    /** User data of the helper writes that feed the pipes: not part of the check. */
    private static final long HELPER = 1L << 40;

    @ParameterizedTest
    @MethodSource("jaio.testkit.TestEngines#all")
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void everyCancelAnswerAgreesWithTheEvent(Engine engine) throws Exception {
        Path p = Files.createTempFile("jaio-cancel-storm", ".dat");
        Files.write(p, new byte[1 << 20]);
        ConcurrentHashMap<Long, Long> results = new ConcurrentHashMap<>();
        int[] answers = new int[CancelResult.values().length];
        List<String> disagreements = new ArrayList<>();
        try (IoContext ctx = IoContext.builder().engine(engine).capacity(256).open();
             IoFile f = IoFile.open(p, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            Thread reaper = Thread.ofPlatform().name("storm-reap").start(() -> {
                Event[] evs = TestFiles.events(64);
                while (!Thread.currentThread().isInterrupted() && ctx.isOpen()) {
                    int n;
                    try {
                        n = ctx.getEvents(1, evs.length, evs, 20, TimeUnit.MILLISECONDS);
                    } catch (IllegalStateException closed) {
                        return;
                    }
                    for (int i = 0; i < n; i++) {
                        results.put(evs[i].userData(), evs[i].result());
                    }
                }
            });
            // An engine without TIMEOUT or POLL gets noops in their places.
            boolean timeouts = ctx.engineInfo().operations().containsKey(Opcode.TIMEOUT);
            boolean polls = ctx.engineInfo().operations().containsKey(Opcode.POLL);
            SplittableRandom rnd = new SplittableRandom(16);
            long id = 0;
            try {
                for (int round = 0; round < ROUNDS; round++) {
                    IoFile[] pipeA = IoFile.pipe();
                    IoFile[] pipeB = IoFile.pipe();
                    try {
                        Request[] rs = new Request[PER_ROUND];
                        long first = id;
                        for (int i = 0; i < rs.length; i++) {
                            rs[i] = request(kind(i % 8, timeouts, polls), f, pipeA[0], pipeB[0], rnd).userData(id++);
                        }
                        assertEquals(rs.length, ctx.submit(rs));
                        // The pipes are fed from another thread while the cancels run: half the
                        // short read arrives, a little later the rest, so cancels land before,
                        // between and after the read's iterations.
                        Thread feeder = feed(ctx, pipeA[1], pipeB[1], rnd.nextInt(400));
                        CancelResult[] said = new CancelResult[rs.length];
                        for (int i = 0; i < rs.length; i++) {
                            if (rnd.nextInt(3) != 0) {
                                if (rnd.nextBoolean()) {
                                    LockSupport.parkNanos(rnd.nextInt(200_000));
                                }
                                said[i] = ctx.cancel(rs[i]);
                                answers[said[i].ordinal()]++;
                            }
                        }
                        feeder.join();
                        awaitAll(results, first, rs.length);
                        for (int i = 0; i < rs.length; i++) {
                            long r = results.remove(first + i);
                            boolean ecanceled = r == -Errno.ECANCELED;
                            if ((said[i] == CancelResult.CANCELED) != ecanceled) {
                                disagreements.add(engine.shortName() + ": " + rs[i].opcode() + " #" + (first + i)
                                        + " cancel said " + said[i] + ", event " + r);
                            }
                        }
                        results.keySet().removeIf(k -> k >= HELPER);
                    } finally {
                        for (IoFile x : new IoFile[] {pipeA[0], pipeA[1], pipeB[0], pipeB[1]}) {
                            x.close();
                        }
                    }
                }
            } finally {
                reaper.interrupt();
                reaper.join();
            }
        } finally {
            Files.deleteIfExists(p);
        }
        assertTrue(disagreements.isEmpty(), disagreements.size() + " answers disagree with their event, e.g. "
                + disagreements.subList(0, Math.min(10, disagreements.size())));
        assertTrue(answers[CancelResult.CANCELED.ordinal()] > 0, "some cancels succeeded");
        assertTrue(answers[CancelResult.NOT_CANCELED.ordinal()] + answers[CancelResult.ALREADY_DONE.ordinal()] > 0,
                "some requests ended anyway");
    }

    private static int kind(int k, boolean timeouts, boolean polls) {
        if ((k == 4 || k == 5) && !timeouts || k == 6 && !polls) {
            return 2;
        }
        return k;
    }

    private static Request request(int kind, IoFile f, IoFile pollMe, IoFile readMe, SplittableRandom rnd) {
        long off = (long) rnd.nextInt(256) * 4096;
        return switch (kind) {
            case 0 -> Request.pread(f, IoBuffers.allocate(4096), off);
            case 1 -> Request.pwrite(f, IoBuffers.allocate(4096), off);
            case 2 -> Request.noop();
            case 3 -> Request.fsync(f);
            case 4 -> Request.timeout(Duration.ofMillis(1 + rnd.nextInt(3)), 0);
            case 5 -> Request.timeout(Duration.ofMillis(50), 1 + rnd.nextInt(4));
            case 6 -> Request.poll(pollMe, Poll.IN);
            default -> Request.pread(readMe, IoBuffers.allocate(8192), 0);
        };
    }

    /** Writes a byte to the polled pipe and 8 KiB in two halves to the read one. */
    private static Thread feed(IoContext ctx, IoFile pollW, IoFile readW, int pauseMicros) {
        return Thread.ofPlatform().name("storm-feed").start(() -> {
            try {
                write(ctx, pollW, 1, HELPER);
                for (int half = 0; half < 2; half++) {
                    for (int k = 0; k < 3; k++) {
                        // Three reads per round wait on this pipe: one half each, twice.
                        write(ctx, readW, 4096, HELPER + 1 + half * 3 + k);
                    }
                    LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(pauseMicros));
                }
            } catch (IllegalStateException closed) {
                throw new AssertionError(closed);
            }
        });
    }

    private static void write(IoContext ctx, IoFile w, int n, long ud) {
        Request r = Request.pwrite(w, IoBuffers.allocate(n), 0).userData(ud);
        assertEquals(1, ctx.submit(r));
    }

    private static void awaitAll(ConcurrentHashMap<Long, Long> results, long first, int n) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        for (int i = 0; i < n; i++) {
            while (!results.containsKey(first + i)) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("request #" + (first + i) + " has no event after 20 s");
                }
                LockSupport.parkNanos(100_000);
            }
        }
    }
}
