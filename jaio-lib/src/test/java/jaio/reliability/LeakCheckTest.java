package jaio.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import jaio.Engine;
import jaio.Event;
import jaio.IoBuffers;
import jaio.IoContext;
import jaio.IoFile;
import jaio.Request;
import jaio.testkit.TestFiles;
import jaio.testkit.TestProcess;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Open/submit/close cycles of contexts and of files per engine, with what a leak would grow
 * sampled before and after: descriptors, threads, io_uring instances, native AIO rings, and
 * the process's anonymous resident memory. The counts default to 10,000 context cycles
 * (native AIO: 300, since io_destroy waits for an RCU grace period of tens of milliseconds)
 * and 50,000 file cycles; {@code -Djaio.leak.contexts=100000 -Djaio.leak.files=100000} is
 * the full run. /proc/sys/fs/aio-nr is system-wide (other programs move it), so it is
 * reported, and the process's own [aio] mappings are what is held. Native memory is the
 * JDK's count of what FFM arenas and direct buffers hold (the "direct" buffer pool), where
 * all of jaio's native memory comes from; RssAnon is reported only, since the Java heap
 * is part of it.
 */
@Tag("stress")
class LeakCheckTest {
    static final int CONTEXTS = Integer.getInteger("jaio.leak.contexts", 10_000);
    static final int KAIO_CONTEXTS = Integer.getInteger("jaio.leak.contexts", 300);
    static final int FILES = Integer.getInteger("jaio.leak.files", 50_000);
    /** Growth allowed in each count: what the JVM itself may open meanwhile (a JIT thread, a jar). */
    static final int SLACK = 8;
    /** Native memory the collector may not have given back yet (buffers of the last cycles). */
    static final long NATIVE_SLACK = 4 << 20;

    @TempDir
    Path dir;

    /** What is sampled. */
    record Sample(long fds, int threads, long rings, long aioRings, long aioNr, long nativeBytes, long rssAnonKb) {
        static Sample take() throws IOException, InterruptedException {
            System.gc();
            // The cleaner frees what the collector found; give it a moment.
            Thread.sleep(100);
            return new Sample(TestProcess.openFds(), TestProcess.liveThreads(), TestProcess.uringInstances(),
                    TestProcess.aioRings(), readAioNr(), readNativeBytes(), readRssAnonKb());
        }

        /**
         * Samples again, up to about 3 s, while native memory is above the bound: buffers of
         * the last cycles wait for the collector and its cleaner, which a loaded machine runs late.
         */
        static Sample settled(Sample before) throws IOException, InterruptedException {
            Sample s = take();
            for (int i = 0; i < 30 && s.nativeBytes > before.nativeBytes + NATIVE_SLACK; i++) {
                s = take();
            }
            return s;
        }

        void assertNoGrowthFrom(Sample before, String what) {
            String d = what + ": before " + before + ", after " + this;
            assertTrue(fds <= before.fds + SLACK, "descriptors grew: " + d);
            assertTrue(threads <= before.threads + SLACK, "threads grew: " + d);
            assertTrue(rings <= before.rings, "io_uring instances grew: " + d);
            assertTrue(aioRings <= before.aioRings, "native AIO rings grew: " + d);
            assertTrue(nativeBytes <= before.nativeBytes + NATIVE_SLACK, "native memory grew: " + d);
        }
    }

    @ParameterizedTest
    @MethodSource("jaio.testkit.TestEngines#all")
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void contextCyclesGrowNothing(Engine engine) throws Exception {
        assumeTrue(Files.isDirectory(Path.of("/proc/self/fd")), "needs /proc/self");
        int n = engine == Engine.KAIO ? KAIO_CONTEXTS : CONTEXTS;
        Path p = TestFiles.patterned(dir, "ctx.dat", 1 << 16);
        try (IoFile f = IoFile.open(p, StandardOpenOption.READ)) {
            for (int i = 0; i < 50; i++) {
                contextCycle(engine, f, i);
            }
            Sample before = Sample.take();
            for (int i = 0; i < n; i++) {
                contextCycle(engine, f, i);
            }
            Thread.sleep(200);
            Sample after = Sample.settled(before);
            System.out.println(engine.shortName() + ": " + n + " context cycles: " + before + " -> " + after);
            after.assertNoGrowthFrom(before, n + " context cycles on " + engine.shortName());
        }
    }

