package jaio.engine.kaio;

import static jaio.testkit.TestProcess.aioRings;
import static jaio.testkit.TestProcess.openFds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import jaio.Engine;
import jaio.IoContext;
import jaio.IoFile;
import jaio.Request;
import jaio.linux.Aio;
import jaio.linux.Iocb;
import jaio.linux.LibC;
import jaio.testkit.ReuseCycle;
import jaio.testkit.TestEngines;
import jaio.testkit.TestFiles;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Drained native AIO contexts parked for the next open ({@link KaioContextPool}): a reused
 * context never shows an event of its previous user, what cannot be drained is destroyed, the
 * pool keeps to its bounds, and what it holds is given back.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class KaioContextReuseTest {
    @TempDir
    Path dir;

    @BeforeAll
    static void available() {
        TestEngines.assumeAvailable(Engine.KAIO);
    }

    @BeforeEach
    void emptyPool() {
        KaioContextPool.destroyAll();
    }

    static IoContext open(int capacity) throws IOException {
        return IoContext.builder().engine(Engine.KAIO).capacity(capacity).open();
    }

    /**
     * Each cycle leaves its successor everything that could leak: reads reaped, POLLs
     * cancelled and reaped, POLLs cancelled by the close itself (in the kernel when close
     * began), a POLL that completed in the kernel and was never reaped, NOOPs never reaped.
     * Every event a cycle takes must carry its own user data and the right result.
     */
    @Test
    void aReusedContextNeverDeliversAnEventOfItsPreviousUser() throws Exception {
        Path p = TestFiles.patterned(dir, "r.dat", 1 << 16);
        long reused0 = KaioContextPool.reused();
        int cycles = 300;
        ReuseCycle.runMany(p, cycles, () -> open(16), false);
        assertTrue(KaioContextPool.reused() - reused0 >= cycles - 1,
                "every open after the first took the context its predecessor parked: " + (KaioContextPool.reused() - reused0));
    }

    /** A thousand cycles: descriptors stay put, and the rings mapped are the parked ones. */
    @Test
    void parkedContextsHoldNoDescriptorAndAreGivenBack() throws Exception {
        assumeTrue(Files.isDirectory(Path.of("/proc/self/fd")), "needs /proc/self");
        for (int i = 0; i < 20; i++) {
            try (IoContext ctx = open(8)) {
                ctx.submit(Request.noop());
                TestFiles.reap(ctx, 1);
            }
        }
        KaioContextPool.destroyAll();
        long fds0 = openFds();
        long rings0 = aioRings();
        for (int i = 0; i < 1000; i++) {
            // Two sizes and two at once: a few kinds of parked context.
            try (IoContext a = open(8); IoContext b = open(i % 2 == 0 ? 8 : 32)) {
                a.submit(Request.noop());
                b.submit(Request.noop());
                TestFiles.reap(a, 1);
                TestFiles.reap(b, 1);
            }
        }
        assertTrue(openFds() <= fds0 + 2, "descriptors grew from " + fds0 + " to " + openFds());
        int parked = KaioContextPool.parked();
        assertTrue(parked >= 2 && parked <= 3, "two contexts of size 8 and one of size 32 at most: " + parked);
        assertEquals(rings0 + parked, aioRings(), "rings mapped beyond the parked ones");
        assertEquals(parked, KaioContextPool.destroyAll());
        assertEquals(0, KaioContextPool.parked());
        assertEquals(rings0, aioRings(), "parked rings were not destroyed");
    }

    /** More contexts closing at once than the pool takes: the oldest parked are destroyed. */
    @Test
    void thePoolKeepsToItsBound() throws Exception {
        long rings0 = aioRings();
        List<IoContext> open = new ArrayList<>();
        try {
            for (int i = 0; i < KaioContextPool.MAX_PARKED + 4; i++) {
                open.add(open(8));
            }
        } finally {
            for (IoContext c : open) {
                c.close();
            }
        }
        assertEquals(KaioContextPool.MAX_PARKED, KaioContextPool.parked());
        assertEquals(rings0 + KaioContextPool.MAX_PARKED, aioRings());
        // Larger than the whole event budget: never parked.
        long parked0 = KaioContextPool.parkedTotal();
        try (IoContext big = open(KaioContextPool.MAX_PARKED_EVENTS)) {
            big.submit(Request.noop());
            TestFiles.reap(big, 1);
        }
        assertEquals(parked0, KaioContextPool.parkedTotal(), "a context past the budget is destroyed");
    }

    /** With a notify eventfd the kernel signals after posting, so such a context is destroyed. */
    @Test
    void aContextWithANotifyEventFdIsNotParked() throws Exception {
        try (IoFile efd = IoFile.eventFd()) {
            try (IoContext ctx = IoContext.builder().engine(Engine.KAIO).capacity(8).notifyEventFd(efd).open()) {
                ctx.submit(Request.noop());
                TestFiles.reap(ctx, 1);
            }
        }
        assertEquals(0, KaioContextPool.parked());
    }

    /**
     * The ring's own checks, below the engine: a context whose ring still holds an event, or
     * that the engine does not call drained, is destroyed; a parked one with an event is not
     * handed out.
     */
    @Test
    void aRingThatIsNotEmptyIsNeverParkedNorTaken() throws Exception {
        int efd = LibC.eventfd(1, LibC.EFD_NONBLOCK);
        assertTrue(efd >= 0);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment iocb = a.allocate(Iocb.LAYOUT);
            Iocb.set(iocb, 0, 77, Aio.IOCB_CMD_POLL, efd, LibC.POLLIN, 0, 0, 0, 0, 0, 0);
            MemorySegment ptr = a.allocate(ValueLayout.JAVA_LONG);
            ptr.set(ValueLayout.JAVA_LONG, 0, iocb.address());

            KaioRing r = KaioRing.open(8, true, a);
            assertTrue(r.empty());
            // A POLL on a readable eventfd completes inside io_submit: its event waits in the ring.
            assertEquals(1, Aio.ioSubmit(r.ctxId, 1, ptr, 0));
            assertFalse(r.empty());
            assertFalse(r.release(true), "a ring with an event is destroyed");
            assertEquals(0, KaioContextPool.parked());

            KaioRing q = KaioRing.open(8, true, a);
            assertFalse(q.release(false), "not drained: destroyed");
            assertEquals(0, KaioContextPool.parked());

            KaioRing s = KaioRing.open(8, true, a);
            long id = s.ctxId;
            assertTrue(s.release(true));
            assertEquals(1, KaioContextPool.parked());
            // Cannot happen through the engine: an event arrives in a parked ring.
            assertEquals(1, Aio.ioSubmit(id, 1, ptr, 0));
            KaioRing t = KaioRing.open(8, true, a);
            assertTrue(t.empty(), "a parked ring with an event in it is destroyed, not handed out");
            t.destroy();
            assertEquals(0, KaioContextPool.parked());
        } finally {
            LibC.close(efd);
        }
    }
}
