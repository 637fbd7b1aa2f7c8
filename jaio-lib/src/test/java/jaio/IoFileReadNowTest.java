package jaio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import jaio.testkit.TestFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link IoFile#readNow}: the page cache's bytes at once, -EAGAIN for what is not cached, and its refusals. */
class IoFileReadNowTest {
    @TempDir
    Path dir;

    private Path written(int size) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(size);
        TestFiles.fill(b, 0, 7);
        return Files.write(dir.resolve("f"), b.array());
    }

    @Test
    void aCachedRangeIsReadAtOnceAndTheBufferPositionStays() throws IOException {
        Path p = written(3 * 4096 + 100);
        byte[] want = Files.readAllBytes(p);
        try (IoFile f = IoFile.open(p)) {
            ByteBuffer dst = ByteBuffer.allocateDirect(8192).position(10).limit(10 + 5000);
            assertEquals(5000, f.readNow(dst, 4096));
            assertEquals(10, dst.position(), "no position change");
            for (int i = 0; i < 5000; i++) {
                assertEquals(want[4096 + i], dst.get(10 + i), "byte " + i);
            }
            ByteBuffer tail = ByteBuffer.allocateDirect(4096);
            assertEquals(100, f.readNow(tail, 3 * 4096), "short at the end of the file");
            assertEquals(0, f.readNow(tail, 3 * 4096 + 100), "0 at the end of the file");
        }
    }

    @Test
    void whatIsNotCachedIsEagainAndNothingWaits() throws IOException {
        Path p = written(256 * 1024);
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) {
            ch.force(true); // clean pages, so that DONTNEED drops them
        }
        try (IoFile f = IoFile.open(p)) {
            assertTrue(f.advise(IoFile.Advice.DONTNEED, 0, 0));
            assertEquals(-Errno.EAGAIN, f.readNow(ByteBuffer.allocateDirect(4096), 128 * 1024));
        }
    }

    @Test
    void heapBuffersDirectFilesAndClosedFilesAreRefusedByErrno() throws IOException {
        Path p = written(8192);
        try (IoFile f = IoFile.open(p)) {
            assertEquals(-Errno.EOPNOTSUPP, f.readNow(ByteBuffer.allocate(4096), 0), "a heap buffer");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> f.readNow(ByteBuffer.allocateDirect(16), -1));
            assertTrue(e.getMessage().contains("negative position -1"), e.getMessage());
            assertThrows(NullPointerException.class, () -> f.readNow(null, 0));
            try (java.lang.foreign.Arena shared = java.lang.foreign.Arena.ofShared();
                 java.lang.foreign.Arena confined = java.lang.foreign.Arena.ofConfined()) {
                // Another thread could free a shared arena's memory during the call; a confined
                // one is refused as a request refuses it.
                assertEquals(-Errno.EOPNOTSUPP, f.readNow(shared.allocate(4096).asByteBuffer(), 0), "a shared arena's");
                assertEquals(-Errno.EOPNOTSUPP, f.readNow(confined.allocate(4096).asByteBuffer(), 0), "a confined arena's");
            }
            assertEquals(4096, f.readNow(java.lang.foreign.Arena.ofAuto().allocate(4096).asByteBuffer(), 0), "an automatic arena's");
        }
        try (IoFile d = IoFile.open(p, StandardOpenOption.READ, IoFile.DIRECT)) {
            assertEquals(-Errno.EOPNOTSUPP, d.readNow(ByteBuffer.allocateDirect(4096), 0), "a direct file");
        }
        IoFile f = IoFile.open(p);
        f.close();
        assertEquals(-Errno.EBADF, f.readNow(ByteBuffer.allocateDirect(4096), 0));
    }
}
