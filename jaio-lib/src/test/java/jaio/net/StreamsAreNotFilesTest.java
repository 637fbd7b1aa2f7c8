package jaio.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import jaio.Engine;
import jaio.Event;
import jaio.IoBuffers;
import jaio.IoContext;
import jaio.IoFile;
import jaio.IoSocket;
import jaio.Request;
import jaio.testkit.TestFiles;
import jaio.testkit.TestFiles.EventCopy;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Streams are not files (E4), on every engine: a read of a pipe, FIFO, eventfd or socket gives
 * what is there, as read(2) does, instead of waiting for the whole buffer; a write to a pipe
 * larger than the pipe holds is continued until all of it went.
 */
class StreamsAreNotFilesTest {
    @TempDir
    Path dir;

    private static IoContext open(Engine engine) throws Exception {
        return IoContext.builder().engine(engine).capacity(8).open();
    }

    @ParameterizedTest
    @MethodSource("jaio.testkit.TestEngines#all")
    void aBigReadOfAPipeHoldingLittleGivesWhatIsThere(Engine engine) throws Exception {
        IoFile[] pipe = IoFile.pipe();
        try (IoContext ctx = open(engine); IoFile rd = pipe[0]; IoFile wr = pipe[1]) {
            byte[] msg = new byte[64];
            for (int i = 0; i < msg.length; i++) {
                msg[i] = (byte) (i + 1);
            }
            assertEquals(64, Sockets.run(ctx, Request.pwrite(wr, ByteBuffer.wrap(msg), 0)).result());
            ByteBuffer in = ByteBuffer.allocate(4096);
            Event e = Sockets.run(ctx, Request.pread(rd, in, 0));
            assertEquals(64, e.result(), "a 4096-byte read of a pipe holding 64 bytes: " + e);
            byte[] got = new byte[64];
            in.get(0, got);
            assertArrayEquals(msg, got);
        }
    }

    @ParameterizedTest
    @MethodSource("jaio.testkit.TestEngines#all")
    void aReadOfAnEmptyPipeWaitsForTheFirstBytesOnly(Engine engine) throws Exception {
        IoFile[] pipe = IoFile.pipe();
        try (IoContext ctx = open(engine); IoFile rd = pipe[0]; IoFile wr = pipe[1]) {
            Request read = Request.preadv(rd, new ByteBuffer[] {ByteBuffer.allocateDirect(16), ByteBuffer.allocate(4096)}, 0)
                    .userData(1);
            assertEquals(1, ctx.submit(read));
            assertEquals(0, ctx.getEvents(0, TestFiles.events(1), Duration.ofMillis(50)), "nothing to read yet");
            assertEquals(1, ctx.submit(Request.pwrite(wr, ByteBuffer.wrap(new byte[] {1, 2, 3, 4, 5}), 0).userData(2)));
            for (EventCopy c : TestFiles.reap(ctx, 2)) {
                assertEquals(5, c.result(), c.toString());
            }
        }
    }

    @ParameterizedTest
    @MethodSource("jaio.testkit.TestEngines#all")
    void aFifoIsAStreamToo(Engine engine) throws Exception {
        Path fifo = dir.resolve("f");
        Process p = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assumeTrue(p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0, "mkfifo is not available");
        // O_RDWR on a FIFO opens without waiting for a peer (Linux).
        try (IoContext ctx = open(engine);
             IoFile f = IoFile.open(fifo, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            assertEquals(3, Sockets.run(ctx, Request.pwrite(f, ByteBuffer.wrap(new byte[] {9, 8, 7}), 0)).result());
            assertEquals(3, Sockets.run(ctx, Request.pread(f, ByteBuffer.allocateDirect(1024), 0)).result());
        }
    }

    @ParameterizedTest
    @MethodSource("jaio.testkit.TestEngines#all")
    void anEventfdReadGivesItsCounter(Engine engine) throws Exception {
        try (IoContext ctx = open(engine); IoFile efd = IoFile.eventFd()) {
            ByteBuffer one = ByteBuffer.allocateDirect(8).order(java.nio.ByteOrder.nativeOrder()).putLong(0, 5);
            assertEquals(8, Sockets.run(ctx, Request.pwrite(efd, one, 0)).result());
            ByteBuffer in = ByteBuffer.allocateDirect(64).order(java.nio.ByteOrder.nativeOrder());
            assertEquals(8, Sockets.run(ctx, Request.pread(efd, in, 0)).result());
            assertEquals(5, in.getLong(0));
        }
    }

    @ParameterizedTest
    @MethodSource("jaio.testkit.TestEngines#all")
    void aWriteLargerThanThePipeIsContinuedUntilAllWent(Engine engine) throws Exception {
        IoFile[] pipe = IoFile.pipe();
        try (IoContext ctx = open(engine); IoFile rd = pipe[0]; IoFile wr = pipe[1]) {
            int size = 1 << 20;
            var src = IoBuffers.allocate(size);
            TestFiles.fill(src, 0, 5);
            assertEquals(1, ctx.submit(Request.pwrite(wr, src, 0).userData(1)));
            var dst = IoBuffers.allocate(size);
            long got = 0;
            boolean written = false;
            while (got < size || !written) {
                if (got < size) {
                    assertEquals(1, ctx.submit(Request.pread(rd, dst.asSlice(got), 0).userData(2)));
                }
                boolean readDone = got >= size;
                while (!readDone || (got >= size && !written)) {
                    Event e = TestFiles.takeOne(ctx, Duration.ofSeconds(30));
                    if (e.userData() == 1) {
                        assertEquals(size, e.result(), "the whole megabyte: " + e);
                        written = true;
                    } else {
                        got += e.result();
                        readDone = true;
                    }
                    if (readDone && got < size) {
                        break;
                    }
                }
            }
            assertArrayEquals(TestFiles.bytes(src), TestFiles.bytes(dst));
        }
    }

    @ParameterizedTest
    @MethodSource("jaio.testkit.TestEngines#all")
    void aSocketPairIsAStream(Engine engine) throws Exception {
        IoSocket[] pair = IoSocket.pair();
        try (IoContext ctx = Sockets.context(engine, 8); IoSocket a = pair[0]; IoSocket b = pair[1]) {
            assertEquals(2, Sockets.run(ctx, Request.sendmsg(a,
                    new ByteBuffer[] {ByteBuffer.wrap(new byte[] {1}), ByteBuffer.wrap(new byte[] {2})})).result());
            ByteBuffer x = ByteBuffer.allocate(1);
            ByteBuffer y = ByteBuffer.allocateDirect(100);
            assertEquals(2, Sockets.run(ctx, Request.recvmsg(b, new ByteBuffer[] {x, y})).result());
            assertEquals(1, x.get(0));
            assertEquals(2, y.get(0));
        }
    }
}
