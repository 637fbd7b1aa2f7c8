package jaio.engine.uring;

import static jaio.spi.TestOps.noop;
import static jaio.spi.TestOps.openFile;
import static jaio.spi.TestOps.read;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import jaio.Errno;
import jaio.Opcode;
import jaio.TestFiles;
import jaio.spi.CollectingSink;
import jaio.spi.Counters;
import jaio.spi.EngineContext;
import jaio.spi.EngineOptions;
import jaio.spi.FileHandle;
import jaio.spi.Op;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * SQPOLL rings whose kernel thread sleeps after 1 ms idle, fed small batches a few
 * milliseconds apart, so that submissions find the thread asleep or falling asleep again and
 * again. The kernel counts the idle time in scheduler ticks (1 ms becomes one tick, 1 to 10
 * ms by CONFIG_HZ), so the thread falls asleep one to two ticks after its last work: the
 * pauses range over that window. A submission that publishes its SQ tail and then misreads IORING_SQ_NEED_WAKEUP
 * (the two were not fenced) leaves the thread asleep with the SQEs unseen: the requests never
 * start. So every request must complete within a deadline, reaped only by polling the CQ ring
 * (a kernel wait or a CQE would flush the SQ again and hide the lost wake-up).
 */
@Tag("stress")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class UringSqPollWakeupTest {
    static final int BLOCK = 4096;
    static final int BLOCKS = 16;
    static final int ROUNDS = 300;
    static final long DEADLINE_NANOS = TimeUnit.SECONDS.toNanos(5);
    static UringProbe probe;

    @TempDir
    Path dir;

    @BeforeAll
    static void available() {
        probe = IoUringProvider.INSTANCE.probe();
        assumeTrue(probe.available(), "io_uring unavailable: " + probe.reason());
    }

    @Test
    void aSleepingSubmissionPollerIsWokenForEveryBatch() throws Exception {
        Path p = TestFiles.blockNumbered(dir.resolve("blocks.dat"), BLOCKS);
        Files.readAllBytes(p);
        List<IoUringEngine> engines = new ArrayList<>();
        FileHandle f = openFile(p, false);
        try {
            List<CollectingSink> sinks = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                CollectingSink sink = new CollectingSink();
                EngineOptions sqPoll = new EngineOptions(false, List.of(), true, -1, null, 1);
                IoUringEngine e = new IoUringEngine(new EngineContext("sqpoll-" + i, 16, 2, sink, new Counters(), sqPoll),
                        probe);
                engines.add(e);
                sinks.add(sink);
                assumeTrue(e.sqPolling(), () -> "SQPOLL not granted: " + e.capabilities().features());
                assertTrue(e.capabilities().features().contains(
                        "SQPOLL: a kernel thread polls the submission ring (sleeps after 1 ms idle)"),
                        () -> "features: " + e.capabilities().features());
            }
            AtomicReference<Throwable> failure = new AtomicReference<>();
            List<Thread> drivers = new ArrayList<>();
            for (int i = 0; i < engines.size(); i++) {
                IoUringEngine e = engines.get(i);
                CollectingSink sink = sinks.get(i);
                long seed = 31L * i + 7;
                drivers.add(Thread.ofPlatform().name("sqpoll-driver-" + i).start(() -> {
                    try {
                        drive(e, sink, f, seed);
                    } catch (Throwable t) {
                        failure.compareAndSet(null, t);
                    }
                }));
            }
            for (Thread t : drivers) {
                t.join(TimeUnit.SECONDS.toMillis(50));
                assertTrue(!t.isAlive(), t.getName() + " did not finish");
            }
            if (failure.get() != null) {
                throw new AssertionError(failure.get());
            }
            for (IoUringEngine e : engines) {
                // The thread slept and was woken again and again: the path under test ran.
                assertTrue(e.sqWakeups() >= ROUNDS / 10, () -> e + ": only " + e.sqWakeups() + " wake-ups");
            }
        } finally {
            for (IoUringEngine e : engines) {
                e.close();
            }
            f.close();
        }
    }

    /** Rounds of 1 to 4 requests, each round reaped by polling alone, with a pause after it. */
    private static void drive(IoUringEngine e, CollectingSink sink, FileHandle f, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        MemorySegment[] bufs = new MemorySegment[4];
        for (int i = 0; i < bufs.length; i++) {
            bufs[i] = Arena.ofAuto().allocate(BLOCK, BLOCK);
        }
        long id = 0;
        for (int round = 0; round < ROUNDS; round++) {
            int n = 1 + rnd.nextInt(4);
            Op[] ops = new Op[n];
            for (int i = 0; i < n; i++) {
                ops[i] = rnd.nextBoolean() ? noop(id) : read(f, bufs[i], (long) rnd.nextInt(BLOCKS) * BLOCK, id);
                id++;
            }
            int before = sink.count();
            e.submit(ops, 0, n);
            long deadline = System.nanoTime() + DEADLINE_NANOS;
            while (sink.count() < before + n) {
                if (System.nanoTime() > deadline) {
                    fail("round " + round + ": " + (sink.count() - before) + " of " + n
                            + " requests completed in 5 s: the SQPOLL thread slept through a submission");
                }
                e.harvest();
                LockSupport.parkNanos(20_000L);
            }
            for (Op op : ops) {
                if (op.opcode == Opcode.PREAD) {
                    assertEquals(BLOCK, op.result, () -> op + ": " + Errno.describe(op.result));
                    assertEquals(op.offset / BLOCK, op.segs[0].get(ValueLayout.JAVA_LONG, 0));
                } else {
                    assertEquals(0, op.result, op::toString);
                }
            }
            // Around the moment the thread (1 ms idle, a tick or two) falls asleep, or past it.
            LockSupport.parkNanos(rnd.nextLong(1_000_000L, 12_000_000L));
        }
    }
}