    @ParameterizedTest
    @MethodSource("jaio.testkit.TestEngines#all")
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void fileCyclesGrowNothing(Engine engine) throws Exception {
        assumeTrue(Files.isDirectory(Path.of("/proc/self/fd")), "needs /proc/self");
        Path p = TestFiles.patterned(dir, "file.dat", 1 << 16);
        try (IoContext ctx = IoContext.open(32, engine)) {
            for (int i = 0; i < 200; i++) {
                fileCycle(ctx, p, i);
            }
            Sample before = Sample.take();
            for (int i = 0; i < FILES; i++) {
                fileCycle(ctx, p, i);
            }
            Sample after = Sample.settled(before);
            System.out.println(engine.shortName() + ": " + FILES + " file cycles: " + before + " -> " + after);
            after.assertNoGrowthFrom(before, FILES + " file cycles on " + engine.shortName());
        }
    }

    private static void contextCycle(Engine engine, IoFile f, int i) throws IOException {
        try (IoContext ctx = IoContext.open(16, engine)) {
            Request[] rs = new Request[4];
            for (int k = 0; k < rs.length; k++) {
                rs[k] = Request.pread(f, IoBuffers.allocate(512), ((i + k) % 64) * 1024L);
            }
            assertEquals(rs.length, ctx.submit(rs));
            for (Request r : rs) {
                Event e = ctx.await(r, Duration.ofSeconds(10));
                assertEquals(512, e.result(), e.toString());
            }
            // One left in flight for the close to take care of, now and then.
            if (i % 4 == 0) {
                ctx.submit(Request.pread(f, IoBuffers.allocate(512), 0));
            }
        }
    }

    private static void fileCycle(IoContext ctx, Path p, int i) throws IOException {
        try (IoFile f = IoFile.open(p, StandardOpenOption.READ)) {
            Request r = Request.pread(f, IoBuffers.allocate(256), (i % 128) * 256L);
            ctx.submit(r);
            Event e = ctx.await(r, Duration.ofSeconds(10));
            assertEquals(256, e.result(), e.toString());
        }
    }

    /** Bytes of native memory the JDK counts for arenas and direct buffers, or 0 where it cannot tell. */
    static long readNativeBytes() {
        try {
            Class<?> mf = Class.forName("java.lang.management.ManagementFactory");
            Class<?> pool = Class.forName("java.lang.management.BufferPoolMXBean");
            for (Object p : (List<?>) mf.getMethod("getPlatformMXBeans", Class.class).invoke(null, pool)) {
                if ("direct".equals(pool.getMethod("getName").invoke(p))) {
                    return (long) pool.getMethod("getMemoryUsed").invoke(p);
                }
            }
        } catch (ReflectiveOperationException e) {
            return 0;
        }
        return 0;
    }

    /** The system's kernel AIO events in use (/proc/sys/fs/aio-nr), or -1. */
    static long readAioNr() {
        try {
            return Long.parseLong(FaultTest.readSysctl(Path.of("/proc/sys/fs/aio-nr")));
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    /** RssAnon of /proc/self/status in KiB, or 0. */
    static long readRssAnonKb() throws IOException {
        List<String> lines = Files.readAllLines(Path.of("/proc/self/status"));
        for (String l : lines) {
            if (l.startsWith("RssAnon:")) {
                return Long.parseLong(l.replaceAll("[^0-9]", ""));
            }
        }
        return 0;
    }
}
