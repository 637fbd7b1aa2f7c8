package jaio;

import static jaio.testkit.TestFiles.reap;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import jaio.testkit.TestFiles;
import jaio.testkit.TestFiles.EventCopy;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Linked requests, link timeouts and barriers (P4), the same on every engine: what runs,
 * what is cancelled, which result each member reports, and that events come in chain order.
 */
class ChainConformanceTest {
    @TempDir
    Path dir;

    private static IoContext open(Engine e, int capacity) throws IOException {
        return IoContext.builder().engine(e).capacity(capacity).open();
    }

    private IoFile rw(String name) throws IOException {
        return IoFile.open(dir.resolve(name), StandardOpenOption.READ, StandardOpenOption.WRITE,
                StandardOpenOption.CREATE);
    }

    private static void assertOrder(List<EventCopy> evs, Request... expected) {
        assertEquals(expected.length, evs.size());
        for (int i = 0; i < expected.length; i++) {
            assertSame(expected[i], evs.get(i).request(), "event " + i + " is " + evs.get(i));
        }
    }

    private static boolean runs(IoContext ctx, Opcode o) {
        return ctx.engineInfo().operations().containsKey(o);
    }

    /** A file whose reads fail at run time (a directory: EISDIR), or the test is skipped. */
    private IoFile failingReads() throws IOException {
        Path d = Files.createDirectories(dir.resolve("d"));
        try {
            return IoFile.open(d, StandardOpenOption.READ);
        } catch (IOException e) {
            assumeTrue(false, "cannot open a directory as a file here: " + e);
            throw e;
        }
    }

    @ParameterizedTest
    @MethodSource("jaio.testkit.TestEngines#all")
    void aSoftChainRunsEachMemberAfterTheOneBefore(Engine engine) throws IOException {
        try (IoContext ctx = open(engine, 8); IoFile f = rw("a")) {
            ByteBuffer src = ByteBuffer.allocateDirect(8192);
            TestFiles.fill(src, 0, 7);
            ByteBuffer dst = ByteBuffer.allocateDirect(8192);
            Request w = Request.pwrite(f, src, 0).link();
            Request r = Request.pread(f, dst, 0).link();
            Request s = Request.fsync(f);
            assertEquals(3, ctx.submit(w, r, s));
            List<EventCopy> evs = reap(ctx, 3);
            assertOrder(evs, w, r, s);
            assertEquals(8192, evs.get(0).result());
            assertEquals(8192, evs.get(1).result(), "the read started after the write ended");
            assertEquals(0, evs.get(2).result());
            assertArrayEquals(TestFiles.bytes(src), TestFiles.bytes(dst));
        }
    }

    @ParameterizedTest
    @MethodSource("jaio.testkit.TestEngines#all")
    void aShortReadBreaksASoftLink(Engine engine) throws IOException {
        Path p = TestFiles.patterned(dir, "short", 1000);
        try (IoContext ctx = open(engine, 8); IoFile f = IoFile.open(p, StandardOpenOption.READ)) {
            Request r = Request.pread(f, ByteBuffer.allocateDirect(4096), 0).link();
            Request n1 = Request.noop().link();
            Request n2 = Request.noop();
            assertEquals(3, ctx.submit(r, n1, n2));
            List<EventCopy> evs = reap(ctx, 3);
            assertOrder(evs, r, n1, n2);
            assertEquals(1000, evs.get(0).result(), "end of file: what was there");
            assertEquals(-Errno.ECANCELED, evs.get(1).result());
            assertEquals(-Errno.ECANCELED, evs.get(2).result());
        }
    }

