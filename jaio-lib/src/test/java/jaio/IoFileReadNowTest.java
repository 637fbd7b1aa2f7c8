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

    /**
     * The file remembers the buffers it read into (so a buffer read into again costs no
     * segment): each read still lands at the buffer's position of the moment, whatever
     * window, slice or duplicate, and however many buffers share a slot of that table.
     */
    @Test
    void aBufferReadIntoAgainLandsAtItsPositionOfTheMoment() throws IOException {
        Path p = written(64 * 1024);
        byte[] want = Files.readAllBytes(p);
        try (IoFile f = IoFile.open(p)) {
            ByteBuffer b = ByteBuffer.allocateDirect(8192);
            for (int round = 0; round < 3; round++) {
                for (int at : new int[] {0, 1, 4000, 8191}) {
                    b.clear().position(at);
                    long pos = 512L * (at % 7 + round);
                    assertEquals(8192 - at, f.readNow(b, pos));
                    for (int i = at; i < 8192; i++) {
                        assertEquals(want[(int) pos + i - at], b.get(i), "round " + round + ", at " + at + ", byte " + i);
                    }
                }
            }
            ByteBuffer slice = b.clear().position(100).slice();
            assertEquals(slice.capacity(), f.readNow(slice, 0));
            assertEquals(want[0], b.get(100), "a slice starts at its own address");
            assertEquals(want[slice.capacity() - 1], b.get(8191));
            ByteBuffer dup = b.duplicate().position(20).limit(30);
            assertEquals(10, f.readNow(dup, 1000));
            assertEquals(want[1000], b.get(20), "a duplicate is its own buffer at the same memory");
            ByteBuffer[] many = new ByteBuffer[40];
            for (int i = 0; i < many.length; i++) {
                many[i] = ByteBuffer.allocateDirect(64);
            }
            for (int round = 0; round < 2; round++) {
                for (int i = 0; i < many.length; i++) {
                    assertEquals(64, f.readNow(many[i].clear(), 64L * (i + round)));
                    assertEquals(want[64 * (i + round)], many[i].get(0), "buffer " + i + ", round " + round);
                    assertEquals(want[64 * (i + round) + 63], many[i].get(63));
                }
            }
        }
    }

    @Test
    void aReadOnlyBufferIsRefused() throws IOException {
        Path p = written(4096);
        try (IoFile f = IoFile.open(p)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> f.readNow(ByteBuffer.allocateDirect(64).asReadOnlyBuffer(), 0));
            assertTrue(e.getMessage().contains("read-only"), e.getMessage());
        }
    }

    /** Virtual threads share a small set of native iovecs: many at once each read their own bytes. */
    @Test
    void manyVirtualThreadsReadAtOnce() throws Exception {
        Path p = written(256 * 1024);
        byte[] want = Files.readAllBytes(p);
        java.util.concurrent.atomic.AtomicReference<String> wrong = new java.util.concurrent.atomic.AtomicReference<>();
        try (IoFile f = IoFile.open(p);
             java.util.concurrent.ExecutorService vts = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            for (int t = 0; t < 200; t++) {
                int me = t;
                vts.submit(() -> {
                    ByteBuffer b = ByteBuffer.allocateDirect(1024);
                    for (int i = 0; i < 50; i++) {
                        long pos = 1024L * ((me * 7 + i) % 255);
                        long r = f.readNow(b.clear(), pos);
                        if (r != 1024 || b.get(0) != want[(int) pos] || b.get(1023) != want[(int) pos + 1023]) {
                            wrong.compareAndSet(null, "thread " + me + " read " + r + " at " + pos);
                        }
                        Thread.yield();
                    }
                });
            }
        }
        assertEquals(null, wrong.get());
    }

    /** The file remembers the buffers it read into without keeping them, or their memory, alive. */
    @Test
    void theFileKeepsNoBufferAlive() throws Exception {
        Path p = written(4096);
        try (IoFile f = IoFile.open(p)) {
            ByteBuffer b = ByteBuffer.allocateDirect(4096);
            assertEquals(4096, f.readNow(b, 0));
            assertEquals(4096, f.readNow(b.clear(), 0));
            java.lang.ref.WeakReference<ByteBuffer> ref = new java.lang.ref.WeakReference<>(b);
            b = null;
            for (int i = 0; i < 100 && ref.get() != null; i++) {
                System.gc();
                Thread.sleep(10);
            }
            assertEquals(null, ref.get(), "the open file keeps the buffer reachable");
            assertEquals(4096, f.readNow(ByteBuffer.allocateDirect(4096), 0), "and reads into new ones");
        }
    }
}
