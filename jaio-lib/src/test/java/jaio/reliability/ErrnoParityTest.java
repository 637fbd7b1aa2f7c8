package jaio.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import jaio.Engine;
import jaio.Errno;
import jaio.Event;
import jaio.InvalidRequestException;
import jaio.IoBuffers;
import jaio.IoContext;
import jaio.IoFile;
import jaio.Request;
import jaio.testkit.TestEngines;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One table of odd and bad requests, run on every engine, with one answer per row: the
 * event's result, or the errno of the refusal at submission. EIO means a device error and
 * appears in no row.
 */
class ErrnoParityTest {
    private static Path dir;
    private static Path data;

    /** One row: what to build, and the one answer every engine gives. */
    record Row(String name, long expected, Case build) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** Builds a row's request; {@code opened} collects files to close after it. */
    interface Case {
        Request build(List<IoFile> opened) throws IOException;
    }

    /** A refusal at submission, as the answer of a row: -(1000 + errno). */
    static long refused(int errno) {
        return -(1000 + errno);
    }

    static List<Row> rows() {
        return List.of(
                new Row("preadv with no buffers", 0, o -> Request.preadv(file(o, StandardOpenOption.READ),
                        new ByteBuffer[0], 0)),
                new Row("pwritev with no buffers", 0, o -> Request.pwritev(file(o, StandardOpenOption.WRITE),
                        new ByteBuffer[0], 0)),
                new Row("pread of zero bytes", 0, o -> Request.pread(file(o, StandardOpenOption.READ),
                        IoBuffers.allocate(0), 0)),
                new Row("pread past the end of the file", 0, o -> Request.pread(file(o, StandardOpenOption.READ),
                        IoBuffers.allocate(4096), 1 << 20)),
                new Row("pread of a heap buffer", 4096, o -> Request.pread(file(o, StandardOpenOption.READ),
                        ByteBuffer.allocate(4096), 0)),
                new Row("pread of a directory", -Errno.EISDIR, o -> Request.pread(add(o, IoFile.open(dir)),
                        IoBuffers.allocate(4096), 0)),
                new Row("pwrite to a pipe whose reader is gone", -Errno.EPIPE, o -> {
                    IoFile[] p = IoFile.pipe();
                    p[0].close();
                    return Request.pwrite(add(o, p[1]), IoBuffers.allocate(16), 0);
                }),
                new Row("pread of a pipe with 16 bytes in it", 16, o -> {
                    IoFile[] p = IoFile.pipe();
                    add(o, p[1]);
                    try (IoContext c = IoContext.open(4, Engine.THREADS)) {
                        Request w = Request.pwrite(p[1], IoBuffers.allocate(16), 0);
                        c.submit(w);
                        Event we = c.await(w, Duration.ofSeconds(10));
                        assertEquals(16, we == null ? -1 : we.result(), "the write that fills the pipe: " + we);
                    }
                    return Request.pread(add(o, p[0]), IoBuffers.allocate(16), 0);
                }),
                new Row("fsync of a pipe", refused(Errno.EINVAL), o -> {
                    IoFile[] p = IoFile.pipe();
                    add(o, p[0]);
                    return Request.fsync(add(o, p[1]));
                }),
                new Row("pread of a pipe whose writer is gone", 0, o -> {
                    IoFile[] p = IoFile.pipe();
                    p[1].close();
                    return Request.pread(add(o, p[0]), IoBuffers.allocate(16), 0);
                }),
                new Row("pwrite to a pipe", 16, o -> {
                    IoFile[] p = IoFile.pipe();
                    add(o, p[0]);
                    return Request.pwrite(add(o, p[1]), ByteBuffer.allocate(16), 0);
                }),
                new Row("pwrite of a heap buffer", 100, o -> Request.pwrite(file(o, StandardOpenOption.WRITE),
                        ByteBuffer.allocate(100), 4096)),
                new Row("pwrite to a file opened for reading", refused(Errno.EBADF), o ->
                        Request.pwrite(file(o, StandardOpenOption.READ), IoBuffers.allocate(16), 0)),
                new Row("pread of a file opened for writing", refused(Errno.EBADF), o ->
                        Request.pread(file(o, StandardOpenOption.WRITE), IoBuffers.allocate(16), 0)),
                new Row("pread at a negative offset", refused(Errno.EINVAL), o ->
                        Request.pread(file(o, StandardOpenOption.READ), IoBuffers.allocate(16), -1)),
                new Row("pread of a closed file", refused(Errno.EBADF), o -> {
                    IoFile f = IoFile.open(data, StandardOpenOption.READ);
                    f.close();
                    return Request.pread(f, IoBuffers.allocate(16), 0);
                }));
    }

    @BeforeAll
    static void files() throws IOException {
        dir = Files.createTempDirectory("jaio-parity");
        data = dir.resolve("data");
        Files.write(data, new byte[8192]);
    }

    @AfterAll
    static void clean() throws IOException {
        Files.deleteIfExists(data);
        Files.deleteIfExists(dir);
    }

    @ParameterizedTest
    @MethodSource("jaio.testkit.TestEngines#all")
    void everyRowHasOneAnswerOnEveryEngine(Engine engine) throws Exception {
        TestEngines.assumeAvailable(engine);
        List<String> wrong = new ArrayList<>();
        try (IoContext ctx = IoContext.open(16, engine)) {
            for (Row row : rows()) {
                long got = run(ctx, row);
                if (got != row.expected()) {
                    wrong.add(row.name() + ": expected " + show(row.expected()) + ", got " + show(got));
                }
            }
        }
        assertEquals(List.of(), wrong, engine.shortName());
    }

    private static long run(IoContext ctx, Row row) throws IOException {
        List<IoFile> opened = new ArrayList<>();
        try {
            Request r = row.build().build(opened);
            try {
                ctx.submit(r);
            } catch (InvalidRequestException e) {
                return refused(e.errno());
            }
            Event e = ctx.await(r, Duration.ofSeconds(10));
            if (e == null) {
                throw new AssertionError(row.name() + ": no event in 10 s");
            }
            return e.result();
        } finally {
            for (IoFile f : opened) {
                f.close();
            }
        }
    }

    private static String show(long v) {
        if (v <= -1000) {
            return "refused at submission with " + Errno.name((int) (-v - 1000));
        }
        return v < 0 ? Errno.name((int) -v) : Long.toString(v);
    }

    private static IoFile file(List<IoFile> opened, StandardOpenOption mode) throws IOException {
        return add(opened, IoFile.open(data, mode));
    }

    private static IoFile add(List<IoFile> opened, IoFile f) {
        opened.add(f);
        return f;
    }
}
