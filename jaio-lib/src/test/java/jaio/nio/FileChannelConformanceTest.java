package jaio.nio;

import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.NonReadableChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import jaio.Engine;
import jaio.IoContext;
import jaio.testkit.TestEngines;
import jaio.testkit.TestFiles;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** J2/J3 on one engine: jaio's blocking FileChannel behaves as the JDK's. A thin subclass per engine. */
@Timeout(90)
abstract class FileChannelConformanceTest {
    @TempDir
    Path dir;
    IoContext ctx;

    protected abstract Engine engine();

    @BeforeEach
    void open() throws IOException {
        TestEngines.assumeAvailable(engine());
        ctx = IoContext.builder().capacity(16).engine(engine()).selfReaping().name("fc-" + engine().shortName()).open();
    }

    @AfterEach
    void close() {
        if (ctx != null) {
            ctx.close();
        }
    }

    FileChannel open(Path p, java.nio.file.OpenOption... o) throws IOException {
        return JaioFileChannel.open(ctx, p, Set.of(o));
    }

    @Test
    void relativeAndPositionalReadsAndWrites() throws IOException {
        Path p = dir.resolve("r.dat");
        try (FileChannel ch = open(p, CREATE, READ, WRITE)) {
            ByteBuffer src = ByteBuffer.allocate(6000);
            TestFiles.fill(src, 0, 1);
            assertEquals(6000, ch.write(src));
            assertEquals(6000, ch.position());
            assertEquals(3, ch.write(ByteBuffer.wrap(new byte[] {1, 2, 3}), 10000), "positional: the position stays");
            assertEquals(6000, ch.position());
            assertEquals(10003, ch.size());
            ch.position(0);
            ByteBuffer dst = ByteBuffer.allocateDirect(6000);
            assertEquals(6000, ch.read(dst));
            assertEquals(6000, ch.position());
            assertArrayEquals(TestFiles.bytes(src.flip()), TestFiles.bytes(dst.flip()));
            ByteBuffer three = ByteBuffer.allocate(3);
            assertEquals(3, ch.read(three, 10000));
            assertArrayEquals(new byte[] {1, 2, 3}, three.array());
            assertEquals(-1, ch.read(ByteBuffer.allocate(5), 10003));
            ch.position(20000);
            assertEquals(-1, ch.read(ByteBuffer.allocate(5)));
            assertEquals(0, ch.read(ByteBuffer.allocate(0)));
            assertArrayEquals(Arrays.copyOf(TestFiles.bytes(src.rewind()), 6000), Arrays.copyOf(Files.readAllBytes(p), 6000));
        }
    }

    @Test
    void vectoredReadsAndWritesWithOffsets() throws IOException {
        Path p = dir.resolve("v.dat");
        try (FileChannel ch = open(p, CREATE, READ, WRITE)) {
            ByteBuffer[] srcs = {ByteBuffer.wrap(new byte[] {9}), ByteBuffer.wrap(new byte[] {1, 2}), ByteBuffer.allocateDirect(3).put(new byte[] {3, 4, 5}).flip(), ByteBuffer.wrap(new byte[] {9})};
            assertEquals(5, ch.write(srcs, 1, 2));
            assertEquals(0, srcs[0].position());
            assertFalse(srcs[1].hasRemaining());
            ch.position(0);
            ByteBuffer a = ByteBuffer.allocate(4), b = ByteBuffer.allocateDirect(4);
            assertEquals(5, ch.read(new ByteBuffer[] {a, b}));
            assertEquals(4, a.position());
            assertEquals(1, b.position());
            assertEquals(-1, ch.read(new ByteBuffer[] {ByteBuffer.allocate(1)}));
            assertArrayEquals(new byte[] {1, 2, 3, 4, 5}, Files.readAllBytes(p));
        }
    }

