package jaio.engine.uring;

import static jaio.testkit.TestProcess.openFds;
import static jaio.testkit.TestProcess.uringInstances;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import jaio.Engine;
import jaio.IoContext;
import jaio.Request;
import jaio.linux.IoUring;
import jaio.linux.IoUringSqe;
import jaio.testkit.ReuseCycle;
import jaio.testkit.TestEngines;
import jaio.testkit.TestFiles;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Drained io_uring instances parked for the next open ({@link UringRingPool}): a reused ring
 * never shows a CQE of its previous user, rings that not every thread may use are not parked,
 * the pool keeps to its bound, and what it holds is given back.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class UringRingReuseTest {
    @TempDir
    Path dir;

    @BeforeAll
    static void available() {
        TestEngines.assumeAvailable(Engine.IO_URING);
    }

    @BeforeEach
    void emptyPool() {
        UringRingPool.destroyAll();
    }

    static IoContext open(int capacity) throws IOException {
        return IoContext.builder().engine(Engine.IO_URING).capacity(capacity).open();
    }

    /**
     * Each cycle leaves its successor what could leak: reads reaped, POLLs cancelled and
     * reaped, POLLs and a TIMEOUT still in the kernel when close began, POLLs completed by a
     * write and never reaped, NOOPs never reaped. Every event must carry its cycle's user data.
     */
    @Test
    void aReusedRingNeverDeliversACompletionOfItsPreviousUser() throws Exception {
        Path p = TestFiles.patterned(dir, "r.dat", 1 << 16);
        long reused0 = UringRingPool.reused();
        int cycles = 300;
        ReuseCycle.runMany(p, cycles, () -> open(16), true);
        assertTrue(UringRingPool.reused() - reused0 >= cycles - 1,
                "every open after the first took the ring its predecessor parked: " + (UringRingPool.reused() - reused0));
    }

    /** A thousand cycles: descriptors and rings are the parked ones, and they are given back. */
    @Test
    void parkedRingsAreBoundedAndGivenBack() throws Exception {
        assumeTrue(Files.isDirectory(Path.of("/proc/self/fd")), "needs /proc/self");
        for (int i = 0; i < 20; i++) {
            try (IoContext ctx = open(8)) {
                ctx.submit(Request.noop());
                TestFiles.reap(ctx, 1);
            }
        }
        UringRingPool.destroyAll();
        long fds0 = openFds();
        long rings0 = uringInstances();
        for (int i = 0; i < 1000; i++) {
            try (IoContext a = open(8); IoContext b = open(i % 2 == 0 ? 8 : 64)) {
                a.submit(Request.noop());
                b.submit(Request.noop());
                TestFiles.reap(a, 1);
                TestFiles.reap(b, 1);
            }
        }
        int parked = UringRingPool.parked();
        assertTrue(parked >= 2 && parked <= 3, "two rings of capacity 8 and one of 64 at most: " + parked);
        assertEquals(rings0 + parked, uringInstances(), "rings open beyond the parked ones");
        assertTrue(openFds() <= fds0 + parked + 2, "descriptors grew from " + fds0 + " to " + openFds());
        assertEquals(parked, UringRingPool.destroyAll());
        assertEquals(rings0, uringInstances(), "parked rings were not closed");
    }

    /** More contexts closing at once than the pool takes: the oldest parked are closed. */
    @Test
    void thePoolKeepsToItsBound() throws Exception {
        long rings0 = uringInstances();
        List<IoContext> open = new ArrayList<>();
        try {
            for (int i = 0; i < UringRingPool.MAX_PARKED + 4; i++) {
                open.add(open(8));
            }
        } finally {
            for (IoContext c : open) {
                c.close();
            }
        }
        assertEquals(UringRingPool.MAX_PARKED, UringRingPool.parked());
        assertEquals(rings0 + UringRingPool.MAX_PARKED, uringInstances());
    }

    /** Rings tied to one thread, to a kernel thread, or to registered files or buffers are closed. */
    @Test
    void ringsNotEveryUserCouldShareAreNotParked() throws Exception {
        List<IoContext.Builder> kinds = List.of(
                IoContext.builder().engine(Engine.IO_URING).capacity(8).singleIssuer(),
                IoContext.builder().engine(Engine.IO_URING).capacity(8).sqPoll(true),
                IoContext.builder().engine(Engine.IO_URING).capacity(8).registerFiles(true),
                IoContext.builder().engine(Engine.IO_URING).capacity(8).registeredBuffers(2, 4096));
        for (IoContext.Builder b : kinds) {
            try (IoContext ctx = b.open()) {
                ctx.submit(Request.noop());
                TestFiles.reap(ctx, 1);
            }
            assertEquals(0, UringRingPool.parked(), b.toString());
        }
    }

    /** Below the engine: a parked ring that holds a CQE (which a drained close rules out) is not handed out. */
    @Test
    void aParkedRingWithACompletionInItIsNotTaken() throws Exception {
        UringProbe probe = IoUringProvider.INSTANCE.probe();
        try (Arena a = Arena.ofShared()) {
            UringInstance r = UringInstance.open(8, 16, new int[] {probe.flagSet()}, a);
            assertTrue(r.idle());
            UringRingPool.park(r, 8, 16, probe.flagSet());
            assertEquals(1, UringRingPool.parked());
            // A NOP through the old views: its CQE waits in the parked ring.
            IoUringSqe.set(r.rings.sqes, r.rings.nextSqe(), IoUring.IORING_OP_NOP, 0, 0, -1, 0, 0, 0, 0, 5, 0);
            r.rings.advanceSq();
            r.rings.publishSq();
            assertEquals(1, IoUring.enter(r.fd, 1, 0, 0, 0, 0));
            assertNull(UringRingPool.take(8, 16, probe.flagSet(), a), "a ring with a CQE in it is closed, not handed out");
            assertEquals(0, UringRingPool.parked());

            UringInstance s = UringInstance.open(8, 16, new int[] {probe.flagSet()}, a);
            UringRingPool.park(s, 8, 16, probe.flagSet());
            assertNull(UringRingPool.take(8, 32, probe.flagSet(), a), "another size is another ring");
            UringInstance t = UringRingPool.take(8, 16, probe.flagSet(), a);
            assertNotNull(t);
            assertEquals(s.fd, t.fd);
            assertTrue(t.idle());
            t.close();
        }
    }
}
