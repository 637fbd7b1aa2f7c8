package jaio.posix;

import static jaio.posix.PosixAio.AIO_ALLDONE;
import static jaio.posix.PosixAio.AIO_CANCELED;
import static jaio.posix.PosixAio.AIO_NOTCANCELED;
import static jaio.posix.PosixAio.fail;

import java.util.List;
import jaio.CancelResult;
import jaio.Errno;
import jaio.IoContext;
import jaio.IoFile;
import jaio.Request;

/**
 * aio_cancel, and the facade's rundown, which cancels what is left: each answer is checked
 * against the outcome of the request it is about, after its event has settled the block.
 */
final class Cancelling {
    private final PosixAio aio;
    private final BlockTable table;
    private final Delivery delivery;
    private final IoContext ctx;
    private final Submissions submissions;

    Cancelling(PosixAio aio, BlockTable table, Delivery delivery, Submissions submissions) {
        this.aio = aio;
        this.table = table;
        this.delivery = delivery;
        this.ctx = delivery.context();
        this.submissions = submissions;
    }

    /** aio_cancel; see {@link PosixAio#aio_cancel}. */
    int aioCancel(IoFile fildes, Aiocb cb) {
        if (fildes == null || !fildes.isOpen()) {
            return fail(Errno.EBADF);
        }
        if (cb != null) {
            if (cb.aio_fildes() != fildes) {
                return fail(Errno.EINVAL);
            }
            if (cb.state == Aiocb.IN_PROGRESS && cb.owner != aio) {
                return fail(Errno.EINVAL);
            }
            return cancelOne(cb, true);
        }
        boolean canceled = false;
        boolean notCanceled = false;
        for (Aiocb b : table.inProgress(fildes)) {
            int r = cancelOne(b, true);
            canceled |= r == AIO_CANCELED;
            notCanceled |= r == AIO_NOTCANCELED;
        }
        return notCanceled ? AIO_NOTCANCELED : canceled ? AIO_CANCELED : AIO_ALLDONE;
    }

    /**
     * Cancels one block's request. When jaio says it was stopped, or had already finished, its
     * event is on the way: with {@code settle}, wait until the facade has settled the block,
     * so that its status is final when aio_cancel returns, and answer from that outcome.
     */
    private int cancelOne(Aiocb cb, boolean settleFirst) {
        if (cb.state != Aiocb.IN_PROGRESS) {
            return AIO_ALLDONE;
        }
        int gen = cb.gen;
        if (table.cancelDeferred(cb)) {
            submissions.settle(cb, -1, Errno.ECANCELED, true);
            return AIO_CANCELED;
        }
        Request r = cb.request;
        CancelResult cr;
        try {
            cr = ctx.cancel(r);
        } catch (IllegalArgumentException | IllegalStateException notOurs) {
            // Not (yet) submitted to the context, or the context is closing: it completes on its own.
            cr = CancelResult.NOT_CANCELED;
        }
        if (cr == CancelResult.NOT_CANCELED) {
            return cb.gen == gen && cb.state == Aiocb.IN_PROGRESS ? AIO_NOTCANCELED : AIO_ALLDONE;
        }
        if (!settleFirst || delivery.onDeliveryThread()) {
            return cr == CancelResult.CANCELED ? AIO_CANCELED : AIO_ALLDONE;
        }
        table.awaitSettled(cb, gen);
        return cr == CancelResult.CANCELED && cb.gen == gen && cb.err == Errno.ECANCELED ? AIO_CANCELED : AIO_ALLDONE;
    }

    /**
     * The rundown, once the table refuses new blocks: cancels every block in progress (not
     * waiting for each), then waits, uninterruptibly, until none is left.
     */
    void rundown() {
        List<Aiocb> left = table.inProgress(null);
        for (Aiocb cb : left) {
            cancelOne(cb, false);
        }
        table.awaitEmpty();
    }
}
