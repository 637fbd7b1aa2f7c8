package jaio;

import static jaio.testkit.TestProcess.threadNames;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import jaio.testkit.TestFiles;
import jaio.testkit.TestFiles.EventCopy;
import org.junit.jupiter.api.Test;

/** The conformance suite on the portable engine, plus what only it can show deterministically. */
class ThreadPoolConformanceTest extends EngineConformanceTest {
    @Override
    protected Engine engine() {
        return Engine.THREADS;
    }

    /** With one worker busy on a long write, a queued request has not started: cancel stops it. */
    @Test
    void cancelStopsARequestThatHasNotStarted() throws IOException {
        Path p = dir.resolve("q.dat");
        try (IoContext ctx = builder(8).workerThreads(1).open();
             IoFile f = IoFile.open(p, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE,
                     StandardOpenOption.DSYNC)) {
            MemorySegment big = IoBuffers.allocate(32 << 20);
            Request busy = Request.pwrite(f, big, 0).userData(1);
            Request queued = Request.pread(f, IoBuffers.allocate(4096), 0).userData(2);
            assertEquals(2, ctx.submit(busy, queued));
            assertEquals(CancelResult.CANCELED, ctx.cancel(queued));
            Map<Long, EventCopy> ev = new HashMap<>();
            for (EventCopy e : TestFiles.reap(ctx, 2)) {
                ev.put(e.userData(), e);
            }
            assertEquals(-Errno.ECANCELED, ev.get(2L).result());
            assertEquals(0, ev.get(2L).result2(), "nothing was transferred");
            assertEquals(32 << 20, ev.get(1L).result());
            assertEquals(1, ctx.stats().canceled());
        }
    }

    @Test
    void workersAreBoundedAndStartedOnDemand() throws IOException {
        Path p = TestFiles.patterned(dir, "w.dat", 1 << 20);
        try (IoContext ctx = builder(64).workerThreads(3).name("bounded").open();
             IoFile f = IoFile.open(p, StandardOpenOption.READ)) {
            assertEquals(0, workers("bounded"), "no worker before the first request");
            Request[] rs = new Request[64];
            for (int i = 0; i < rs.length; i++) {
                rs[i] = Request.pread(f, IoBuffers.allocate(4096), i * 4096L);
            }
            ctx.submit(rs);
            TestFiles.reap(ctx, 64);
            int w = workers("bounded");
            assertTrue(w >= 1 && w <= 3, "between 1 and the bound: " + w);
        }
        assertEquals(0, workers("bounded"), "close stops the workers");
    }

    private static int workers(String ctxName) {
        int n = 0;
        for (String name : threadNames()) {
            if (name.startsWith(ctxName + "-worker-")) {
                n++;
            }
        }
        return n;
    }
}
