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
        int r = table.awaitAny(list, nent, nanos);
        return r == 0 ? 0 : fail(r);
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
        int r = table.awaitDone(out, nanos);
        if (r != 0) {
            return fail(r);
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