    @ParameterizedTest
    @MethodSource("jaio.testkit.TestEngines#all")
    void anErrorBreaksASoftLinkAndAHardLinkGoesOn(Engine engine) throws IOException {
        try (IoContext ctx = open(engine, 8); IoFile d = failingReads()) {
            Request bad = Request.pread(d, ByteBuffer.allocateDirect(512), 0).link();
            Request n = Request.noop();
            assertEquals(2, ctx.submit(bad, n));
            List<EventCopy> evs = reap(ctx, 2);
            assertOrder(evs, bad, n);
            assertTrue(evs.get(0).result() < 0, "reading a directory fails: " + evs.get(0));
            assertEquals(-Errno.ECANCELED, evs.get(1).result());

            bad.hardLink();
            assertEquals(2, ctx.submit(bad, n));
            evs = reap(ctx, 2);
            assertOrder(evs, bad, n);
            assertTrue(evs.get(0).result() < 0);
            assertEquals(0, evs.get(1).result(), "a hard link goes on after an error");
        }
    }

    @ParameterizedTest
    @MethodSource("jaio.testkit.TestEngines#all")
    void aHardLinkGoesOnAfterAShortReadAndASoftLinkBreaksLater(Engine engine) throws IOException {
        Path p = TestFiles.patterned(dir, "short", 100);
        try (IoContext ctx = open(engine, 8); IoFile f = IoFile.open(p, StandardOpenOption.READ)) {
            Request r = Request.pread(f, ByteBuffer.allocateDirect(4096), 0).hardLink();
            Request r2 = Request.pread(f, ByteBuffer.allocateDirect(4096), 0).link();
            Request n = Request.noop();
            assertEquals(3, ctx.submit(r, r2, n));
            List<EventCopy> evs = reap(ctx, 3);
            assertOrder(evs, r, r2, n);
            assertEquals(100, evs.get(0).result());
            assertEquals(100, evs.get(1).result(), "ran although the read before it was short");
            assertEquals(-Errno.ECANCELED, evs.get(2).result());
        }
    }

