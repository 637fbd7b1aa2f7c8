package jaio.engine.kaio;

import static jaio.testkit.TestOps.context;
import static jaio.testkit.TestOps.eventFd;
import static jaio.testkit.TestOps.openFile;
import static jaio.testkit.TestOps.poll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import jaio.linux.LibC;
import jaio.spi.CompletionSink;
import jaio.spi.FileHandle;
import jaio.spi.Op;
import jaio.testkit.TestOps;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Who takes a completion that lands in the ring while another thread is harvesting. A
 * buffered page-cache read completes inside io_submit; its submitter then harvests, but when
 * another thread holds the reap lock it leaves the event to that thread. That thread must
 * then take it before it lets go, however many passes it had made: otherwise the event sits
 * in the ring, unposted and (for a context watched through its eventfd) unsignalled, until
 * some later call happens to reap, which for an event loop waiting on the eventfd may be never.
 *
 * <p>Deterministic: the sink blocks the harvesting thread inside each post, and the test
 * submits one read while it is blocked.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class KaioHarvestHandoffTest {
    @TempDir
    Path dir;

    static KaioProbe probe;

    @BeforeAll
    static void available() {
        probe = KaioProbe.run();
        assumeTrue(probe.available(), "native AIO unavailable: " + probe.reason());
        assumeTrue(probe.nowait(), "RWF_NOWAIT unavailable: buffered reads would go to workers");
    }

    /** A sink that, while armed, parks the posting thread until the test lets it go. */
    static final class BlockingSink implements CompletionSink {
        final List<Op> done = new ArrayList<>();
        volatile Thread blockThread;
        final Semaphore inside = new Semaphore(0);
        final Semaphore proceed = new Semaphore(0);

        @Override
        public void complete(Op op) {
            completeBatch(new Op[] {op}, 1);
        }

        @Override
        public void completeBatch(Op[] ops, int count) {
            synchronized (this) {
                for (int i = 0; i < count; i++) {
                    done.add(ops[i]);
                }
            }
            if (Thread.currentThread() == blockThread) {
                inside.release();
                proceed.acquireUninterruptibly();
            }
        }

        synchronized int count() {
            return done.size();
        }
    }

    @Test
    void aCompletionLeftByASubmitterIsTakenByTheThreadHarvestingMeanwhile() throws Exception {
        Path p = dir.resolve("warm");
        Files.write(p, new byte[64 * 4096]);
        Files.readAllBytes(p);
        BlockingSink sink = new BlockingSink();
        KaioEngine e = new KaioEngine(context("handoff", 64, 2, sink),
                probe, true);
        FileHandle f = openFile(p, false);
        FileHandle ev = eventFd(LibC.eventfd(1, LibC.EFD_NONBLOCK));
        try {
            // A POLL of a readable eventfd completes inside io_submit, and submit does not
            // harvest for it: it waits in the ring for the harvester below.
            Op poll = poll(ev, LibC.POLLIN, 100);
            e.submit(new Op[] {poll}, 0, 1);

            CountDownLatch harvested = new CountDownLatch(1);
            Thread harvester = Thread.ofPlatform().daemon().start(() -> {
                sink.blockThread = Thread.currentThread();
                e.harvest();
                harvested.countDown();
            });
            // Each time the harvester posts, submit one page-cache read: its own harvest finds
            // the reap lock taken and leaves the event in the ring.
            List<Op> rs = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                if (!sink.inside.tryAcquire(5, TimeUnit.SECONDS)) {
                    break; // the harvester left
                }
                Op r = read(f, i);
                rs.add(r);
                e.submit(new Op[] {r}, 0, 1);
                sink.proceed.release();
            }
            assertTrue(rs.size() >= 2, "the harvester made several passes");
            // The last read went in while the harvester was inside a post: it must take it too.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (sink.count() < rs.size() + 1 && System.nanoTime() < deadline) {
                if (sink.inside.tryAcquire(10, TimeUnit.MILLISECONDS)) {
                    sink.proceed.release();
                }
            }
            sink.blockThread = null;
            sink.proceed.release(100);
            assertEquals(rs.size() + 1, sink.count(),
                    "every completion was posted, with no further call into the engine (" + rs.size() + " reads)");
            assertTrue(harvested.await(10, TimeUnit.SECONDS));
            for (Op r : rs) {
                assertEquals(4096, r.result, r.toString());
            }
        } finally {
            sink.blockThread = null;
            sink.proceed.release(100);
            e.close();
            f.close();
            ev.close();
        }
    }

    /** A read of block {@code i} into memory of its own. */
    private static Op read(FileHandle f, int i) {
        return TestOps.read(f, Arena.ofAuto().allocate(4096, 4096), i * 4096L, i);
    }

    @Test
    void harvestAfterASubmitterLeftItsEventIsNeverNeeded() throws IOException {
        // Sanity: with nobody else harvesting, a buffered read is posted by its own submit.
        Path p = dir.resolve("warm2");
        Files.write(p, new byte[4096]);
        Files.readAllBytes(p);
        BlockingSink sink = new BlockingSink();
        KaioEngine e = new KaioEngine(context("self", 8, 1, sink),
                probe, true);
        FileHandle f = openFile(p, false);
        try {
            e.submit(new Op[] {read(f, 0)}, 0, 1);
            assertEquals(1, sink.count());
        } finally {
            e.close();
            f.close();
        }
    }
}
