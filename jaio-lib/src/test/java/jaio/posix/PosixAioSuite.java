package jaio.posix;

import static jaio.posix.PosixKit.awaitDone;
import static jaio.posix.PosixKit.block;
import static jaio.posix.PosixKit.patterned;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import jaio.Engine;
import jaio.Errno;
import jaio.IoFile;
import jaio.testkit.TestEngines;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the POSIX facade's conformance suites share (SPEC X1-X3): a patterned file, facades on
 * the engine under test, and requests held in progress on a pipe. The suites run on every
 * engine through a thin subclass each, in the manner of the Open POSIX Test Suite's aio_* and
 * lio_listio interfaces; the assertions are written from the POSIX text.
 *
 * <p>Tests that need a request to stay in progress read from an empty pipe (every engine holds
 * such a read until data comes: the thread pool on its poller thread).
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
abstract class PosixAioSuite {
    static final int SIZE = 64 * 1024;

    @TempDir
    Path dir;
    Path data;
    IoFile file;
    final List<AutoCloseable> closeLater = new ArrayList<>();

    /** The engine under test. */
    protected abstract Engine engine();

    @BeforeEach
    void setUp() throws IOException {
        TestEngines.assumeAvailable(engine());
        data = patterned(dir, "data", SIZE);
        file = IoFile.open(data, StandardOpenOption.READ, StandardOpenOption.WRITE);
        closeLater.add(file);
    }

    @AfterEach
    void tearDown() throws Exception {
        for (int i = closeLater.size() - 1; i >= 0; i--) {
            closeLater.get(i).close();
        }
    }

    PosixAio open() throws IOException {
        return open(PosixAio.builder());
    }

    PosixAio open(PosixAio.Builder b) throws IOException {
        PosixAio aio = b.engine(engine()).open();
        closeLater.add(aio);
        return aio;
    }

    /** A pipe whose read end a read can wait on for as long as a test wants. */
    IoFile[] pipe() throws IOException {
        IoFile[] p = IoFile.pipe();
        closeLater.add(p[0]);
        closeLater.add(p[1]);
        return p;
    }

    /** A read of the pipe that stays in progress until {@link #feed} writes to it. */
    Aiocb heldRead(PosixAio aio, IoFile[] p) {
        Aiocb cb = block(p[0], 0, 16);
        assertEquals(0, aio.aio_read(cb));
        assertEquals(Errno.EINPROGRESS, aio.aio_error(cb));
        return cb;
    }

    static void feed(PosixAio aio, IoFile w, int n) {
        Aiocb cb = new Aiocb().aio_fildes(w).aio_buf(ByteBuffer.allocateDirect(n)).aio_nbytes(n);
        assertEquals(0, aio.aio_write(cb));
        awaitDone(aio, cb);
        assertEquals(n, aio.aio_return(cb));
    }

    // ------------------------------------------------------------------ aio_read, aio_write

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
