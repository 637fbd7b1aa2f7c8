package jaio.posix;

import static jaio.posix.PosixAio.AIO_ALLDONE;
import static jaio.posix.PosixAio.AIO_CANCELED;
import static jaio.posix.PosixAio.AIO_LISTIO_MAX;
import static jaio.posix.PosixAio.AIO_NOTCANCELED;
import static jaio.posix.PosixAio.LIO_NOP;
import static jaio.posix.PosixAio.LIO_NOWAIT;
import static jaio.posix.PosixAio.LIO_READ;
import static jaio.posix.PosixAio.LIO_WAIT;
import static jaio.posix.PosixAio.LIO_WRITE;
import static jaio.posix.PosixAio.O_DSYNC;
import static jaio.posix.PosixAio.O_SYNC;
import static jaio.posix.PosixKit.LONG;
import static jaio.posix.PosixKit.assertFails;
import static jaio.posix.PosixKit.assertPattern;
import static jaio.posix.PosixKit.awaitDone;
import static jaio.posix.PosixKit.block;
import static jaio.posix.PosixKit.patterned;
import static jaio.posix.PosixKit.pattern;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;
import jaio.Engine;
import jaio.Errno;
import jaio.Event;
import jaio.IoContext;
import jaio.IoFile;
import jaio.Opcode;
import jaio.Request;
import jaio.testkit.TestEngines;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The POSIX AIO facade's rules (SPEC X1-X3), on every engine through a thin subclass each,
 * in the manner of the Open POSIX Test Suite's aio_* and lio_listio interfaces: one test per
 * assertion of the standard (and of FreeBSD's aio_waitcomplete and SIGEV_KEVENT), plus the
 * races. The assertions are written from the POSIX text.
 *
 * <p>Tests that need a request to stay in progress read from an empty pipe. The thread-pool
 * engine does positional FileChannel I/O, which a pipe does not allow, so there they are
 * skipped with that reason.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
abstract class PosixAioConformanceTest {
    private static final int SIZE = 64 * 1024;

    @TempDir
    Path dir;
    private Path data;
    private IoFile file;
    private final List<AutoCloseable> closeLater = new ArrayList<>();

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

    private PosixAio open() throws IOException {
        return open(PosixAio.builder());
    }

    private PosixAio open(PosixAio.Builder b) throws IOException {
        PosixAio aio = b.engine(engine()).open();
        closeLater.add(aio);
        return aio;
    }

    /** A pipe whose read end a read can wait on for as long as a test wants. */
    private IoFile[] pipe() throws IOException {
        assumeTrue(engine() != Engine.THREADS, "the threads engine does positional FileChannel I/O, which a pipe"
                + " does not allow: no request can be held in progress");
        IoFile[] p = IoFile.pipe();
        closeLater.add(p[0]);
        closeLater.add(p[1]);
        return p;
    }

    /** A read of the pipe that stays in progress until {@link #feed} writes to it. */
    private Aiocb heldRead(PosixAio aio, IoFile[] p) {
        Aiocb cb = block(p[0], 0, 16);
        assertEquals(0, aio.aio_read(cb));
        assertEquals(Errno.EINPROGRESS, aio.aio_error(cb));
        return cb;
    }

    private static void feed(PosixAio aio, IoFile w, int n) {
        Aiocb cb = new Aiocb().aio_fildes(w).aio_buf(ByteBuffer.allocateDirect(n)).aio_nbytes(n);
        assertEquals(0, aio.aio_write(cb));
        awaitDone(aio, cb);
        assertEquals(n, aio.aio_return(cb));
    }

    // ------------------------------------------------------------------ aio_read, aio_write

    @Test
    void aioReadReadsTheBytesAtItsOffset() throws IOException {
        PosixAio aio = open();
        for (long off : new long[] {0, 1, 4095, 4096, 40_000}) {
            Aiocb cb = block(file, off, 1000);
            assertEquals(0, aio.aio_read(cb));
            awaitDone(aio, cb);
            assertEquals(0, aio.aio_error(cb));
            assertEquals(1000, aio.aio_return(cb));
            assertPattern((ByteBuffer) cb.aio_buf(), off, 1000);
        }
    }

    @Test
    void aioReadAtEndOfFileIsShortThenZero() throws IOException {
        PosixAio aio = open();
        Aiocb cb = block(file, SIZE - 100, 1000);
        assertEquals(0, aio.aio_read(cb));
        awaitDone(aio, cb);
        assertEquals(100, aio.aio_return(cb));
        cb.aio_offset(SIZE + 5000);
        assertEquals(0, aio.aio_read(cb));
        awaitDone(aio, cb);
        assertEquals(0, aio.aio_return(cb));
    }

    @Test
    void aioReadIntoEveryKindOfBuffer() throws IOException {
        PosixAio aio = open();
        try (Arena arena = Arena.ofShared()) {
            Object[] bufs = {ByteBuffer.allocate(3000), ByteBuffer.allocateDirect(3000),
                ByteBuffer.allocate(3000).position(500), ByteBuffer.allocateDirect(3000).position(1000).limit(2500),
                MemorySegment.ofArray(new byte[3000]), arena.allocate(3000), jaio.IoBuffers.allocate(3000)};
            for (Object buf : bufs) {
                int n = 1200;
                Aiocb cb = new Aiocb().aio_fildes(file).aio_offset(777).aio_nbytes(n);
                if (buf instanceof ByteBuffer bb) {
                    cb.aio_buf(bb);
                } else {
                    cb.aio_buf((MemorySegment) buf);
                }
                assertEquals(0, aio.aio_read(cb), buf.toString());
                awaitDone(aio, cb);
                assertEquals(n, aio.aio_return(cb), buf.toString());
                ByteBuffer view = buf instanceof ByteBuffer bb ? bb : ((MemorySegment) buf).asByteBuffer();
                assertPattern(view, 777, n);
                if (buf instanceof ByteBuffer bb) {
                    int limit = bb.limit();
                    assertEquals(limit, bb.limit(), "the limit is not moved");
                }
            }
        }
    }

    @Test
    void aioReadOfZeroBytesCompletesWithZero() throws IOException {
        PosixAio aio = open();
        Aiocb cb = new Aiocb().aio_fildes(file).aio_offset(10).aio_nbytes(0);
        assertEquals(0, aio.aio_read(cb));
        awaitDone(aio, cb);
        assertEquals(0, aio.aio_return(cb));
    }

    @Test
    void aioWriteWritesItsBytesAtItsOffset() throws IOException {
        PosixAio aio = open();
        byte[] b = new byte[5000];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) (i * 7);
        }
        Aiocb cb = new Aiocb().aio_fildes(file).aio_offset(12_345).aio_buf(ByteBuffer.wrap(b)).aio_nbytes(b.length);
        assertEquals(0, aio.aio_write(cb));
        awaitDone(aio, cb);
        assertEquals(0, aio.aio_error(cb));
        assertEquals(b.length, aio.aio_return(cb));
        byte[] onDisk = Files.readAllBytes(data);
        byte[] got = java.util.Arrays.copyOfRange(onDisk, 12_345, 12_345 + b.length);
        assertArrayEquals(b, got);
        assertEquals(pattern(12_344), onDisk[12_344]);
    }

    @Test
    void badInputFailsWithItsErrnoAndNeverThrows() throws IOException {
        PosixAio aio = open();
        assertFails(Errno.EINVAL, aio.aio_read(null));
        assertFails(Errno.EINVAL, aio.aio_write(null));
        assertFails(Errno.EINVAL, aio.aio_fsync(O_SYNC, null));

        Aiocb neg = block(file, -1, 10);
        assertFails(Errno.EINVAL, aio.aio_read(neg));
        assertEquals(Errno.EINVAL, aio.aio_error(neg), "the block tells why it was refused");
        assertFails(Errno.EINVAL, aio.aio_return(neg));
        assertFails(Errno.EINVAL, aio.aio_read(block(file, 0, 10).aio_nbytes(-1)));
        assertFails(Errno.EINVAL, aio.aio_read(block(file, 0, 10).aio_nbytes(11)));
        assertFails(Errno.EINVAL, aio.aio_read(new Aiocb().aio_fildes(file).aio_nbytes(1)));
        assertFails(Errno.EINVAL, aio.aio_read(block(file, 0, 10).aio_reqprio(PosixAio.AIO_PRIO_DELTA_MAX + 1)));
        assertFails(Errno.EINVAL, aio.aio_read(block(file, 0, 10).aio_reqprio(-1)));
        assertFails(Errno.EOVERFLOW, aio.aio_read(block(file, Long.MAX_VALUE - 5, 10)));
        assertFails(Errno.EBADF, aio.aio_read(block(null, 0, 10)));
        assertFails(Errno.EFAULT, aio.aio_read(new Aiocb().aio_fildes(file).aio_buf(ByteBuffer.allocate(8).asReadOnlyBuffer())
                .aio_nbytes(8)));

        for (Sigevent bad : new Sigevent[] {new Sigevent(PosixAio.SIGEV_SIGNAL, 0, null, null, null),
            new Sigevent(PosixAio.SIGEV_THREAD, 0, null, null, null), new Sigevent(PosixAio.SIGEV_KEVENT, 0, null, null, null),
            new Sigevent(99, 0, null, null, null)}) {
            assertFails(Errno.EINVAL, aio.aio_read(block(file, 0, 10).aio_sigevent(bad)));
        }
        IoContext closedCtx = IoContext.builder().engine(engine()).capacity(2).open();
        closedCtx.close();
        assertFails(Errno.EINVAL, aio.aio_read(block(file, 0, 10).aio_sigevent(Sigevent.kevent(closedCtx, 1))));
        try (IoContext selfReaping = IoContext.builder().engine(engine()).capacity(2).selfReaping().open()) {
            assertFails(Errno.EINVAL, aio.aio_read(block(file, 0, 10).aio_sigevent(Sigevent.kevent(selfReaping, 1))),
                    "nobody could reap the event");
        }

        try (IoFile ro = IoFile.open(data, StandardOpenOption.READ)) {
            assertFails(Errno.EBADF, aio.aio_write(block(ro, 0, 10)));
        }
        IoFile gone = IoFile.open(data, StandardOpenOption.READ);
        gone.close();
        assertFails(Errno.EBADF, aio.aio_read(block(gone, 0, 10)));
        assertFails(Errno.EBADF, aio.aio_fsync(O_SYNC, new Aiocb().aio_fildes(gone)));
        assertFails(Errno.EINVAL, aio.aio_fsync(12345, new Aiocb().aio_fildes(file)));
        assertEquals(0, aio.outstanding(), "nothing refused stays counted");
    }

    @Test
    void aioReadOnAReadOnlyFileAndWriteOnAWriteOnlyFile() throws IOException {
        PosixAio aio = open();
        try (IoFile wo = IoFile.open(data, StandardOpenOption.WRITE)) {
            assertFails(Errno.EBADF, aio.aio_read(block(wo, 0, 10)));
            Aiocb w = block(wo, 0, 10);
            ((ByteBuffer) w.aio_buf()).put(0, (byte) 1);
            assertEquals(0, aio.aio_write(w));
            awaitDone(aio, w);
            assertEquals(10, aio.aio_return(w));
        }
    }

    @Test
    void submittingABlockInProgressIsEinvalAndLeavesItAlone() throws IOException {
        PosixAio aio = open();
        IoFile[] p = pipe();
        Aiocb cb = heldRead(aio, p);
        assertFails(Errno.EINVAL, aio.aio_read(cb));
        assertFails(Errno.EINVAL, aio.aio_write(cb));
        assertFails(Errno.EINVAL, aio.aio_fsync(O_SYNC, cb));
        assertFails(Errno.EIO, aio.lio_listio(LIO_NOWAIT, new Aiocb[] {cb}, 1, null), "lio_listio: the entry fails");
        assertEquals(Errno.EINPROGRESS, aio.aio_error(cb), "still the first submission's");
        feed(aio, p[1], 16);
        awaitDone(aio, cb);
        assertEquals(16, aio.aio_return(cb));
    }

    // ------------------------------------------------------------------ aio_error, aio_return

    @Test
    void aioErrorIsEinprogressUntilDoneThenZero() throws IOException {
        PosixAio aio = open();
        IoFile[] p = pipe();
        Aiocb cb = heldRead(aio, p);
        for (int i = 0; i < 5; i++) {
            assertEquals(Errno.EINPROGRESS, aio.aio_error(cb));
        }
        assertFails(Errno.EINVAL, aio.aio_return(cb));
        assertEquals(Errno.EINPROGRESS, aio.aio_error(cb), "aio_return on a block in progress takes nothing");
        feed(aio, p[1], 16);
        awaitDone(aio, cb);
        assertEquals(0, aio.aio_error(cb));
        assertEquals(0, aio.aio_error(cb), "aio_error does not take the status");
        assertEquals(16, aio.aio_return(cb));
    }

    @Test
    void aioReturnGivesTheResultOnceThenEinval() throws IOException {
        PosixAio aio = open();
        Aiocb cb = block(file, 0, 100);
        assertFails(Errno.EINVAL, aio.aio_return(cb));
        assertFails(Errno.EINVAL, aio.aio_error(cb));
        assertEquals(0, aio.aio_read(cb));
        awaitDone(aio, cb);
        assertEquals(100, aio.aio_return(cb));
        assertFails(Errno.EINVAL, aio.aio_return(cb));
        assertFails(Errno.EINVAL, aio.aio_error(cb));
        assertEquals(0, aio.aio_read(cb), "a returned block may be submitted again");
        awaitDone(aio, cb);
        assertEquals(100, aio.aio_return(cb));
    }

    @Test
    void aFailedRequestReportsItsErrorInAioErrorAndMinusOneInAioReturn() throws IOException {
        PosixAio aio = open();
        IoFile[] p = pipe();
        // A read from the write end of a pipe fails in the kernel (EBADF), after it was queued.
        Aiocb cb = block(p[1], 0, 8);
        int r = aio.aio_read(cb);
        if (r == 0) {
            awaitDone(aio, cb);
        }
        assertEquals(Errno.name(Errno.EBADF), Errno.name(aio.aio_error(cb)));
        assertFails(Errno.EBADF, aio.aio_return(cb));
    }

    // ------------------------------------------------------------------ aio_suspend

    @Test
    void aioSuspendReturnsAtOnceWhenOneIsDoneAndSkipsNulls() throws IOException {
        PosixAio aio = open();
        Aiocb cb = block(file, 0, 10);
        assertEquals(0, aio.aio_read(cb));
        awaitDone(aio, cb);
        long t0 = System.nanoTime();
        assertEquals(0, aio.aio_suspend(new Aiocb[] {null, cb, null}, 3, null));
        assertEquals(0, aio.aio_suspend(new Aiocb[] {null, cb}, 2, Duration.ZERO));
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(5));
        assertEquals(10, aio.aio_return(cb));
    }

    @Test
    void aioSuspendTimesOutWithEagain() throws IOException {
        PosixAio aio = open();
        assertFails(Errno.EAGAIN, aio.aio_suspend(new Aiocb[] {null, null}, 2, Duration.ofMillis(20)));
        assertFails(Errno.EAGAIN, aio.aio_suspend(new Aiocb[0], 0, Duration.ZERO));
        IoFile[] p = pipe();
        Aiocb cb = heldRead(aio, p);
        long t0 = System.nanoTime();
        assertFails(Errno.EAGAIN, aio.aio_suspend(new Aiocb[] {cb}, 1, Duration.ofMillis(50)));
        assertTrue(System.nanoTime() - t0 >= TimeUnit.MILLISECONDS.toNanos(50));
        assertFails(Errno.EAGAIN, aio.aio_suspend(new Aiocb[] {cb}, 1, Duration.ZERO));
        feed(aio, p[1], 16);
        awaitDone(aio, cb);
        aio.aio_return(cb);
    }

    @Test
    void aioSuspendWakesWhenARequestCompletes() throws Exception {
        PosixAio aio = open();
        IoFile[] p = pipe();
        Aiocb a = heldRead(aio, p);
        Thread feeder = Thread.ofPlatform().start(() -> {
            sleep(50);
            feed(aio, p[1], 16);
        });
        assertEquals(0, aio.aio_suspend(new Aiocb[] {null, a}, 2, LONG));
        assertTrue(aio.aio_error(a) != Errno.EINPROGRESS);
        feeder.join();
        assertEquals(16, aio.aio_return(a));
    }

    @Test
    void aioSuspendIsInterruptedWithEintr() throws Exception {
        PosixAio aio = open();
        IoFile[] p = pipe();
        Aiocb cb = heldRead(aio, p);
        Thread.currentThread().interrupt();
        assertFails(Errno.EINTR, aio.aio_suspend(new Aiocb[] {cb}, 1, LONG));
        assertTrue(!Thread.currentThread().isInterrupted(), "EINTR clears the interrupt status");
        Thread me = Thread.currentThread();
        Thread interrupter = Thread.ofPlatform().start(() -> {
            sleep(50);
            me.interrupt();
        });
        assertFails(Errno.EINTR, aio.aio_suspend(new Aiocb[] {cb}, 1, LONG));
        interrupter.join();
        assertEquals(Errno.EINPROGRESS, aio.aio_error(cb), "the request goes on");
        feed(aio, p[1], 16);
        awaitDone(aio, cb);
        assertEquals(16, aio.aio_return(cb));
    }

    @Test
    void aioSuspendBadArgumentsAreEinval() throws IOException {
        PosixAio aio = open();
        Aiocb[] two = new Aiocb[2];
        assertFails(Errno.EINVAL, aio.aio_suspend(null, 0, null));
        assertFails(Errno.EINVAL, aio.aio_suspend(two, -1, null));
        assertFails(Errno.EINVAL, aio.aio_suspend(two, 3, null));
        assertFails(Errno.EINVAL, aio.aio_suspend(two, 2, Duration.ofMillis(-1)));
        assertFails(Errno.EINVAL, aio.aio_suspend(new Aiocb[AIO_LISTIO_MAX + 1], AIO_LISTIO_MAX + 1, null));
    }

    // ------------------------------------------------------------------ aio_cancel

    @Test
    void aioCancelOfADoneRequestIsAllDone() throws IOException {
        PosixAio aio = open();
        Aiocb cb = block(file, 0, 10);
        assertEquals(0, aio.aio_read(cb));
        awaitDone(aio, cb);
        assertEquals(AIO_ALLDONE, aio.aio_cancel(file, cb));
        assertEquals(0, aio.aio_error(cb), "a done request keeps its status");
        assertEquals(10, aio.aio_return(cb));
        assertEquals(AIO_ALLDONE, aio.aio_cancel(file, null), "nothing in progress on the file");
        assertEquals(AIO_ALLDONE, aio.aio_cancel(file, new Aiocb().aio_fildes(file)), "never submitted");
    }

    @Test
    void aioCancelOfAWaitingRequestAnswersWhatHappened() throws IOException {
        AtomicInteger notified = new AtomicInteger();
        PosixAio aio = open();
        IoFile[] p = pipe();
        Aiocb cb = block(p[0], 0, 16).aio_sigevent(Sigevent.thread(v -> notified.incrementAndGet(), 7));
        assertEquals(0, aio.aio_read(cb));
        int r = aio.aio_cancel(p[0], cb);
        if (r == AIO_CANCELED) {
            assertEquals(Errno.ECANCELED, aio.aio_error(cb), "cancelled: the status is final when aio_cancel returns");
            assertFails(Errno.ECANCELED, aio.aio_return(cb));
        } else {
            assertEquals(AIO_NOTCANCELED, r);
            feed(aio, p[1], 16);
            awaitDone(aio, cb);
            assertEquals(16, aio.aio_return(cb));
        }
        aio.close();
        assertEquals(1, notified.get(), "a cancelled request is announced, once");
    }

    @Test
    void aioCancelOfAFileCancelsEveryRequestOnIt() throws IOException {
        PosixAio aio = open();
        IoFile[] p = pipe();
        Aiocb[] held = {heldRead(aio, p), heldRead(aio, p), heldRead(aio, p)};
        Aiocb other = block(file, 0, 10);
        assertEquals(0, aio.aio_read(other));
        awaitDone(aio, other);
        int r = aio.aio_cancel(p[0], null);
        assertTrue(r == AIO_CANCELED || r == AIO_NOTCANCELED, "answer " + r);
        int canceled = 0;
        for (Aiocb cb : held) {
            if (aio.aio_error(cb) == Errno.ECANCELED) {
                canceled++;
            }
        }
        if (r == AIO_CANCELED) {
            assertEquals(3, canceled, "AIO_CANCELED: every one");
        } else {
            assertTrue(canceled < 3, "AIO_NOTCANCELED: at least one goes on");
            feed(aio, p[1], 16 * 3);
        }
        assertEquals(0, aio.aio_error(other), "a request on another file is untouched");
        assertEquals(10, aio.aio_return(other));
    }

    @Test
    void aioCancelBadArguments() throws IOException {
        PosixAio aio = open();
        assertFails(Errno.EBADF, aio.aio_cancel(null, null));
        IoFile gone = IoFile.open(data, StandardOpenOption.READ);
        gone.close();
        assertFails(Errno.EBADF, aio.aio_cancel(gone, null));
        try (IoFile other = IoFile.open(data, StandardOpenOption.READ)) {
            assertFails(Errno.EINVAL, aio.aio_cancel(other, block(file, 0, 1)));
        }
    }

    // ------------------------------------------------------------------ aio_fsync

    @Test
    void aioFsyncWithOSyncAndODsyncCompletesWithZero() throws IOException {
        PosixAio aio = open();
        for (int op : new int[] {O_SYNC, O_DSYNC}) {
            Aiocb cb = new Aiocb().aio_fildes(file);
            assertEquals(0, aio.aio_fsync(op, cb));
            awaitDone(aio, cb);
            assertEquals(0, aio.aio_error(cb));
            assertEquals(0, aio.aio_return(cb));
        }
    }

    @Test
    void aioFsyncCompletesOnlyAfterTheWritesQueuedBeforeIt() throws IOException {
        PosixAio aio = open();
        for (int round = 0; round < 20; round++) {
            Aiocb[] writes = new Aiocb[8];
            for (int i = 0; i < writes.length; i++) {
                writes[i] = block(file, i * 4096L, 4096);
                assertEquals(0, aio.aio_write(writes[i]));
            }
            Aiocb sync = new Aiocb().aio_fildes(file);
            assertEquals(0, aio.aio_fsync(round % 2 == 0 ? O_SYNC : O_DSYNC, sync));
            awaitDone(aio, sync);
            for (Aiocb w : writes) {
                assertNotEquals(Errno.EINPROGRESS, aio.aio_error(w), "a write queued before the fsync is done when it is");
            }
            assertEquals(0, aio.aio_return(sync));
            for (Aiocb w : writes) {
                assertEquals(4096, aio.aio_return(w));
            }
        }
    }

    @Test
    void aioFsyncWaitingForAWriteCanBeCancelled() throws IOException {
        PosixAio aio = open();
        IoFile[] p = pipe();
        // A write to a full pipe stays in progress; the fsync of the same descriptor waits for it.
        Aiocb big = new Aiocb().aio_fildes(p[1]).aio_buf(ByteBuffer.allocateDirect(1 << 20)).aio_nbytes(1 << 20);
        assertEquals(0, aio.aio_write(big));
        Aiocb sync = new Aiocb().aio_fildes(p[1]);
        int r = aio.aio_fsync(O_SYNC, sync);
        assertEquals(0, r);
        assertEquals(Errno.EINPROGRESS, aio.aio_error(sync));
        assertEquals(AIO_CANCELED, aio.aio_cancel(p[1], sync));
        assertEquals(Errno.ECANCELED, aio.aio_error(sync));
        assertFails(Errno.ECANCELED, aio.aio_return(sync));
        aio.aio_cancel(p[1], big);
        p[0].close();
        awaitDone(aio, big);
        aio.aio_return(big);
    }

    // ------------------------------------------------------------------ lio_listio

    @Test
    void lioListioWaitRunsTheWholeListAndSkipsNullsAndNops() throws IOException {
        PosixAio aio = open();
        Aiocb r1 = block(file, 0, 512).aio_lio_opcode(LIO_READ);
        Aiocb nop = block(file, 0, 512).aio_lio_opcode(LIO_NOP);
        Aiocb w1 = block(file, 8192, 512).aio_lio_opcode(LIO_WRITE);
        Aiocb r2 = block(file, 30_000, 512).aio_lio_opcode(LIO_READ);
        Aiocb[] list = {r1, null, nop, w1, null, r2};
        assertEquals(0, aio.lio_listio(LIO_WAIT, list, list.length, null));
        for (Aiocb cb : new Aiocb[] {r1, w1, r2}) {
            assertEquals(0, aio.aio_error(cb), "LIO_WAIT returns once all are done");
            assertEquals(512, aio.aio_return(cb));
        }
        assertPattern((ByteBuffer) r2.aio_buf(), 30_000, 512);
        assertFails(Errno.EINVAL, aio.aio_error(nop));
    }

    @Test
    void lioListioOneFailureDoesNotStopTheOthers() throws IOException {
        PosixAio aio = open();
        for (int mode : new int[] {LIO_WAIT, LIO_NOWAIT}) {
            Aiocb good1 = block(file, 0, 100);
            Aiocb bad = block(file, -5, 100);
            Aiocb badOp = block(file, 0, 100).aio_lio_opcode(42);
            Aiocb good2 = block(file, 200, 100);
            Aiocb[] list = {good1, bad, badOp, good2};
            assertFails(Errno.EIO, aio.lio_listio(mode, list, list.length, null));
            assertEquals(Errno.EINVAL, aio.aio_error(bad));
            assertEquals(Errno.EINVAL, aio.aio_error(badOp));
            for (Aiocb g : new Aiocb[] {good1, good2}) {
                awaitDone(aio, g);
                assertEquals(0, aio.aio_error(g));
                assertEquals(100, aio.aio_return(g));
            }
            assertFails(Errno.EINVAL, aio.aio_return(bad));
        }
    }

    @Test
    void lioListioWaitIsEioWhenARequestFails() throws IOException {
        PosixAio aio = open();
        IoFile[] p = pipe();
        Aiocb fails = block(p[1], 0, 8); // reading the write end fails in the kernel
        Aiocb ok = block(file, 0, 8);
        int r = aio.lio_listio(LIO_WAIT, new Aiocb[] {fails, ok}, 2, null);
        assertFails(Errno.EIO, r);
        assertEquals(Errno.EBADF, aio.aio_error(fails));
        assertEquals(0, aio.aio_error(ok));
    }

    @Test
    void lioListioBadArgumentsAreEinval() throws IOException {
        PosixAio aio = open();
        Aiocb[] list = {block(file, 0, 1)};
        assertFails(Errno.EINVAL, aio.lio_listio(7, list, 1, null));
        assertFails(Errno.EINVAL, aio.lio_listio(LIO_WAIT, null, 0, null));
        assertFails(Errno.EINVAL, aio.lio_listio(LIO_WAIT, list, 2, null));
        assertFails(Errno.EINVAL, aio.lio_listio(LIO_WAIT, list, -1, null));
        assertFails(Errno.EINVAL, aio.lio_listio(LIO_NOWAIT, new Aiocb[AIO_LISTIO_MAX + 1], AIO_LISTIO_MAX + 1, null));
        assertFails(Errno.EINVAL, aio.lio_listio(LIO_NOWAIT, list, 1, new Sigevent(PosixAio.SIGEV_THREAD, 0, null, null, null)));
        assertFails(Errno.EINVAL, aio.aio_error(list[0]), "nothing was queued");
        assertEquals(0, aio.lio_listio(LIO_WAIT, new Aiocb[AIO_LISTIO_MAX], AIO_LISTIO_MAX, null), "AIO_LISTIO_MAX nulls");
    }

    @Test
    void lioListioNowaitAnnouncesTheListOnceAfterItsLastRequest() throws Exception {
        PosixAio aio = open();
        for (int round = 0; round < 20; round++) {
            int n = 1 + round % 8;
            Aiocb[] list = new Aiocb[n];
            AtomicInteger own = new AtomicInteger();
            for (int i = 0; i < n; i++) {
                list[i] = block(file, i * 1000L, 1000).aio_sigevent(Sigevent.thread(v -> own.incrementAndGet(), i));
            }
            AtomicInteger listFired = new AtomicInteger();
            AtomicReference<String> problem = new AtomicReference<>();
            CountDownLatch fired = new CountDownLatch(1);
            Sigevent sig = Sigevent.thread(v -> {
                if (v != 99) {
                    problem.set("value " + v);
                }
                for (Aiocb cb : list) {
                    if (aio.aio_error(cb) == Errno.EINPROGRESS) {
                        problem.set(cb + " still in progress when the list was announced");
                    }
                }
                listFired.incrementAndGet();
                fired.countDown();
            }, 99);
            assertEquals(0, aio.lio_listio(LIO_NOWAIT, list, n, sig));
            assertTrue(fired.await(LONG.toSeconds(), TimeUnit.SECONDS));
            for (Aiocb cb : list) {
                awaitDone(aio, cb);
                assertEquals(1000, aio.aio_return(cb));
            }
            sleep(2);
            assertNull(problem.get());
            assertEquals(1, listFired.get());
        }
        aio.close();
    }

    @Test
    void lioListioNowaitAnnouncesAListWithNothingQueued() throws Exception {
        PosixAio aio = open();
        CountDownLatch fired = new CountDownLatch(2);
        Sigevent sig = Sigevent.thread(v -> fired.countDown(), 1);
        assertEquals(0, aio.lio_listio(LIO_NOWAIT, new Aiocb[] {null, new Aiocb().aio_lio_opcode(LIO_NOP)}, 2, sig));
        assertFails(Errno.EIO, aio.lio_listio(LIO_NOWAIT, new Aiocb[] {block(file, -1, 1)}, 1, sig));
        assertTrue(fired.await(LONG.toSeconds(), TimeUnit.SECONDS));
    }

    @Test
    void lioListioBeyondTheOutstandingLimitQueuesWhatFitsAndSaysEagain() throws IOException {
        PosixAio aio = open(PosixAio.builder().maxOutstanding(4));
        assertEquals(4, aio.maxOutstanding());
        IoFile[] p = pipe();
        Aiocb[] list = new Aiocb[8];
        for (int i = 0; i < list.length; i++) {
            list[i] = block(p[0], 0, 1);
        }
        assertFails(Errno.EAGAIN, aio.lio_listio(LIO_NOWAIT, list, list.length, null));
        int queued = 0;
        int refused = 0;
        for (Aiocb cb : list) {
            int e = aio.aio_error(cb);
            queued += e == Errno.EINPROGRESS ? 1 : 0;
            refused += e == Errno.EAGAIN ? 1 : 0;
        }
        assertEquals(4, queued);
        assertEquals(4, refused);
        assertFails(Errno.EAGAIN, aio.aio_read(block(file, 0, 1)));
        assertEquals(4, aio.outstanding());
        // Feeding the pipe from another facade: this one is full.
        try (PosixAio other = PosixAio.open(engine())) {
            feed(other, p[1], 4);
        }
        for (Aiocb cb : list) {
            if (aio.aio_error(cb) != Errno.EAGAIN) {
                awaitDone(aio, cb);
                assertEquals(1, aio.aio_return(cb));
            }
        }
        Aiocb again = block(file, 0, 1);
        assertEquals(0, aio.aio_read(again), "room again once they completed");
        awaitDone(aio, again);
    }

    @Test
    void aioReadBeyondTheOutstandingLimitIsEagainNeverABlock() throws IOException {
        PosixAio aio = open(PosixAio.builder().maxOutstanding(2));
        IoFile[] p = pipe();
        Aiocb a = heldRead(aio, p);
        Aiocb b = heldRead(aio, p);
        Aiocb c = block(file, 0, 10);
        long t0 = System.nanoTime();
        assertFails(Errno.EAGAIN, aio.aio_read(c));
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(2));
        assertEquals(Errno.EAGAIN, aio.aio_error(c));
        assertFails(Errno.EAGAIN, aio.aio_return(c));
        assertFails(Errno.EAGAIN, aio.aio_fsync(O_SYNC, new Aiocb().aio_fildes(file)));
        aio.aio_cancel(p[0], null);
        try (PosixAio other = PosixAio.open(engine())) {
            feed(other, p[1], 32);
        }
        awaitDone(aio, a);
        awaitDone(aio, b);
        assertEquals(0, aio.aio_read(c));
        awaitDone(aio, c);
        assertEquals(10, aio.aio_return(c));
    }

    // ------------------------------------------------------------------ sigevent

    @Test
    void sigevThreadRunsTheFunctionWithTheValueOnTheChosenExecutor() throws Exception {
        ExecutorService mine = Executors.newSingleThreadExecutor(r -> Thread.ofPlatform().name("mine").daemon().unstarted(r));
        ExecutorService facadeDefault = Executors.newSingleThreadExecutor(r -> Thread.ofPlatform().name("default")
                .daemon().unstarted(r));
        try {
            PosixAio own = open();
            PosixAio given = open(PosixAio.builder().notifyExecutor(facadeDefault));
            ConcurrentLinkedQueue<String> seen = new ConcurrentLinkedQueue<>();
            CountDownLatch done = new CountDownLatch(3);
            SigevNotifyFunction fn = v -> {
                seen.add(v + "@" + (Thread.currentThread().isVirtual() ? "virtual" : Thread.currentThread().getName()));
                done.countDown();
            };
            assertEquals(0, own.aio_read(block(file, 0, 10).aio_sigevent(Sigevent.thread(fn, 11))));
            assertEquals(0, own.aio_read(block(file, 0, 10).aio_sigevent(Sigevent.thread(fn, 22, mine))));
            assertEquals(0, given.aio_read(block(file, 0, 10).aio_sigevent(Sigevent.thread(fn, 33))));
            assertTrue(done.await(LONG.toSeconds(), TimeUnit.SECONDS));
            assertEquals(java.util.Set.of("11@virtual", "22@mine", "33@default"), java.util.Set.copyOf(seen));
        } finally {
            mine.shutdown();
            facadeDefault.shutdown();
        }
    }

    @Test
    void sigevKeventPostsAnEventIntoTheCallersContext() throws IOException {
        try (IoContext mine = IoContext.builder().capacity(8).open()) {
            PosixAio aio = open();
            Aiocb cb = block(file, 100, 50).aio_sigevent(Sigevent.kevent(mine, 0xC0FFEEL));
            assertEquals(0, aio.aio_read(cb));
            Event e = new Event();
            assertEquals(1, mine.getEvents(1, new Event[] {e}, LONG));
            assertEquals(0xC0FFEEL, e.userData());
            assertSame(cb, e.attachment());
            assertEquals(Opcode.NOOP, e.opcode());
            assertEquals(0, aio.aio_error(cb), "the block is done when its event is reaped");
            assertEquals(50, aio.aio_return(cb));

            Aiocb[] list = {block(file, 0, 10), block(file, 10, 10)};
            assertEquals(0, aio.lio_listio(LIO_NOWAIT, list, 2, Sigevent.kevent(mine, 5)));
            assertEquals(1, mine.getEvents(1, new Event[] {e}, LONG));
            assertEquals(5, e.userData());
            assertSame(list, e.attachment(), "a list's event carries the list");
        }
    }

    @Test
    void sigevKeventIntoAFullContextWaitsForRoomAndIsNotDropped() throws Exception {
        try (IoContext mine = IoContext.builder().capacity(1).open()) {
            assertEquals(1, mine.submit(Request.noop().userData(1)));
            PosixAio aio = open();
            Aiocb cb = block(file, 0, 10).aio_sigevent(Sigevent.kevent(mine, 2));
            assertEquals(0, aio.aio_read(cb));
            awaitDone(aio, cb);
            long deadline = System.nanoTime() + LONG.toNanos();
            while (aio.waitingPosts() == 0 && System.nanoTime() < deadline) {
                sleep(1);
            }
            assertEquals(1, aio.waitingPosts(), "no room: the event waits in the facade");
            Event e = new Event();
            assertEquals(1, mine.getEvents(1, new Event[] {e}, LONG));
            assertEquals(1, e.userData());
            assertEquals(1, mine.getEvents(1, new Event[] {e}, LONG), "posted once the caller made room");
            assertEquals(2, e.userData());
            assertEquals(0, aio.droppedNotifications());
        }
    }

    // ------------------------------------------------------------------ aio_waitcomplete

    @Test
    void aioWaitcompleteTakesCompletedBlocksInOrderWithTheirResult() throws IOException {
        PosixAio aio = open();
        Aiocb[] out = new Aiocb[1];
        assertFails(Errno.EAGAIN, aio.aio_waitcomplete(out, null));
        assertNull(out[0]);
        assertFails(Errno.EINVAL, aio.aio_waitcomplete(null, null));
        assertFails(Errno.EINVAL, aio.aio_waitcomplete(new Aiocb[0], null));
        assertFails(Errno.EINVAL, aio.aio_waitcomplete(out, Duration.ofSeconds(-1)));
        Aiocb a = block(file, 0, 10);
        assertEquals(0, aio.aio_read(a));
        awaitDone(aio, a);
        Aiocb b = block(file, 0, 20);
        assertEquals(0, aio.aio_read(b));
        awaitDone(aio, b);
        assertEquals(10, aio.aio_waitcomplete(out, LONG));
        assertSame(a, out[0]);
        assertFails(Errno.EINVAL, aio.aio_return(a));
        assertEquals(20, aio.aio_waitcomplete(out, Duration.ZERO));
        assertSame(b, out[0]);
        Aiocb c = block(file, 0, 30);
        assertEquals(0, aio.aio_read(c));
        assertEquals(30, aio.aio_waitcomplete(out, LONG), "waits for it");
        assertSame(c, out[0]);
        Aiocb d = block(file, 0, 40);
        assertEquals(0, aio.aio_read(d));
        awaitDone(aio, d);
        assertEquals(40, aio.aio_return(d));
        assertFails(Errno.EAGAIN, aio.aio_waitcomplete(out, LONG), "a returned block is not offered again");
    }

    @Test
    void aioWaitcompleteTimesOutWithEinprogressAndGivesErrorsAsMinusOne() throws IOException {
        PosixAio aio = open();
        IoFile[] p = pipe();
        Aiocb cb = heldRead(aio, p);
        Aiocb[] out = new Aiocb[1];
        assertFails(Errno.EINPROGRESS, aio.aio_waitcomplete(out, Duration.ofMillis(30)));
        assertNull(out[0]);
        Thread.currentThread().interrupt();
        assertFails(Errno.EINTR, aio.aio_waitcomplete(out, LONG));
        int r = aio.aio_cancel(p[0], cb);
        if (r != AIO_CANCELED) {
            feed(aio, p[1], 16);
        }
        long res = aio.aio_waitcomplete(out, LONG);
        assertSame(cb, out[0]);
        if (r == AIO_CANCELED) {
            assertFails(Errno.ECANCELED, res);
        } else {
            assertEquals(16, res);
        }
    }

    // ------------------------------------------------------------------ close

    @Test
    void closeRunsDownAndNothingIsAnnouncedAfterItReturns() throws Exception {
        PosixAio aio = open();
        AtomicInteger notified = new AtomicInteger();
        List<Aiocb> blocks = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            Aiocb cb = block(file, i * 100L, 100).aio_sigevent(Sigevent.thread(v -> {
                sleep(1);
                notified.incrementAndGet();
            }, i));
            assertEquals(0, aio.aio_read(cb));
            blocks.add(cb);
        }
        aio.close();
        int atClose = notified.get();
        assertEquals(20, atClose, "every request was announced before close returned");
        sleep(20);
        assertEquals(atClose, notified.get());
        for (Aiocb cb : blocks) {
            int e = aio.aio_error(cb);
            assertTrue(e == 0 || e == Errno.ECANCELED, Errno.name(e));
            aio.aio_return(cb);
        }
        assertFails(Errno.EBADF, aio.aio_read(block(file, 0, 1)));
        assertFails(Errno.EBADF, aio.lio_listio(LIO_NOWAIT, new Aiocb[] {block(file, 0, 1)}, 1, null));
        aio.close();
        assertTrue(aio.isClosed());
    }

    @Test
    void closeCancelsWhatWaitsAndAnnouncesIt() throws Exception {
        PosixAio aio = open();
        IoFile[] p = pipe();
        AtomicInteger notified = new AtomicInteger();
        Aiocb cb = block(p[0], 0, 8).aio_sigevent(Sigevent.thread(v -> notified.incrementAndGet(), 0));
        assertEquals(0, aio.aio_read(cb));
        Thread feeder = Thread.ofPlatform().daemon().start(() -> {
            sleep(500); // only if cancel could not stop the read: close waits for it
            try (PosixAio other = PosixAio.open(engine())) {
                feed(other, p[1], 8);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        aio.close();
        assertNotEquals(Errno.EINPROGRESS, aio.aio_error(cb));
        assertEquals(1, notified.get());
        feeder.interrupt();
    }

    @Test
    void closeFromANotificationFunctionDoesNotWaitForItself() throws Exception {
        PosixAio aio = open();
        CountDownLatch closedInside = new CountDownLatch(1);
        assertEquals(0, aio.aio_read(block(file, 0, 8).aio_sigevent(Sigevent.thread(v -> {
            aio.close();
            closedInside.countDown();
        }, 0))));
        assertTrue(closedInside.await(LONG.toSeconds(), TimeUnit.SECONDS));
        assertTrue(aio.isClosed());
    }

    @Test
    void onTheDeliveryThreadWaitsAreRefusedWithEdeadlk() throws Exception {
        PosixAio aio = open();
        AtomicReference<String> got = new AtomicReference<>();
        CountDownLatch ran = new CountDownLatch(1);
        // An executor that runs in place: the function runs on the facade's delivery thread.
        assertEquals(0, aio.aio_read(block(file, 0, 8).aio_sigevent(Sigevent.thread(v -> {
            int s = aio.aio_suspend(new Aiocb[] {null}, 1, LONG);
            int se = PosixAio.errno();
            int l = aio.lio_listio(LIO_WAIT, new Aiocb[0], 0, null);
            int le = PosixAio.errno();
            String c;
            try {
                aio.close();
                c = "closed";
            } catch (IllegalStateException e) {
                c = "refused";
            }
            got.set(s + Errno.name(se) + " " + l + Errno.name(le) + " " + c);
            ran.countDown();
        }, 0, Runnable::run))));
        assertTrue(ran.await(LONG.toSeconds(), TimeUnit.SECONDS));
        assertEquals("-1EDEADLK -1EDEADLK refused", got.get());
    }

    // ------------------------------------------------------------------ races

    @Test
    void raceCancelAgainstCompletionAnswersWhatHappenedAndAnnouncesOnce() throws Exception {
        PosixAio aio = open();
        int n = 300;
        AtomicIntegerArray notified = new AtomicIntegerArray(n);
        int[] answers = new int[3];
        for (int i = 0; i < n; i++) {
            int id = i;
            Aiocb cb = block(file, (i * 512L) % SIZE, 512).aio_sigevent(Sigevent.thread(v -> notified.incrementAndGet(id), i));
            assertEquals(0, aio.aio_read(cb));
            if (i % 3 == 1) {
                Thread.onSpinWait();
            }
            int r = aio.aio_cancel(file, cb);
            answers[r]++;
            switch (r) {
                case AIO_CANCELED -> assertEquals(Errno.ECANCELED, aio.aio_error(cb), "AIO_CANCELED: final at once");
                case AIO_ALLDONE -> assertEquals(0, aio.aio_error(cb), "AIO_ALLDONE: completed, final at once");
                default -> {
                    assertEquals(AIO_NOTCANCELED, r);
                    awaitDone(aio, cb);
                    assertEquals(0, aio.aio_error(cb), "AIO_NOTCANCELED: it goes on to complete");
                }
            }
            long ret = aio.aio_return(cb);
            assertEquals(r == AIO_CANCELED ? -1 : 512, ret);
        }
        aio.close();
        for (int i = 0; i < n; i++) {
            assertEquals(1, notified.get(i), "request " + i + " announced exactly once");
        }
    }

    @Test
    void raceSuspendAgainstCompletionNeverMissesIt() throws Exception {
        PosixAio aio = open();
        for (int i = 0; i < 300; i++) {
            Aiocb cb = block(file, (i * 4096L) % SIZE, 4096);
            assertEquals(0, aio.aio_read(cb));
            int r = aio.aio_suspend(new Aiocb[] {cb}, 1, LONG);
            assertEquals(0, r, "aio_suspend missed a completion");
            assertEquals(4096, aio.aio_return(cb));
        }
    }

    @Test
    void raceManyThreadsEachRequestAnnouncedExactlyOnce() throws Exception {
        PosixAio aio = open();
        int threads = 4;
        int perThread = 200;
        AtomicIntegerArray notified = new AtomicIntegerArray(threads * perThread);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> ts = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int base = t * perThread;
            ts.add(Thread.ofPlatform().start(() -> {
                try {
                    for (int i = 0; i < perThread; i++) {
                        int id = base + i;
                        Aiocb cb = block(file, (id % 600) * 100L, 100).aio_sigevent(
                                Sigevent.thread(v -> notified.incrementAndGet((int) v), id));
                        while (aio.aio_read(cb) == -1) {
                            assertEquals(Errno.EAGAIN, PosixAio.errno());
                            Thread.yield();
                        }
                        awaitDone(aio, cb);
                        assertEquals(100, aio.aio_return(cb));
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }));
        }
        for (Thread t : ts) {
            t.join();
        }
        aio.close();
        if (failure.get() != null) {
            throw new AssertionError(failure.get());
        }
        for (int i = 0; i < notified.length(); i++) {
            assertEquals(1, notified.get(i), "request " + i);
        }
        assertEquals(0, aio.droppedNotifications());
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