    @Test
    void modesArgumentsAndClose() throws IOException {
        Path p = TestFiles.patterned(dir, "m.dat", 100);
        FileChannel r = open(p, READ);
        try (FileChannel w = open(p, WRITE)) {
            assertThrows(NonWritableChannelException.class, () -> r.write(ByteBuffer.allocate(1)));
            assertThrows(NonWritableChannelException.class, () -> r.truncate(0));
            assertThrows(NonReadableChannelException.class, () -> w.read(ByteBuffer.allocate(1)));
            assertThrows(IllegalArgumentException.class, () -> r.read(ByteBuffer.allocate(1).asReadOnlyBuffer()));
            assertThrows(IllegalArgumentException.class, () -> r.read(ByteBuffer.allocate(1), -1));
            assertThrows(IllegalArgumentException.class, () -> r.position(-1));
            assertThrows(IllegalArgumentException.class, () -> w.truncate(-1));
            assertThrows(NonReadableChannelException.class, () -> w.lock(0, 1, true));
            assertThrows(NonWritableChannelException.class, () -> r.lock(0, 1, false));
        }
        r.close();
        assertThrows(ClosedChannelException.class, () -> r.read(ByteBuffer.allocate(1)));
        assertThrows(ClosedChannelException.class, r::size);
        assertThrows(ClosedChannelException.class, r::position);
        assertThrows(ClosedChannelException.class, () -> r.force(true));
    }

    @Test
    void truncatePullsThePositionBackAndNeverGrows() throws IOException {
        Path p = TestFiles.patterned(dir, "t.dat", 1000);
        try (FileChannel ch = open(p, READ, WRITE)) {
            ch.position(900);
            assertSame(ch, ch.truncate(2000));
            assertEquals(1000, ch.size());
            assertEquals(900, ch.position());
            ch.truncate(500);
            assertEquals(500, ch.size());
            assertEquals(500, ch.position());
            ch.force(true);
            ch.force(false);
        }
    }

    @Test
    void transfersMapAndLocks() throws IOException {
        Path p = TestFiles.patterned(dir, "x.dat", 200_000);
        Path q = dir.resolve("y.dat");
        try (FileChannel ch = open(p, READ, WRITE); FileChannel out = open(q, CREATE, READ, WRITE)) {
            assertEquals(150_000, ch.transferTo(10, 150_000, out));
            assertEquals(150_000, out.position(), "the target's position moved");
            assertEquals(0, ch.position(), "the source's position did not");
            assertArrayEquals(Arrays.copyOfRange(Files.readAllBytes(p), 10, 150_010), Files.readAllBytes(q));
            assertEquals(0, ch.transferTo(300_000, 10, out), "past the end");
            var in = Channels.newChannel(new java.io.ByteArrayInputStream(new byte[] {5, 6, 7}));
            assertEquals(3, out.transferFrom(in, 5, 100));
            assertEquals(150_000, out.position());
            MappedByteBuffer m = ch.map(FileChannel.MapMode.READ_ONLY, 0, 100);
            assertEquals(TestFiles.pattern(42, 0), m.get(42));
            FileLock l = ch.lock(0, 100, false);
            assertSame(ch, l.acquiredBy());
            assertThrows(OverlappingFileLockException.class, () -> ch.tryLock(50, 10, false));
            l.release();
            FileLock t = ch.tryLock(50, 10, true);
            assertNotNull(t);
            assertTrue(t.isShared());
        }
    }

