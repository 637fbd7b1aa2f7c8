package jaio.posix;

import static jaio.posix.PosixAio.AIO_ALLDONE;
import static jaio.posix.PosixAio.AIO_CANCELED;
import static jaio.posix.PosixAio.AIO_LISTIO_MAX;
import static jaio.posix.PosixAio.AIO_NOTCANCELED;
import static jaio.posix.PosixAio.LIO_NOWAIT;
import static jaio.posix.PosixAio.LIO_WAIT;
import static jaio.posix.PosixAio.O_DSYNC;
import static jaio.posix.PosixAio.O_SYNC;
import static jaio.posix.PosixKit.LONG;
import static jaio.posix.PosixKit.assertFails;
import static jaio.posix.PosixKit.assertPattern;
import static jaio.posix.PosixKit.awaitDone;
import static jaio.posix.PosixKit.block;
import static jaio.posix.PosixKit.pattern;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import jaio.Errno;
import jaio.IoContext;
import jaio.IoFile;
import org.junit.jupiter.api.Test;

/**
 * The POSIX facade's calls one by one (SPEC X1): aio_read, aio_write, aio_error, aio_return,
 * aio_suspend, aio_cancel and aio_fsync, with their errnos and the waits' races; on every
 * engine through a thin subclass each (see {@link PosixAioSuite}).
 */
abstract class PosixAioConformanceTest extends PosixAioSuite {

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


    // ------------------------------------------------------------------ waits on other threads

    @Test
    void aioSuspendOnAVirtualThreadWakesWhenARequestCompletes() throws Exception {
        PosixAio aio = open();
        IoFile[] p = pipe();
        Aiocb a = heldRead(aio, p);
        AtomicInteger got = new AtomicInteger(-2);
        Thread v = Thread.ofVirtual().start(() -> got.set(aio.aio_suspend(new Aiocb[] {a}, 1, LONG)));
        sleep(50);
        feed(aio, p[1], 16);
        v.join(LONG.toMillis());
        assertEquals(0, got.get());
        assertEquals(16, aio.aio_return(a));
    }

    @Test
    void waitsInterruptedWhileTheyWaitFailWithEintrAndTheRequestsGoOn() throws Exception {
        PosixAio aio = open();
        IoFile[] p = pipe();
        Aiocb held = heldRead(aio, p);
        Thread me = Thread.currentThread();
        Thread interrupter = Thread.ofPlatform().start(() -> {
            sleep(50);
            me.interrupt();
        });
        assertFails(Errno.EINTR, aio.aio_waitcomplete(new Aiocb[1], LONG), "aio_waitcomplete");
        interrupter.join();
        assertFalse(Thread.currentThread().isInterrupted(), "EINTR clears the interrupt status");
        Aiocb listed = block(p[0], 0, 16);
        interrupter = Thread.ofPlatform().start(() -> {
            sleep(50);
            me.interrupt();
        });
        assertFails(Errno.EINTR, aio.lio_listio(LIO_WAIT, new Aiocb[] {listed}, 1, null), "LIO_WAIT");
        interrupter.join();
        assertFalse(Thread.currentThread().isInterrupted(), "EINTR clears the interrupt status");
        AtomicInteger err = new AtomicInteger();
        Thread v = Thread.ofVirtual().start(() -> err.set(aio.aio_suspend(new Aiocb[] {held}, 1, LONG) == -1
                ? PosixAio.errno() : 0));
        sleep(50);
        v.interrupt();
        v.join(LONG.toMillis());
        assertEquals(Errno.name(Errno.EINTR), Errno.name(err.get()), "aio_suspend on a virtual thread");
        assertEquals(Errno.EINPROGRESS, aio.aio_error(held), "the request goes on");
        assertEquals(Errno.EINPROGRESS, aio.aio_error(listed), "the list's request goes on");
        feed(aio, p[1], 16);
        feed(aio, p[1], 16);
        awaitDone(aio, held);
        awaitDone(aio, listed);
        assertEquals(16, aio.aio_return(held));
        assertEquals(16, aio.aio_return(listed));
    }

    @Test
    void closeEndsTheWaitsOfThreadsInAioSuspend() throws Exception {
        PosixAio aio = open();
        PosixAio other = open();
        IoFile[] p = pipe();
        Aiocb held = heldRead(aio, p);
        AtomicIntegerArray got = new AtomicIntegerArray(new int[] {-2, -2});
        Thread platform = Thread.ofPlatform().start(() -> got.set(0, aio.aio_suspend(new Aiocb[] {held}, 1, LONG)));
        Thread virtual = Thread.ofVirtual().start(() -> got.set(1, aio.aio_suspend(new Aiocb[] {held}, 1, LONG)));
        // Where the engine cannot cancel a pipe read, data ends it, so that close can return.
        Thread feeder = Thread.ofPlatform().daemon().start(() -> {
            sleep(300);
            if (!Thread.currentThread().isInterrupted()) {
                feed(other, p[1], 16);
            }
        });
        sleep(50);
        aio.close();
        platform.join(LONG.toMillis());
        virtual.join(LONG.toMillis());
        assertEquals(0, got.get(0), "the platform thread's aio_suspend");
        assertEquals(0, got.get(1), "the virtual thread's aio_suspend");
        int e = aio.aio_error(held);
        assertTrue(e == Errno.ECANCELED || e == 0, "cancelled, or ended by the data: " + Errno.name(e));
        feeder.interrupt();
        feeder.join();
    }
}
