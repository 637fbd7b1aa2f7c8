package jaio.posix;

import static jaio.posix.PosixAio.AIO_LISTIO_MAX;
import static jaio.posix.PosixAio.fail;

import java.time.Duration;
import jaio.Errno;

/** The facade's waits for completions: aio_suspend and aio_waitcomplete. */
final class Waits {
    private final PosixAio aio;
    private final BlockTable table;
    private final Delivery delivery;

    /** The facade's waits; they wait through {@link Delivery#await}, reaping on platform threads. */
    Waits(PosixAio aio, BlockTable table, Delivery delivery) {
        this.aio = aio;
        this.table = table;
        this.delivery = delivery;
    }

    /** aio_suspend; see {@link PosixAio#aio_suspend}. */
    int aioSuspend(Aiocb[] list, int nent, Duration timeout) {
        if (list == null || nent < 0 || nent > list.length || nent > AIO_LISTIO_MAX
                || timeout != null && timeout.isNegative()) {
            return fail(Errno.EINVAL);
        }
        for (int i = 0; i < nent; i++) {
            Aiocb b = list[i];
            if (b != null && b.state != Aiocb.IN_PROGRESS) {
                return 0;
            }
        }
        for (int i = 0; i < nent; i++) {
            Aiocb b = list[i];
            if (b != null && b.owner != aio && b.state == Aiocb.IN_PROGRESS) {
                return fail(Errno.EINVAL);
            }
        }
        long nanos = nanos(timeout);
        if (nanos == 0) {
            return fail(Errno.EAGAIN);
        }
        if (delivery.onDeliveryThread()) {
            return fail(Errno.EDEADLK);
        }
        if (Thread.interrupted()) {
            return fail(Errno.EINTR);
        }
        int r = delivery.await(() -> anyDone(list, nent), nanos);
        if (r == 0) {
            return 0;
        }
        // Timed out, or the facade closed with only nulls listed (nothing can end the wait).
        return fail(r == Errno.EINTR ? Errno.EINTR : Errno.EAGAIN);
    }

    /** Whether one of the listed blocks is not in progress. Reads only. */
    private static boolean anyDone(Aiocb[] list, int n) {
        for (int i = 0; i < n; i++) {
            Aiocb b = list[i];
            if (b != null && b.state != Aiocb.IN_PROGRESS) {
                return true;
            }
        }
        return false;
    }

    /** aio_waitcomplete; see {@link PosixAio#aio_waitcomplete}. */
    long aioWaitcomplete(Aiocb[] iocbp, Duration timeout) {
        if (iocbp == null || iocbp.length == 0 || timeout != null && timeout.isNegative()) {
            return fail(Errno.EINVAL);
        }
        iocbp[0] = null;
        long nanos = nanos(timeout);
        if (nanos != 0 && delivery.onDeliveryThread()) {
            return fail(Errno.EDEADLK);
        }
        if (nanos != 0 && Thread.interrupted()) {
            return fail(Errno.EINTR);
        }
        Aiocb[] out = {null};
        int[] took = {Errno.EINPROGRESS};
        int r = delivery.await(() -> (took[0] = table.takeDone(out)) != Errno.EINPROGRESS, nanos);
        if (took[0] != 0) {
            // Nothing could end the wait (EAGAIN), or it ended first: by the time, an interrupt
            // or the facade's close (nothing is left then).
            return fail(took[0] == Errno.EAGAIN || r == Delivery.CLOSED ? Errno.EAGAIN
                    : r == Errno.EINTR ? Errno.EINTR : Errno.EINPROGRESS);
        }
        Aiocb cb = out[0];
        iocbp[0] = cb;
        return cb.ret < 0 ? fail(cb.err) : cb.ret;
    }

    static long nanos(Duration timeout) {
        if (timeout == null) {
            return -1;
        }
        try {
            return timeout.toNanos();
        } catch (ArithmeticException tooLong) {
            return -1;
        }
    }
}
