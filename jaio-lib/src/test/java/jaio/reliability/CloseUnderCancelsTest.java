package jaio.reliability;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import jaio.Engine;
import jaio.IoBuffers;
import jaio.IoContext;
import jaio.IoFile;
import jaio.Opcode;
import jaio.Poll;
import jaio.Request;
import jaio.testkit.TestFiles;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Contexts closed while requests are in flight (polls nobody answers, timeouts, reads) and
 * while other threads cancel them: every close returns, promptly, and leaves no request in
 * flight.
 */
class CloseUnderCancelsTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @MethodSource("jaio.testkit.TestEngines#all")
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void closeReturnsWhileCancelsRace(Engine engine) throws Exception {
        Path p = TestFiles.patterned(dir, "close.dat", 1 << 20);
        SplittableRandom rnd = new SplittableRandom(14);
        try (IoFile f = IoFile.open(p, StandardOpenOption.READ)) {
            for (int round = 0; round < 150; round++) {
                IoFile[] pipe = IoFile.pipe();
                IoContext ctx = IoContext.open(128, engine);
                boolean polls = ctx.engineInfo().operations().containsKey(Opcode.POLL);
                boolean timeouts = ctx.engineInfo().operations().containsKey(Opcode.TIMEOUT);
                List<Request> rs = new ArrayList<>();
                for (int i = 0; i < 96; i++) {
                    Request r = switch (i % 4) {
                        case 0 -> polls ? Request.poll(pipe[0], Poll.IN) : Request.noop();
                        case 1 -> timeouts ? Request.timeout(Duration.ofSeconds(30), i % 8 == 1 ? 0 : 1000)
                                : Request.noop();
                        case 2 -> Request.pread(f, IoBuffers.allocate(4096), (long) rnd.nextInt(256) * 4096);
                        default -> Request.pread(pipe[0], IoBuffers.allocate(64), 0);
                    };
                    rs.add(r);
                }
                for (Request r : rs) {
                    ctx.submit(r);
                }
                AtomicBoolean stop = new AtomicBoolean();
                List<Thread> cancellers = new ArrayList<>();
                for (int t = 0; t < 2; t++) {
                    int seed = round * 2 + t;
                    cancellers.add(Thread.ofPlatform().start(() -> {
                        SplittableRandom r = new SplittableRandom(seed);
                        while (!stop.get()) {
                            try {
                                ctx.cancel(rs.get(r.nextInt(rs.size())));
                            } catch (IllegalStateException closed) {
                                return;
                            }
                        }
                    }));
                }
                Thread.sleep(rnd.nextInt(3));
                long t0 = System.nanoTime();
                ctx.close();
                long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
                stop.set(true);
                for (Thread t : cancellers) {
                    t.join();
                }
                assertTrue(ms < 10_000, "close took " + ms + " ms on " + engine.shortName());
                for (Request r : rs) {
                    assertFalse(r.isInFlight(), "in flight after close: " + r);
                }
                pipe[0].close();
                pipe[1].close();
            }
        }
    }
}
