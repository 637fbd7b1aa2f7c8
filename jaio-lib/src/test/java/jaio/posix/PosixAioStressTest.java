package jaio.posix;

import static jaio.posix.PosixKit.pattern;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;
import jaio.Engine;
import jaio.Errno;
import jaio.IoFile;
import jaio.testkit.TestEngines;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Several threads issue lio_listio batches (LIO_NOWAIT and LIO_WAIT) of reads and writes on
 * one facade, cancel entries at random and suspend on their lists with random timeouts. At
 * the end of each batch every block's aio_error and aio_return must agree with what happened:
 * cancelled exactly when aio_cancel answered AIO_CANCELED, otherwise the whole transfer (and
 * for a read the file's bytes); every request and every list announced exactly once.
 */
@Tag("stress")
class PosixAioStressTest {
    private static final int THREADS = 3;
    private static final int BATCHES = 120;
    private static final int BLOCK = 512;
    private static final int FILE_BLOCKS = 256;

    @TempDir
    Path dir;

    @ParameterizedTest
    @MethodSource("jaio.testkit.TestEngines#all")
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void listsWithRandomCancelsAndSuspendsAgreeWithWhatHappened(Engine engine) throws Exception {
        TestEngines.assumeAvailable(engine);
        Path readPath = PosixKit.patterned(dir, "r-" + engine, FILE_BLOCKS * BLOCK);
        Path writePath = PosixKit.patterned(dir, "w-" + engine, FILE_BLOCKS * BLOCK);
        int maxBlocks = THREADS * BATCHES * PosixAio.AIO_LISTIO_MAX / 4;
        AtomicIntegerArray notified = new AtomicIntegerArray(maxBlocks);
        AtomicIntegerArray expected = new AtomicIntegerArray(maxBlocks);
        AtomicIntegerArray listNotified = new AtomicIntegerArray(THREADS * BATCHES);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        int[] totals = new int[4];
        try (IoFile rf = IoFile.open(readPath, StandardOpenOption.READ);
             IoFile wf = IoFile.open(writePath, StandardOpenOption.READ, StandardOpenOption.WRITE);
             PosixAio aio = PosixAio.builder().engine(engine).maxOutstanding(64).open()) {
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int me = t;
                threads.add(Thread.ofPlatform().name("posix-stress-" + t).start(() -> {
                    try {
                        run(aio, me, rf, wf, notified, expected, listNotified, totals);
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                    }
                }));
            }
            for (Thread th : threads) {
                th.join();
            }
        }
        if (failure.get() != null) {
            throw new AssertionError(failure.get());
        }
        // The facade is closed: every notification has run.
        for (int i = 0; i < maxBlocks; i++) {
            assertEquals(expected.get(i), notified.get(i), "block " + i + ": announced once when queued, never when refused");
        }
        for (int i = 0; i < THREADS * BATCHES; i++) {
            assertEquals(1, listNotified.get(i), "list " + i + " announced once");
        }
        assertTrue(totals[0] > 0, "some requests ran");
        assertTrue(totals[1] + totals[0] > THREADS * BATCHES, "requests were cancelled or ran: " + totals[0] + " ran, "
                + totals[1] + " cancelled, " + totals[2] + " refused");
    }

    private static void run(PosixAio aio, int me, IoFile rf, IoFile wf, AtomicIntegerArray notified,
                            AtomicIntegerArray expected, AtomicIntegerArray listNotified, int[] totals) {
        SplittableRandom rnd = new SplittableRandom(42 + me);
        int idBase = me * (notified.length() / THREADS);
        int nextId = 0;
        int completed = 0;
        int canceled = 0;
        int refused = 0;
        for (int b = 0; b < BATCHES; b++) {
            int n = 1 + rnd.nextInt(PosixAio.AIO_LISTIO_MAX / 4);
            Aiocb[] list = new Aiocb[n];
            int[] id = new int[n];
            int[] answer = new int[n];
            long[] offsets = new long[n];
            for (int i = 0; i < n; i++) {
                answer[i] = -1;
                if (rnd.nextInt(10) == 0) {
                    continue; // a null entry
                }
                boolean write = rnd.nextInt(3) == 0;
                int blk = write ? me * (FILE_BLOCKS / THREADS) + rnd.nextInt(FILE_BLOCKS / THREADS) : rnd.nextInt(FILE_BLOCKS);
                offsets[i] = (long) blk * BLOCK;
                int myId = idBase + nextId++;
                id[i] = myId;
                ByteBuffer buf = ByteBuffer.allocateDirect(BLOCK);
                list[i] = new Aiocb().aio_fildes(write ? wf : rf).aio_offset(offsets[i]).aio_buf(buf).aio_nbytes(BLOCK)
                        .aio_lio_opcode(write ? PosixAio.LIO_WRITE : PosixAio.LIO_READ)
                        .aio_sigevent(Sigevent.thread(v -> notified.incrementAndGet((int) v), myId, Runnable::run));
            }
            int listId = me * BATCHES + b;
            boolean wait = rnd.nextInt(4) == 0;
            Sigevent listSig = Sigevent.thread(v -> listNotified.incrementAndGet((int) v), listId);
            int r = aio.lio_listio(wait ? PosixAio.LIO_WAIT : PosixAio.LIO_NOWAIT, list, n, listSig);
            if (r == -1) {
                // Only lack of room may refuse entries here (three threads share 64 slots).
                assertEquals(Errno.name(Errno.EAGAIN), Errno.name(PosixAio.errno()), "lio_listio");
            }
            if (wait) {
                // LIO_WAIT ignores sig: count the list as announced for the check.
                listNotified.incrementAndGet(listId);
            } else {
                for (int i = 0; i < n; i++) {
                    if (list[i] != null && rnd.nextInt(4) == 0) {
                        answer[i] = aio.aio_cancel(list[i].aio_fildes(), list[i]);
                    }
                }
                if (rnd.nextBoolean()) {
                    int s = aio.aio_suspend(list, n, Duration.ofMillis(rnd.nextInt(3)));
                    assertTrue(s == 0 || PosixAio.errno() == Errno.EAGAIN, "aio_suspend: " + Errno.name(PosixAio.errno()));
                }
            }
            for (int i = 0; i < n; i++) {
                Aiocb cb = list[i];
                if (cb == null) {
                    continue;
                }
                PosixKit.awaitDone(aio, cb);
                int err = aio.aio_error(cb);
                long ret = aio.aio_return(cb);
                if (err == Errno.EAGAIN) {
                    // Refused for lack of room: never queued, so never announced.
                    assertEquals(-1, ret);
                    refused++;
                    continue;
                }
                expected.set(id[i], 1);
                if (answer[i] == PosixAio.AIO_CANCELED) {
                    assertEquals(Errno.name(Errno.ECANCELED), Errno.name(err), "AIO_CANCELED, so the block is ECANCELED");
                    assertEquals(-1, ret);
                    canceled++;
                } else {
                    assertEquals("OK", err == 0 ? "OK" : Errno.name(err), "answer " + answer[i] + ": the request ran");
                    assertEquals(BLOCK, ret);
                    if (cb.aio_lio_opcode() == PosixAio.LIO_READ) {
                        ByteBuffer buf = (ByteBuffer) cb.aio_buf();
                        for (int k = 0; k < BLOCK; k += 61) {
                            assertEquals(pattern(offsets[i] + k), buf.get(k), "read data");
                        }
                    }
                    completed++;
                }
            }
        }
        synchronized (totals) {
            totals[0] += completed;
            totals[1] += canceled;
            totals[2] += refused;
        }
    }
}