    @ParameterizedTest
    @MethodSource("jaio.testkit.TestEngines#all")
    void aLinkTimeoutThatDoesNotFireEndsCancelledAfterItsRequest(Engine engine) throws IOException {
        try (IoContext ctx = open(engine, 8)) {
            Request n = Request.noop().link();
            Request lt = Request.linkTimeout(Duration.ofSeconds(30)).link();
            Request after = Request.noop();
            long t0 = System.nanoTime();
            assertEquals(3, ctx.submit(n, lt, after));
            List<EventCopy> evs = reap(ctx, 3);
            assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(10).toNanos(), "did not wait for the timer");
            assertOrder(evs, n, lt, after);
            assertEquals(0, evs.get(0).result());
            assertEquals(-Errno.ECANCELED, evs.get(1).result());
            assertEquals(Opcode.LINK_TIMEOUT, evs.get(1).opcode());
            assertEquals(0, evs.get(2).result(), "the chain goes on after the guarded request ended well");
        }
    }

    @ParameterizedTest
    @MethodSource("jaio.testkit.TestEngines#all")
    void aLinkTimeoutThatFiresCancelsItsRequest(Engine engine) throws IOException {
        try (IoContext ctx = open(engine, 8)) {
            assumeTrue(runs(ctx, Opcode.POLL), engine + " has no POLL to wait on");
            IoFile[] pipe = IoFile.pipe();
            try {
                Request poll = Request.poll(pipe[0], Poll.IN).link();
                Request lt = Request.linkTimeout(Duration.ofMillis(50)).link();
                Request after = Request.noop();
                assertEquals(3, ctx.submit(poll, lt, after));
                List<EventCopy> evs = reap(ctx, 3);
                assertOrder(evs, poll, lt, after);
                assertEquals(-Errno.ECANCELED, evs.get(0).result());
                assertEquals(-Errno.ETIME, evs.get(1).result());
                assertEquals(-Errno.ECANCELED, evs.get(2).result());

                poll.hardLink();
                assertEquals(3, ctx.submit(poll, lt, after));
                evs = reap(ctx, 3);
                assertOrder(evs, poll, lt, after);
                assertEquals(-Errno.ETIME, evs.get(1).result());
                assertEquals(0, evs.get(2).result(), "a hard link goes on after the timeout");
            } finally {
                pipe[0].close();
                pipe[1].close();
            }
        }
    }

    @ParameterizedTest
    @MethodSource("jaio.testkit.TestEngines#all")
    void aBarrierStartsAfterEverythingBeforeItAndHoldsWhatFollows(Engine engine) throws IOException {
        int n = 32;
        int block = 4096;
        try (IoContext ctx = open(engine, 2 * n + 4); IoFile f = rw("b")) {
            Request[] writes = new Request[n];
            for (int i = 0; i < n; i++) {
                ByteBuffer b = ByteBuffer.allocateDirect(block);
                TestFiles.fill(b, (long) i * block, 3);
                writes[i] = Request.pwrite(f, b, (long) i * block).userData(i);
            }
            ByteBuffer all = ByteBuffer.allocateDirect(n * block);
            Request check = Request.pread(f, all, 0).barrier().userData(100);
            Request later = Request.noop().userData(101);
            assertEquals(n, ctx.submit(writes));
            assertEquals(1, ctx.submit(check));
            assertEquals(1, ctx.submit(later));
            List<EventCopy> evs = reap(ctx, n + 2);
            for (int i = 0; i < n; i++) {
                assertTrue(evs.get(i).userData() < n, "a write before the barrier came first: " + evs);
                assertEquals(block, evs.get(i).result());
            }
            assertSame(check, evs.get(n).request());
            assertEquals((long) n * block, evs.get(n).result());
            assertSame(later, evs.get(n + 1).request());
            ByteBuffer expect = ByteBuffer.allocateDirect(n * block);
            TestFiles.fill(expect, 0, 3);
            assertArrayEquals(TestFiles.bytes(expect), TestFiles.bytes(all), "the barrier saw every write");
        }
    }

    @ParameterizedTest
    @MethodSource("jaio.testkit.TestEngines#all")
    void aChainWithOneBadMemberIsRefusedWhole(Engine engine) throws IOException {
        Path p = TestFiles.patterned(dir, "ro", 4096);
        try (IoContext ctx = open(engine, 8); IoFile ro = IoFile.open(p, StandardOpenOption.READ)) {
            Request a = Request.noop().link();
            Request bad = Request.pwrite(ro, ByteBuffer.allocateDirect(16), 0).link();
            Request c = Request.noop();
            InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> ctx.submit(a, bad, c));
            assertSame(bad, e.request());
            assertEquals(1, e.index());
            assertTrue(e.getMessage().contains("whole chain"), e.getMessage());
            assertFalse(a.isInFlight());
            assertFalse(bad.isInFlight());
            assertFalse(c.isInFlight());
            assertEquals(0, ctx.stats().submitted());

            Request solo = Request.noop();
            assertEquals(1, ctx.submit(solo, a, bad, c), "only what comes before the bad chain");
            assertSame(solo, reap(ctx, 1).get(0).request());
            assertEquals(0, ctx.getEvents(0, TestFiles.events(4), Duration.ofMillis(50)));
        }
    }

    @ParameterizedTest
    @MethodSource("jaio.testkit.TestEngines#all")
    void malformedChainsAreRefused(Engine engine) throws IOException {
        try (IoContext ctx = open(engine, 4)) {
            InvalidRequestException e = assertThrows(InvalidRequestException.class,
                    () -> ctx.submit(Request.noop().link()));
            assertTrue(e.getMessage().contains("last of the batch"), e.getMessage());
            e = assertThrows(InvalidRequestException.class,
                    () -> ctx.submit(Request.linkTimeout(Duration.ofSeconds(1))));
            assertTrue(e.getMessage().contains("right after"), e.getMessage());
            e = assertThrows(InvalidRequestException.class,
                    () -> ctx.submit(Request.noop().link(), Request.noop().barrier()));
            assertTrue(e.getMessage().contains("barrier"), e.getMessage());
            Request[] tooLong = new Request[5];
            for (int i = 0; i < 5; i++) {
                tooLong[i] = i < 4 ? Request.noop().link() : Request.noop();
            }
            e = assertThrows(InvalidRequestException.class, () -> ctx.submit(tooLong));
            assertTrue(e.getMessage().contains("never fit"), e.getMessage());
            assertEquals(0, ctx.stats().submitted());
        }
    }

    @ParameterizedTest
    @MethodSource("jaio.testkit.TestEngines#all")
    void aChainIsAdmittedWholeOrWaitsForRoom(Engine engine) throws IOException {
        try (IoContext ctx = open(engine, 4)) {
            Request first = Request.noop();
            Request c1 = Request.noop().link();
            Request c2 = Request.noop().link();
            Request c3 = Request.noop().link();
            Request c4 = Request.noop();
            assertEquals(1, ctx.submit(first, c1, c2, c3, c4), "the chain of 4 does not fit beside the first");
            assertFalse(c1.isInFlight());
            reap(ctx, 1);
            assertEquals(4, ctx.submit(c1, c2, c3, c4));
            assertOrder(reap(ctx, 4), c1, c2, c3, c4);
        }
    }

    @ParameterizedTest
    @MethodSource("jaio.testkit.TestEngines#all")
    void aHeldMemberCancelledEndsCancelledInItsPlace(Engine engine) throws IOException {
        try (IoContext ctx = open(engine, 8)) {
            assumeTrue(runs(ctx, Opcode.POLL), engine + " has no POLL to wait on");
            IoFile[] pipe = IoFile.pipe();
            try {
                Request poll = Request.poll(pipe[0], Poll.IN).hardLink();
                Request mid = Request.noop().hardLink();
                Request last = Request.noop();
                assertEquals(3, ctx.submit(poll, mid, last));
                assertEquals(CancelResult.CANCELED, ctx.cancel(mid));
                assertEquals(0, ctx.getEvents(0, TestFiles.events(4), Duration.ofMillis(50)), "nothing ends early");
                pipe[1].close();
                List<EventCopy> evs = reap(ctx, 3);
                assertOrder(evs, poll, mid, last);
                assertTrue(evs.get(0).result() > 0, "the poll saw the hang-up: " + evs.get(0));
                assertEquals(-Errno.ECANCELED, evs.get(1).result());
                assertEquals(0, evs.get(2).result(), "hard-linked after the cancelled member");
            } finally {
                pipe[0].close();
                pipe[1].close();
            }
        }
    }

    @ParameterizedTest
    @MethodSource("jaio.testkit.TestEngines#all")
    void closeWithChainsInFlightEndsEveryMember(Engine engine) throws IOException {
        IoContext ctx = open(engine, 64);
        IoFile[] pipe = IoFile.pipe();
        Request[] reqs = new Request[30];
        try {
            boolean poll = runs(ctx, Opcode.POLL);
            for (int i = 0; i < reqs.length; i += 3) {
                reqs[i] = poll ? Request.poll(pipe[0], Poll.IN).link() : Request.noop().link();
                reqs[i + 1] = Request.linkTimeout(Duration.ofSeconds(60));
                reqs[i + 2] = Request.noop().barrier();
            }
            for (int i = 0; i < reqs.length; i += 3) {
                assertEquals(3, ctx.submit(reqs, i, 3));
            }
        } finally {
            ctx.close();
            pipe[0].close();
            pipe[1].close();
        }
        for (Request r : reqs) {
            assertFalse(r.isInFlight(), r + " ended with the context");
        }
    }

    @ParameterizedTest
    @MethodSource("jaio.testkit.TestEngines#all")
    void submitAndWaitRunsAChain(Engine engine) throws IOException {
        try (IoContext ctx = open(engine, 8)) {
            Request a = Request.noop().link();
            Request b = Request.noop();
            Event[] evs = TestFiles.events(2);
            int got = ctx.submitAndWait(new Request[] {a, b}, 0, 2, 2, evs, Duration.ofSeconds(30));
            assertEquals(2, got);
            assertSame(a, evs[0].request());
            assertSame(b, evs[1].request());
        }
    }
}
