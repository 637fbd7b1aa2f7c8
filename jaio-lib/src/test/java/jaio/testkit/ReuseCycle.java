package jaio.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import jaio.CancelResult;
import jaio.Errno;
import jaio.IoBuffers;
import jaio.IoContext;
import jaio.IoFile;
import jaio.Poll;
import jaio.Request;
import jaio.testkit.TestFiles.EventCopy;

/**
 * One life of a context whose kernel object the next open may reuse (the native AIO and
 * io_uring pools' tests): it leaves its successor everything that could leak. Reads reaped,
 * two POLLs cancelled and reaped, two POLLs left for the close to cancel (completed by a write
 * and never reaped every third cycle), two NOOPs never reaped, and optionally a TIMEOUT still
 * waiting. Every event it takes must carry cycle {@code c}'s user data and the right result.
 */
public final class ReuseCycle {
    /** Opens the context of one cycle. */
    public interface Opener {
        IoContext open() throws java.io.IOException;
    }

    private ReuseCycle() {}

    /** {@code cycles} lives of a context from {@code open}, one after another, on a file of at least 4 KiB. */
    public static void runMany(java.nio.file.Path file, int cycles, Opener open, boolean timeoutInFlight) throws java.io.IOException {
        try (IoFile f = IoFile.open(file, java.nio.file.StandardOpenOption.READ)) {
            for (int c = 0; c < cycles; c++) {
                IoFile[] pipe = IoFile.pipe();
                try (IoFile rd = pipe[0]; IoFile wr = pipe[1]) {
                    IoContext ctx = open.open();
                    try {
                        run(ctx, f, rd, wr, c, timeoutInFlight);
                    } finally {
                        ctx.close();
                    }
                }
            }
        }
    }

    public static void run(IoContext ctx, IoFile f, IoFile rd, IoFile wr, int c, boolean timeoutInFlight) {
        long base = (long) c << 16;
        Request[] reads = new Request[4];
        for (int i = 0; i < reads.length; i++) {
            reads[i] = Request.pread(f, IoBuffers.allocate(512), i * 1024L).userData(base + i);
        }
        Request[] polls = new Request[4];
        for (int i = 0; i < polls.length; i++) {
            polls[i] = Request.poll(rd, Poll.IN).userData(base + 100 + i);
        }
        assertEquals(reads.length, ctx.submit(reads));
        assertEquals(polls.length, ctx.submit(polls));
        if (timeoutInFlight) {
            assertEquals(1, ctx.submit(Request.timeout(Duration.ofHours(1), 0).userData(base + 300)));
        }
        Set<Long> seen = new HashSet<>();
        for (EventCopy e : TestFiles.reap(ctx, reads.length)) {
            ownEvent(e, base, c, seen);
            assertEquals(512, e.result(), e.toString());
        }
        for (int i = 0; i < 2; i++) {
            assertEquals(CancelResult.CANCELED, ctx.cancel(polls[i]));
        }
        for (EventCopy e : TestFiles.reap(ctx, 2)) {
            ownEvent(e, base, c, seen);
            assertEquals(-Errno.ECANCELED, e.result(), e.toString());
        }
        if (c % 3 == 0) {
            // Readiness: the POLLs left complete in the kernel, and nobody reaps them.
            assertEquals(1, ctx.submit(Request.pwrite(wr, IoBuffers.allocate(1), 0).userData(base + 200)));
        }
        ctx.submit(TestFiles.noops(2));
    }

    private static void ownEvent(EventCopy e, long base, int c, Set<Long> seen) {
        assertEquals(base, e.userData() & ~0xFFFFL, "cycle " + c + " got an event of another: " + e);
        assertTrue(seen.add(e.userData()), "twice: " + e);
    }
}
