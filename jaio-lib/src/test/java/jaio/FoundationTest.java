package jaio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import jaio.core.GlobalLimit;
import jaio.testkit.ManualEngine;
import jaio.testkit.TestFiles;
import org.junit.jupiter.api.Test;

/**
 * Engine-independent parts of the foundation (issue 2) that the conformance suite does not
 * cover: automatic engine choice, the process-wide limit across contexts, error names.
 */
class FoundationTest {

    @Test
    void theThreadsEngineIsAvailableEverywhere() {
        EngineInfo t = EngineInfo.probe(Engine.THREADS);
        assertTrue(t.available(), t.reason());
        for (Opcode o : List.of(Opcode.PREAD, Opcode.PWRITE, Opcode.PREADV, Opcode.PWRITEV, Opcode.FSYNC,
                Opcode.FDSYNC, Opcode.NOOP)) {
            assertTrue(t.operations().containsKey(o), "threads runs " + o);
        }
        assertThrows(IllegalArgumentException.class, () -> EngineInfo.probe(Engine.AUTO));
    }

    /** The default engine is AUTO: the first engine this machine allows, with the others' reasons. */
    @Test
    void autoOpensTheFirstAvailableEngineAndSaysWhyItPassedOverTheOthers() throws IOException {
        List<EngineInfo> all = EngineInfo.probeAll();
        int first = 0;
        while (!all.get(first).available()) {
            first++;
        }
        try (IoContext ctx = IoContext.open(8)) {
            assertNotEquals(Engine.AUTO, ctx.engine());
            assertEquals(all.get(first).engine(), ctx.engine(), "the first available in io_uring, kaio, threads order");
            // Every engine before it that this build has was passed over with its reason (an
            // engine not built in yet has no provider to ask).
            List<String> passed = ctx.engineInfo().passedOver();
            int k = 0;
            for (int i = 0; i < first; i++) {
                if (all.get(i).reason().equals("not built into this version of jaio")) {
                    continue;
                }
                String why = passed.get(k++);
                assertTrue(why.startsWith(all.get(i).engine().shortName() + ": ") && why.contains(all.get(i).reason()), why);
            }
            assertEquals(k, passed.size(), passed.toString());
            ctx.submit(Request.noop().userData(1));
            assertEquals(1, TestFiles.reapOne(ctx).userData());
        }
    }

    /** C3: the process-wide cap (default 65536, like aio-max-nr) counts every context. */
    @Test
    void theProcessWideLimitIsSharedByAllContexts() throws IOException {
        assertEquals(65536, GlobalLimit.DEFAULT);
        if (System.getProperty("jaio.maxInFlight") == null) {
            // Tests may have changed it and set it back; nothing else does.
            assertEquals(GlobalLimit.DEFAULT, IoContext.globalInFlightLimit());
        }
        int old = IoContext.globalInFlightLimit();
        ManualEngine.Provider pa = new ManualEngine.Provider();
        ManualEngine.Provider pb = new ManualEngine.Provider();
        try (IoContext a = ManualEngine.open(pa, 16); IoContext b = ManualEngine.open(pb, 16)) {
            IoContext.setGlobalInFlightLimit(GlobalLimit.inFlight() + 5);
            Request[] ra = TestFiles.noops(3);
            Request[] rb = TestFiles.noops(4);
            assertEquals(3, a.submit(ra));
            assertEquals(2, b.submit(rb), "only the process-wide room left by the other context");
            assertEquals(0, b.submit(rb, 2, 2), "none left: EAGAIN at once, never a block");
            assertEquals(1, b.stats().eagain());
            pa.last.completeOne();
            assertEquals(1, b.submit(rb, 2, 2), "a completion in one context frees room for another");
            pa.last.completeBatch(2);
            pb.last.completeBatch(3);
            assertEquals(3, TestFiles.reap(a, 3).size());
            assertEquals(3, TestFiles.reap(b, 3).size());
            assertThrows(IllegalArgumentException.class, () -> IoContext.setGlobalInFlightLimit(0));
        } finally {
            IoContext.setGlobalInFlightLimit(old);
        }
    }

    @Test
    void errnoNamesAndDescribesCodes() {
        assertEquals("EIO", Errno.name(Errno.EIO));
        assertEquals("EIO", Errno.name(-Errno.EIO), "the sign of an event's result is ignored");
        assertEquals("ECANCELED", Errno.name(-125L));
        assertEquals("EAGAIN (resource temporarily unavailable, try again)", Errno.describe(-Errno.EAGAIN));
        assertEquals("errno 200", Errno.name(200));
        assertEquals("errno 200", Errno.describe(-200));
        assertEquals(Errno.EBADF, Errno.code("EBADF"));
        assertEquals(-1, Errno.code("ENOTANERROR"));
        assertEquals("errno 9223372036854775807", Errno.name(Long.MAX_VALUE));
        Errno.name(Long.MIN_VALUE); // never throws
        for (String n : List.of("EPERM", "ENOENT", "EINTR", "EIO", "EBADF", "EAGAIN", "ENOMEM", "EFAULT", "EBUSY",
                "EINVAL", "EFBIG", "ENOSPC", "EPIPE", "ETIME", "EOPNOTSUPP", "EALREADY", "ECANCELED")) {
            assertEquals(n, Errno.name(Errno.code(n)), "round trip of " + n);
        }
    }

    /**
     * A stats snapshot is consistent: while requests complete (and nothing is reaped) the
     * room a context uses stays the same, so in flight + unreaped must always read as that.
     */
    @Test
    void aStatsSnapshotNeverShowsMoreRoomUsedThanThereIs() throws Exception {
        ManualEngine.Provider p = new ManualEngine.Provider();
        int capacity = 64;
        try (IoContext ctx = ManualEngine.open(p, capacity)) {
            for (int round = 0; round < 200; round++) {
                Request[] rs = TestFiles.noops(capacity);
                assertEquals(capacity, ctx.submit(rs));
                Thread completer = Thread.ofPlatform().start(() -> {
                    for (int i = 0; i < capacity; i++) {
                        p.last.completeOne();
                    }
                });
                while (completer.isAlive()) {
                    ContextStats st = ctx.stats();
                    assertEquals(capacity, st.inFlight() + st.unreaped(), "round " + round + ": " + st);
                }
                completer.join();
                assertEquals(capacity, TestFiles.reap(ctx, capacity).size());
            }
        }
    }
}
