package jaio.engine.kaio;

import static jaio.testkit.TestOps.context;
import static jaio.testkit.TestOps.openFile;
import static jaio.testkit.TestOps.pipeEnd;
import static jaio.testkit.TestOps.poll;
import static jaio.testkit.TestOps.read;
import static jaio.testkit.TestOps.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import jaio.linux.Aio;
import jaio.linux.Iocb;
import jaio.linux.LibC;
import jaio.spi.FileHandle;
import jaio.spi.Op;
import jaio.testkit.CollectingSink;
import jaio.testkit.TestFiles;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine below the context: reaping from the mapped ring against io_getevents, and
 * io_submit running out of room in the kernel.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class KaioSpiTest {
    static final int BLOCK = 4096;
    static KaioProbe probe;

    @TempDir
    Path dir;

    @BeforeAll
    static void available() {
        probe = KaioProbe.run();
        assumeTrue(probe.available(), "native AIO unavailable: " + probe.reason());
        assumeTrue(probe.ring(), "the ring header is not readable here: " + probe.ringInfo());
    }

    @Test
    void theRingAndIoGeteventsHandOutTheSameEventsInTheSameOrder() throws IOException {
        try (Arena a = Arena.ofConfined()) {
            KaioRing viaRing = KaioRing.open(256, true, a);
            KaioRing viaCall = KaioRing.open(256, false, a);
            assertTrue(viaRing.mapped());
            assertFalse(viaCall.mapped());
            int efd = LibC.eventfd(1, LibC.EFD_NONBLOCK);
            try {
                int n = 200;
                MemorySegment iocbs = a.allocate(Iocb.LAYOUT, n);
                MemorySegment ptrs = a.allocate(ValueLayout.JAVA_LONG, n);
                for (int i = 0; i < n; i++) {
                    Iocb.set(iocbs, i * Iocb.SIZE, 1000 + i, Aio.IOCB_CMD_POLL, efd, LibC.POLLIN, 0, 0, 0, 0, 0, 0);
                    ptrs.setAtIndex(ValueLayout.JAVA_LONG, i, iocbs.address() + i * Iocb.SIZE);
                }
                long[] d1 = new long[n];
                long[] r1 = new long[n];
                long[] d2 = new long[n];
                long[] r2 = new long[n];
                // Three rounds, so the ring's head wraps and both ways run past each other's.
                for (int round = 0; round < 3; round++) {
                    assertEquals(n, Aio.ioSubmit(viaRing.ctxId, n, ptrs, 0));
                    assertEquals(n, Aio.ioSubmit(viaCall.ctxId, n, ptrs, 0));
                    int got1 = 0;
                    while (got1 < n) {
                        long[] d = new long[37];
                        long[] r = new long[37];
                        int k = viaRing.poll(d, r);
                        System.arraycopy(d, 0, d1, got1, k);
                        System.arraycopy(r, 0, r1, got1, k);
                        got1 += k;
                    }
                    int got2 = 0;
                    while (got2 < n) {
                        long[] d = new long[37];
                        long[] r = new long[37];
                        int k = viaCall.await(1, 1_000_000_000L, d, r);
                        assertTrue(k > 0);
                        System.arraycopy(d, 0, d2, got2, k);
                        System.arraycopy(r, 0, r2, got2, k);
                        got2 += k;
                    }
                    assertEquals(0, viaRing.poll(d1, r1), "nothing twice");
                    for (int i = 0; i < n; i++) {
                        assertEquals(1000 + i, d1[i]);
                        assertEquals(d1[i], d2[i]);
                        assertEquals(LibC.POLLIN, r1[i]);
                        assertEquals(r1[i], r2[i]);
                    }
                }
                // Mixed on one context: some from the ring, the rest with io_getevents.
                assertEquals(n, Aio.ioSubmit(viaRing.ctxId, n, ptrs, 0));
                long[] d = new long[50];
                long[] r = new long[50];
                int k = viaRing.poll(d, r);
                assertEquals(50, k);
                long[] rest = new long[n];
                long[] restR = new long[n];
                int m = viaRing.await(n - 50, 1_000_000_000L, rest, restR);
                assertEquals(n - 50, m);
                for (int i = 0; i < 50; i++) {
                    assertEquals(1000 + i, d[i]);
                }
                for (int i = 0; i < n - 50; i++) {
                    assertEquals(1050 + i, rest[i]);
                }
            } finally {
                LibC.close(efd);
                viaRing.destroy();
                viaCall.destroy();
            }
        }
    }

    /** Reads 1500 random blocks of a patterned file; returns userData -> (result, first word). */
    TreeMap<Long, String> workload(boolean useRing, boolean direct, Path p) throws IOException {
        CollectingSink sink = new CollectingSink();
        KaioEngine e = new KaioEngine(context("spi", 64, 4, sink), probe, useRing);
        assertEquals(useRing, e.reapsFromRing());
        FileHandle f = openFile(p, direct);
        TreeMap<Long, String> seen = new TreeMap<>();
        try {
            SplittableRandom rnd = new SplittableRandom(11);
            MemorySegment[] bufs = new MemorySegment[64];
            for (int i = 0; i < bufs.length; i++) {
                bufs[i] = Arena.ofAuto().allocate(BLOCK, BLOCK);
            }
            long id = 0;
            for (int round = 0; round < 25; round++) {
                Op[] ops = new Op[60];
                for (int i = 0; i < ops.length; i++) {
                    long block = rnd.nextLong(130);
                    ops[i] = read(f, bufs[i], block * BLOCK, id++);
                    ops[i].engineWord = 0;
                }
                int before = sink.count();
                e.submit(ops, 0, 20);
                e.submit(ops, 20, 40);
                sink.pump(e, before + ops.length);
                for (int i = before; i < sink.count(); i++) {
                    Op op = sink.done.get(i);
                    int b = (int) (op.userData % 60);
                    String v = op.result + ":" + (op.result > 0 ? ops[b].segs[0].get(ValueLayout.JAVA_LONG, 0) : -1);
                    assertEquals(null, seen.put(op.userData, v), "event twice for " + op.userData);
                }
            }
        } finally {
            e.close();
            f.close();
        }
        return seen;
    }

    @Test
    void reapingFromTheRingAndWithIoGeteventsGiveTheSameEvents() throws IOException {
        Path p = TestFiles.blockNumbered(dir.resolve("pattern"), 128);
        for (boolean direct : new boolean[] {false, true}) {
            TreeMap<Long, String> ring = workload(true, direct, p);
            TreeMap<Long, String> call = workload(false, direct, p);
            assertEquals(1500, ring.size());
            assertEquals(ring, call, "direct=" + direct);
            // Blocks past the end (128, 129) read 0 bytes; the others their own number.
            SplittableRandom rnd = new SplittableRandom(11);
            for (long id = 0; id < 1500; id++) {
                long block = rnd.nextLong(130);
                assertEquals(block < 128 ? BLOCK + ":" + block : "0:-1", ring.get(id), "id " + id);
            }
        }
    }

    @Test
    void anOverfilledKernelRingParksRequestsAndNeverHangs() throws IOException {
        CollectingSink sink = new CollectingSink();
        int n = 400;
        // A ring for 8 requests (the kernel rounds it up to about 126) under a context of 400.
        KaioEngine e = new KaioEngine(context("spi", n + 1, 4, sink), probe, true, 8);
        int[] fds = new int[2];
        assertEquals(0, LibC.pipe2(fds, 0));
        FileHandle rd = pipeEnd(fds[0], true);
        try {
            Op[] ops = new Op[n];
            for (int i = 0; i < n; i++) {
                ops[i] = poll(rd, LibC.POLLIN, i);
            }
            e.submit(ops, 0, n);
            e.harvest();
            assertEquals(0, sink.count(), "nothing is ready yet");
            // The write finds the kernel ring full of polls: it must not wait behind them.
            FileHandle wr = pipeEnd(fds[1], false);
            Op write = write(wr, Arena.global().allocate(1), 0, -1);
            e.submit(new Op[] {write}, 0, 1);
            sink.pump(e, n + 1);
            assertEquals(1, write.result);
            assertTrue(e.capabilities().features().toString().contains("resize"));
            sink.done.remove(write);
            boolean[] seen = new boolean[n];
            for (Op op : sink.done) {
                assertFalse(seen[(int) op.userData], "twice: " + op.userData);
                seen[(int) op.userData] = true;
                assertTrue((op.result & LibC.POLLIN) != 0, op.toString());
            }
        } finally {
            e.close();
            rd.close();
            LibC.close(fds[1]);
        }
    }
}
