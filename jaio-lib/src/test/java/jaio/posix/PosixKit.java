package jaio.posix;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import jaio.Errno;
import jaio.IoFile;

/** Helpers of the POSIX facade's tests: patterned files, blocks, and waiting for a block. */
final class PosixKit {
    static final Duration LONG = Duration.ofSeconds(20);

    private PosixKit() {}

    /** The byte of the test pattern at a file offset. */
    static byte pattern(long offset) {
        return (byte) ((offset * 0x9E3779B97F4A7C15L) >>> 56);
    }

    /** A file of {@code size} patterned bytes. */
    static Path patterned(Path dir, String name, int size) throws IOException {
        byte[] b = new byte[size];
        for (int i = 0; i < size; i++) {
            b[i] = pattern(i);
        }
        return Files.write(dir.resolve(name), b);
    }

    /** A read block of {@code n} bytes at {@code off} into a new direct buffer. */
    static Aiocb block(IoFile f, long off, int n) {
        return new Aiocb().aio_fildes(f).aio_offset(off).aio_buf(ByteBuffer.allocateDirect(n)).aio_nbytes(n);
    }

    /** Waits (aio_suspend) until the block is no longer in progress; fails after {@link #LONG}. */
    static void awaitDone(PosixAio aio, Aiocb cb) {
        long deadline = System.nanoTime() + LONG.toNanos();
        while (aio.aio_error(cb) == Errno.EINPROGRESS) {
            int r = aio.aio_suspend(new Aiocb[] {cb}, 1, Duration.ofMillis(200));
            if (r == -1 && PosixAio.errno() != Errno.EAGAIN) {
                throw new AssertionError("aio_suspend: " + Errno.name(PosixAio.errno()));
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(cb + " did not complete within " + LONG);
            }
        }
    }

    /** Asserts a call failed with -1 and {@code errno}. */
    static void assertFails(int errno, long result) {
        assertFails(errno, result, "");
    }

    static void assertFails(int errno, long result, String what) {
        assertEquals(-1, result, what + ": expected -1 with " + Errno.name(errno));
        assertEquals(Errno.name(errno), Errno.name(PosixAio.errno()), what);
    }

    /** Asserts the bytes of {@code buf} from its position are the file's pattern from {@code off}. */
    static void assertPattern(ByteBuffer buf, long off, int n) {
        for (int i = 0; i < n; i++) {
            if (buf.get(buf.position() + i) != pattern(off + i)) {
                throw new AssertionError("byte " + i + " (file offset " + (off + i) + ") differs");
            }
        }
    }
}
