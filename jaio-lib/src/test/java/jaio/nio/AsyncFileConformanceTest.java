package jaio.nio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import jaio.ContextStats;
import jaio.Engine;
import jaio.IoContext;
import jaio.IoFile;
import jaio.testkit.TestEngines;
import jaio.testkit.TestFiles;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** J1 on one engine: the CompletableFuture file type. A thin subclass per engine. */
@Timeout(60)
abstract class AsyncFileConformanceTest {
    @TempDir
    Path dir;
    IoContext ctx;

    protected abstract Engine engine();

    @BeforeEach
    void open() throws IOException {
        TestEngines.assumeAvailable(engine());
        // A small context, so that the facade's backlog is used.
        ctx = IoContext.builder().capacity(8).engine(engine()).selfReaping().name("asyncfile-" + engine().shortName()).open();
    }

    @AfterEach
    void close() {
        if (ctx != null) {
            ctx.close();
        }
    }

    @Test
    void writeReadVectoredSyncSizeAndClose() throws Exception {
        Path p = dir.resolve("a.dat");
        try (AsyncFile f = AsyncFile.open(ctx, p, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer src = ByteBuffer.allocate(10000);
            TestFiles.fill(src, 0, 3);
            assertEquals(10000, f.write(src, 0).get(10, TimeUnit.SECONDS));
            assertEquals(10000, src.position(), "the position moved past what was written");
            ByteBuffer a = ByteBuffer.allocateDirect(3000);
            ByteBuffer b = ByteBuffer.allocate(8000);
            assertEquals(10000, f.read(new ByteBuffer[] {a, b}, 0).get(10, TimeUnit.SECONDS));
            assertEquals(3000, a.position());
            assertEquals(7000, b.position());
            a.flip();
            b.flip();
            ByteBuffer both = ByteBuffer.allocate(10000).put(a).put(b).flip();
            assertArrayEquals(Files.readAllBytes(p), TestFiles.bytes(both));
            ByteBuffer x = ByteBuffer.wrap(new byte[] {1, 2, 3}), y = ByteBuffer.wrap(new byte[] {4, 5});
            assertEquals(5, f.write(new ByteBuffer[] {x, y}, 10000).join());
            f.fsync().get(10, TimeUnit.SECONDS);
            f.fdatasync().get(10, TimeUnit.SECONDS);
            assertEquals(10005L, f.size().join());
            ByteBuffer end = ByteBuffer.allocate(16);
            assertEquals(5, f.read(end, 10000).join());
            assertEquals(-1, f.read(end, 10005).join(), "end of file");
            assertEquals(0, f.read(ByteBuffer.allocate(0), 0).join(), "nothing asked");
            f.closeAsync().get(10, TimeUnit.SECONDS);
            CompletionException e = assertThrows(CompletionException.class, () -> f.read(ByteBuffer.allocate(1), 0).join());
            assertInstanceOf(ClosedChannelException.class, e.getCause());
            assertInstanceOf(ClosedChannelException.class,
                    assertThrows(CompletionException.class, () -> f.fsync().join()).getCause());
        }
    }

    @Test
    void badArgumentsThrowAtTheCall() throws IOException {
        Path p = TestFiles.patterned(dir, "b.dat", 4096);
        try (AsyncFile f = AsyncFile.open(ctx, p, StandardOpenOption.READ)) {
            assertThrows(IllegalArgumentException.class, () -> f.read(ByteBuffer.allocate(8).asReadOnlyBuffer(), 0));
            assertThrows(IllegalArgumentException.class, () -> f.read(ByteBuffer.allocate(8), -1));
            // Writing to a file opened for reading is refused by the context at submission.
            assertThrows(IllegalArgumentException.class, () -> f.write(ByteBuffer.allocate(8), 0));
        }
    }

    /** More operations at once than the context has room for: the backlog takes the rest, every one completes. */
    @Test
    void manyMoreOperationsThanRoomAllComplete() throws Exception {
        int blocks = 256;
        Path p = TestFiles.blockNumbered(dir.resolve("c.dat"), blocks);
        try (AsyncFile f = AsyncFile.open(ctx, p, StandardOpenOption.READ)) {
            List<CompletableFuture<Integer>> fs = new ArrayList<>();
            List<ByteBuffer> bufs = new ArrayList<>();
            for (int i = 0; i < blocks; i++) {
                ByteBuffer b = ByteBuffer.allocateDirect(4096);
                bufs.add(b);
                fs.add(f.read(b, i * 4096L));
            }
            for (int i = 0; i < blocks; i++) {
                assertEquals(4096, fs.get(i).get(30, TimeUnit.SECONDS));
                assertEquals(i, bufs.get(i).order(java.nio.ByteOrder.nativeOrder()).getLong(128), "block " + i);
            }
        }
        ContextStats s = ctx.stats();
        assertEquals(s.submitted(), s.completed());
    }

    /** A read that cannot complete yet (an empty pipe): cancelling the future cancels it, and it still has its one event. */
    @Test
    void cancellingTheFutureCancelsTheRequest() throws Exception {
        IoFile[] pipe = IoFile.pipe();
        try (AsyncFile r = AsyncFile.of(ctx, pipe[0]); IoFile w = pipe[1]) {
            ByteBuffer b = ByteBuffer.allocateDirect(16);
            CompletableFuture<Integer> f = r.read(b, 0);
            Thread.sleep(50);
            org.junit.jupiter.api.Assumptions.assumeFalse(f.isDone(),
                    () -> engine().shortName() + " does not wait on pipes: " + f.handle((v, t) -> String.valueOf(t)).join());
            assertTrue(f.cancel(true));
            assertTrue(f.isCancelled() && f.isDone());
            assertThrows(CancellationException.class, f::join);
            // A read already running on a worker is not stopped: give it something to finish with.
            try (AsyncFile wf = AsyncFile.of(ctx, w)) {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (ctx.stats().completed() < ctx.stats().submitted() && System.nanoTime() < deadline) {
                    if (System.nanoTime() > deadline - TimeUnit.SECONDS.toNanos(18)) {
                        wf.write(ByteBuffer.wrap(new byte[] {7}), 0).get(5, TimeUnit.SECONDS);
                    }
                    Thread.sleep(20);
                }
                ContextStats s = ctx.stats();
                assertEquals(s.submitted(), s.completed(), "exactly one event for the cancelled read: " + s);
                assertTrue(f.isCancelled(), "stays cancelled whatever the event said");
            }
        }
    }

    /** A dependent stage runs on the reaper; cancelling another future from there must not wait for the reaper itself. */
    @Test
    void cancellingFromADependentStageOnTheReaper() throws Exception {
        IoFile[] pipe = IoFile.pipe();
        Path p = TestFiles.patterned(dir, "r.dat", 4096);
        try (AsyncFile r = AsyncFile.of(ctx, pipe[0]); IoFile w = pipe[1]; AsyncFile f = AsyncFile.open(ctx, p, StandardOpenOption.READ)) {
            CompletableFuture<Integer> pending = r.read(ByteBuffer.allocateDirect(8), 0);
            Thread.sleep(50);
            org.junit.jupiter.api.Assumptions.assumeFalse(pending.isDone(), () -> engine().shortName() + " does not wait on pipes");
            CompletableFuture<Boolean> cancelled = f.read(ByteBuffer.allocate(100), 0).thenApply(n -> pending.cancel(false));
            assertTrue(cancelled.get(10, TimeUnit.SECONDS));
            assertTrue(pending.isCancelled());
            try (AsyncFile wf = AsyncFile.of(ctx, w)) {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                boolean wrote = false;
                while (ctx.stats().completed() < ctx.stats().submitted() && System.nanoTime() < deadline) {
                    if (!wrote && System.nanoTime() > deadline - TimeUnit.SECONDS.toNanos(18)) {
                        wf.write(ByteBuffer.wrap(new byte[] {1}), 0).get(5, TimeUnit.SECONDS);
                        wrote = true;
                    }
                    Thread.sleep(20);
                }
                assertEquals(ctx.stats().submitted(), ctx.stats().completed());
            }
        }
    }

    @Test
    void closeWaitsForOperationsInFlight() throws Exception {
        Path p = TestFiles.patterned(dir, "d.dat", 1 << 20);
        AsyncFile f = AsyncFile.open(ctx, p, StandardOpenOption.READ);
        List<CompletableFuture<Integer>> fs = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
            fs.add(f.read(ByteBuffer.allocate(32768), i * 32768L));
        }
        CompletableFuture<Void> closed = f.closeAsync();
        assertTrue(closed == f.closeAsync(), "idempotent");
        closed.get(30, TimeUnit.SECONDS);
        for (CompletableFuture<Integer> x : fs) {
            assertTrue(x.isDone(), "close completed after every operation in flight");
        }
    }
}
