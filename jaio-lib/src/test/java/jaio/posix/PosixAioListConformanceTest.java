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
import static jaio.posix.PosixAio.O_SYNC;
import static jaio.posix.PosixKit.LONG;
import static jaio.posix.PosixKit.assertFails;
import static jaio.posix.PosixKit.assertPattern;
import static jaio.posix.PosixKit.awaitDone;
import static jaio.posix.PosixKit.block;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
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
import jaio.Errno;
import jaio.Event;
import jaio.IoContext;
import jaio.IoFile;
import jaio.Opcode;
import jaio.Request;
import org.junit.jupiter.api.Test;

/**
 * The POSIX facade's lists, notifications and lifecycle (SPEC X2, X3): lio_listio in both
 * modes, the limits, sigevent delivery (SIGEV_THREAD, SIGEV_KEVENT), aio_waitcomplete, the
 * rundown at close, and the races of notification; on every engine through a thin subclass
 * each (see {@link PosixAioSuite}).
 */
abstract class PosixAioListConformanceTest extends PosixAioSuite {
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

    @Test
    void sigevNoneAnnouncesNothingAndTheBlockStillCompletes() throws IOException {
        PosixAio aio = open();
        Aiocb cb = block(file, 0, 100).aio_sigevent(Sigevent.none());
        assertEquals(0, aio.aio_read(cb));
        Aiocb[] out = new Aiocb[1];
        assertEquals(100, aio.aio_waitcomplete(out, LONG));
        assertSame(cb, out[0]);
        assertFails(Errno.EINVAL, aio.aio_return(cb), "aio_waitcomplete took the result");
        assertEquals(0, aio.droppedNotifications());
        assertEquals(0, aio.waitingPosts());
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
            if (Thread.currentThread().isInterrupted()) {
                return; // close returned: nothing to end
            }
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
}
