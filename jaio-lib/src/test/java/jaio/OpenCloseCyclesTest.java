package jaio;

import static jaio.testkit.TestProcess.aioRings;
import static jaio.testkit.TestProcess.liveThreads;
import static jaio.testkit.TestProcess.openFds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.ref.WeakReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import jaio.engine.kaio.KaioContextPool;
import jaio.testkit.TestEngines;
import jaio.testkit.TestFiles;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nothing grows across open/close cycles (SPEC R): file descriptors, threads, kernel AIO
 * rings mapped into the process, and the closed contexts themselves (they become garbage).
 * Each cycle uses what allocates per context: a request through a worker, a Selector channel
 * (and for kernel engines its background pump), a notification eventfd.
 *
 * <p>Counts are the process's own (/proc/self), never system-wide ones, since other programs
 * share this machine. Native AIO pays an RCU grace period in io_destroy (about 35 ms here)
 * for each context opened with a notification eventfd (those are not parked for reuse, see
 * KaioContextPool), so it runs fewer cycles.
 */
@Tag("stress")
@Timeout(value = 120, unit = java.util.concurrent.TimeUnit.SECONDS)
class OpenCloseCyclesTest {
    @TempDir
    Path dir;

    private void cycles(Engine engine, int n) throws Exception {
        assumeTrue(jaio.linux.Native.LINUX && Files.isDirectory(Path.of("/proc/self/fd")), "needs /proc/self");
        TestEngines.assumeAvailable(engine);
        Path p = TestFiles.patterned(dir, "c.dat", 1 << 16);
        try (IoFile f = IoFile.open(p, StandardOpenOption.READ); IoFile efd = IoFile.eventFd()) {
            // Warm up: class loading, lazily opened channels, the JIT's own threads.
            for (int i = 0; i < 20; i++) {
                cycle(engine, f, efd, i);
            }
            System.gc();
            Thread.sleep(100);
            // Native AIO parks drained contexts for the next open: count from none parked.
            KaioContextPool.destroyAll();
            long fds0 = openFds();
            long rings0 = aioRings();
            int threads0 = liveThreads();
            if (engine == Engine.KAIO) {
                try (IoContext open = IoContext.open(8, engine)) {
                    assertTrue(open.isOpen() && aioRings() > rings0, "an open native AIO context shows as an [aio] mapping");
                }
            }
            List<WeakReference<IoContext>> closed = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                IoContext c = cycle(engine, f, efd, i);
                if (i % 10 == 0 && i < n - 10) {
                    closed.add(new WeakReference<>(c));
                }
            }
            Thread.sleep(100);
            assertTrue(openFds() <= fds0 + 2, engine + ": descriptors grew from " + fds0 + " to " + openFds() + " over " + n + " cycles");
            int parked = KaioContextPool.parked();
            assertTrue(parked <= 1, "one context at a time needs one parked, not " + parked);
            assertEquals(rings0 + parked, aioRings(), engine + ": kernel AIO rings left mapped");
            KaioContextPool.destroyAll();
            assertEquals(rings0, aioRings(), engine + ": parked contexts were not destroyed");
            assertTrue(liveThreads() <= threads0 + 2, engine + ": threads grew from " + threads0 + " to " + liveThreads());
            long deadline = System.nanoTime() + 10_000_000_000L;
            long alive;
            do {
                System.gc();
                Thread.sleep(20);
                alive = closed.stream().filter(w -> w.get() != null).count();
            } while (alive > 0 && System.nanoTime() < deadline);
            assertEquals(0, alive, engine + ": closed contexts are still reachable");
        }
    }

    private static IoContext cycle(Engine engine, IoFile f, IoFile efd, int i) throws Exception {
        IoContext.Builder b = IoContext.builder().engine(engine).capacity(8);
        if (i % 3 == 1) {
            b.notifyEventFd(efd);
        }
        IoContext ctx = b.open();
        try {
            if (i % 3 == 2) {
                ctx.readyChannel();
            }
            ctx.submit(Request.noop(), Request.pread(f, IoBuffers.allocate(4096), 0));
            assertEquals(2, TestFiles.reap(ctx, 2).size());
        } finally {
            ctx.close();
        }
        efd.readCounter();
        return ctx;
    }

    @Test
    void threadPoolContexts() throws Exception {
        cycles(Engine.THREADS, 5000);
    }

    @Test
    void nativeAioContexts() throws Exception {
        cycles(Engine.KAIO, 100);
    }
}