    /** Closing the channel while virtual threads read: each read returns its bytes or throws AsynchronousCloseException (or ClosedChannelException when it came after). */
    @Test
    void closeWhileVirtualThreadsRead() throws Exception {
        Path p = TestFiles.patterned(dir, "cr.dat", 1 << 20);
        FileChannel ch = open(p, READ);
        java.util.concurrent.atomic.AtomicInteger ok = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger closed = new java.util.concurrent.atomic.AtomicInteger();
        java.util.List<Throwable> odd = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        java.util.List<Thread> ts = new java.util.ArrayList<>();
        for (int i = 0; i < 32; i++) {
            int me = i;
            ts.add(Thread.ofVirtual().start(() -> {
                ByteBuffer b = ByteBuffer.allocate(4096);
                for (int k = 0; ; k++) {
                    try {
                        b.clear();
                        ch.read(b, ((me * 31L + k) % 256) * 4096);
                        ok.incrementAndGet();
                    } catch (java.nio.channels.ClosedChannelException e) { // AsynchronousCloseException is one
                        closed.incrementAndGet();
                        return;
                    } catch (Throwable e) {
                        odd.add(e);
                        return;
                    }
                }
            }));
        }
        Thread.sleep(100);
        ch.close();
        for (Thread t : ts) {
            assertTrue(t.join(java.time.Duration.ofSeconds(30)), "a reader did not end after close");
        }
        assertEquals(java.util.List.of(), odd);
        assertEquals(32, closed.get());
        assertTrue(ok.get() > 0);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (ctx.stats().completed() < ctx.stats().submitted() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(ctx.stats().submitted(), ctx.stats().completed());
    }

    /**
     * A thread interrupted while it waits (here on a FIFO with no writer yet) cancels its
     * request and closes the channel, as the JDK's FileChannel does.
     */
    @Test
    void interruptClosesTheChannel() throws Exception {
        Path fifo = dir.resolve("fifo");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        try (FileChannel writer = FileChannel.open(fifo, READ, WRITE); FileChannel ch = open(fifo, READ, WRITE)) {
            CompletableFuture<Throwable> got = new CompletableFuture<>();
            Thread t = Thread.ofVirtual().start(() -> {
                try {
                    ch.read(ByteBuffer.allocate(10));
                    got.complete(null);
                } catch (Throwable e) {
                    got.complete(e);
                }
            });
            Thread.sleep(100);
            org.junit.jupiter.api.Assumptions.assumeFalse(got.isDone(),
                    () -> engine().shortName() + " does not wait on a FIFO: " + got.join());
            t.interrupt();
            Throwable e;
            try {
                e = got.get(3, TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException notCancellable) {
                // The engine runs the read on a worker that cancel cannot stop: let it finish.
                writer.write(ByteBuffer.wrap(new byte[] {1}));
                e = got.get(20, TimeUnit.SECONDS);
            }
            assertInstanceOf(ClosedByInterruptException.class, e);
            assertFalse(ch.isOpen());
            t.join();
        }
    }
    @Test
    void aReadPartlyInThePageCacheReturnsAllOfIt() throws IOException {
        Path p = TestFiles.patterned(dir, "pc.dat", 256 * 1024);
        byte[] want = Files.readAllBytes(p);
        try (FileChannel w = FileChannel.open(p, WRITE)) {
            w.force(true);
        }
        // Only the first page cached: a read through a descriptor advised RANDOM has no readahead.
        try (jaio.IoFile f = jaio.IoFile.open(p); IoContext c = IoContext.open(4)) {
            f.advise(jaio.IoFile.Advice.DONTNEED, 0, 0);
            f.advise(jaio.IoFile.Advice.RANDOM, 0, 0);
            c.submit(jaio.Request.pread(f, ByteBuffer.allocateDirect(4096), 0));
            jaio.Event[] ev = {new jaio.Event()};
            assertEquals(1, c.getEvents(1, ev, java.time.Duration.ofSeconds(10)));
            assertEquals(4096, ev[0].result());
        }
        for (ByteBuffer dst : new ByteBuffer[] {ByteBuffer.allocateDirect(64 * 1024), ByteBuffer.allocate(64 * 1024)}) {
            try (FileChannel ch = open(p, READ)) {
                dst.clear();
                assertEquals(64 * 1024, ch.read(dst, 0), "the cached page and the rest, for " + dst);
                assertEquals(64 * 1024, dst.position());
                byte[] got = new byte[64 * 1024];
                dst.flip().get(got);
                assertArrayEquals(Arrays.copyOfRange(want, 0, 64 * 1024), got);
                dst.clear();
                assertEquals(-1, ch.read(dst, want.length), "end of file");
            }
        }
    }
}
