package jaio.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import jaio.Engine;
import jaio.Errno;
import jaio.Event;
import jaio.InvalidRequestException;
import jaio.IoContext;
import jaio.IoFile;
import jaio.IoSocket;
import jaio.Opcode;
import jaio.Request;
import jaio.testkit.TestEngines;
import jaio.testkit.TestFiles;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * SENDFILE (O6) on every engine, over TCP and Unix sockets: a file much larger than the
 * socket buffer arrives whole while the receiving side is driven by the same context, a range
 * past 2 GiB of a sparse file arrives intact, end of file ends the request early, and what
 * cannot be sent is refused at submission.
 */
class SendfileTest {
    @TempDir
    Path dir;

    static Stream<Arguments> engineAndKind() {
        List<Arguments> l = new ArrayList<>();
        TestEngines.all().forEach(e -> {
            l.add(Arguments.of(e, Sockets.Kind.TCP4));
            l.add(Arguments.of(e, Sockets.Kind.UNIX));
        });
        return l.stream();
    }

    /**
     * Runs {@code send} (a sendfile on {@code pair[0]}) while receiving on {@code pair[1]} in
     * the same context until the sendfile ended and {@code expect} bytes (or its result) came.
     */
    private static byte[] sendAndReceive(IoContext ctx, Request send, IoSocket receiver, long[] result) {
        ByteBuffer buf = ByteBuffer.allocateDirect(256 * 1024);
        Request recv = Request.recv(receiver, buf).userData(2);
        send.userData(1);
        assertEquals(2, ctx.submit(send, recv));
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        boolean sent = false;
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        Event[] evs = TestFiles.events(2);
        while (!sent || got.size() < result[0]) {
            assertTrue(System.nanoTime() < deadline, "sendfile did not finish: " + got.size() + " bytes received");
            int n = ctx.getEvents(1, evs, Duration.ofSeconds(5));
            for (int i = 0; i < n; i++) {
                Event e = evs[i];
                if (e.userData() == 1) {
                    sent = true;
                    result[0] = e.result();
                } else {
                    assertTrue(e.result() > 0, "recv: " + e);
                    byte[] b = new byte[(int) e.result()];
                    buf.duplicate().get(0, b);
                    got.writeBytes(b);
                    assertEquals(1, ctx.submit(recv));
                }
            }
        }
        // Everything came: the receive waiting for more is cancelled.
        ctx.cancel(recv);
        Event last = TestFiles.takeOne(ctx, Duration.ofSeconds(30));
        assertEquals(-Errno.ECANCELED, last.result(), "no byte more than sent: " + last);
        return got.toByteArray();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("engineAndKind")
    void aFileLargerThanTheSocketBufferArrivesWhole(Engine engine, Sockets.Kind kind) throws IOException {
        int size = 8 * 1024 * 1024 + 123;
        Path p = TestFiles.patterned(dir, "big", size);
        try (IoContext ctx = Sockets.context(engine, 8);
             IoSocket listener = Sockets.listener(kind, dir);
             IoFile f = IoFile.open(p, StandardOpenOption.READ)) {
            IoSocket[] pair = Sockets.connect(ctx, listener);
            try {
                long[] result = new long[1];
                byte[] got = sendAndReceive(ctx, Request.sendfile(f, 0, size, pair[0]), pair[1], result);
                assertEquals(size, result[0]);
                assertArrayEquals(TestFiles.readAll(p), got);
            } finally {
                pair[0].close();
                pair[1].close();
            }
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("engineAndKind")
    void aRangePastTwoGibibytesOfASparseFileArrivesAndEndOfFileEndsIt(Engine engine, Sockets.Kind kind)
            throws IOException {
        long at = 3L << 30;
        int len = 1 << 20;
        Path p = dir.resolve("sparse");
        byte[] data = new byte[len];
        for (int i = 0; i < len; i++) {
            data[i] = TestFiles.pattern(at + i, 5);
        }
        try (RandomAccessFile raf = new RandomAccessFile(p.toFile(), "rw")) {
            raf.seek(at);
            raf.write(data);
        }
        try (IoContext ctx = Sockets.context(engine, 8);
             IoSocket listener = Sockets.listener(kind, dir);
             IoFile f = IoFile.open(p, StandardOpenOption.READ)) {
            IoSocket[] pair = Sockets.connect(ctx, listener);
            try {
                long[] result = new long[1];
                byte[] got = sendAndReceive(ctx, Request.sendfile(f, at + 1000, 4L * len, pair[0]), pair[1], result);
                assertEquals(len - 1000, result[0], "end of file ends the sendfile with what was sent");
                assertArrayEquals(Arrays.copyOfRange(data, 1000, len), got);
            } finally {
                pair[0].close();
                pair[1].close();
            }
        }
    }

    /** io_uring's splice path (taken where sendfile(2) refuses the descriptors), forced by its property. */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(Sockets.Kind.class)
    void ioUringSplicesThroughAPipeWhereSendfileCannot(Sockets.Kind kind) throws IOException {
        TestEngines.assumeAvailable(Engine.IO_URING);
        Assumptions.assumeTrue(kind != Sockets.Kind.TCP6 || Sockets.hasIpv6());
        String prop = "jaio.uring.sendfileBySplice";
        System.setProperty(prop, "true");
        try {
            aFileLargerThanTheSocketBufferArrivesWhole(Engine.IO_URING, kind);
            aRangePastTwoGibibytesOfASparseFileArrivesAndEndOfFileEndsIt(Engine.IO_URING, kind);
        } finally {
            System.clearProperty(prop);
        }
    }

    @ParameterizedTest
    @MethodSource("jaio.testkit.TestEngines#all")
    void whatCannotBeSentIsRefused(Engine engine) throws IOException {
        Path p = TestFiles.patterned(dir, "f", 100);
        try (IoContext ctx = Sockets.context(engine, 8); IoFile f = IoFile.open(p, StandardOpenOption.READ)) {
            IoSocket[] pair = IoSocket.pair();
            IoFile[] pipe = IoFile.pipe();
            try {
                assertEquals(Errno.EINVAL, assertThrows(InvalidRequestException.class,
                        () -> ctx.submit(Request.sendfile(pipe[0], 0, 10, pair[0]))).errno());
                assertEquals(Errno.EINVAL, assertThrows(InvalidRequestException.class,
                        () -> ctx.submit(Request.sendfile(f, -1, 10, pair[0]))).errno());
                f.close();
                assertEquals(Errno.EBADF, assertThrows(InvalidRequestException.class,
                        () -> ctx.submit(Request.sendfile(f, 0, 10, pair[0]))).errno());
                Event e = Sockets.run(ctx, Request.sendfile(IoFile.open(p, StandardOpenOption.READ), 0, 0, pair[0]));
                assertEquals(Opcode.SENDFILE, e.opcode());
                assertEquals(0, e.result(), "nothing to send");
            } finally {
                pair[0].close();
                pair[1].close();
                pipe[0].close();
                pipe[1].close();
            }
        }
    }
}
