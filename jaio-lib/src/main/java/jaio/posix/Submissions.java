package jaio.posix;

import static jaio.posix.PosixAio.AIO_LISTIO_MAX;
import static jaio.posix.PosixAio.AIO_PRIO_DELTA_MAX;
import static jaio.posix.PosixAio.LIO_NOP;
import static jaio.posix.PosixAio.LIO_NOWAIT;
import static jaio.posix.PosixAio.LIO_READ;
import static jaio.posix.PosixAio.LIO_WAIT;
import static jaio.posix.PosixAio.LIO_WRITE;
import static jaio.posix.PosixAio.SIGEV_KEVENT;
import static jaio.posix.PosixAio.SIGEV_NONE;
import static jaio.posix.PosixAio.SIGEV_THREAD;
import static jaio.posix.PosixAio.fail;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import jaio.CompletionCallback;
import jaio.Errno;
import jaio.Event;
import jaio.IoBuffers;
import jaio.IoContext;
import jaio.IoFile;
import jaio.InvalidRequestException;
import jaio.Opcode;
import jaio.Request;

/**
 * A facade's way in and out: checking a block, aiming its jaio request at it and handing it to
 * the context (aio_read, aio_write, aio_fsync, lio_listio), and settling it when its event
 * comes back (status, notification, the list's end, deferred fsyncs). Any thread; the state
 * it touches is the blocks' (claimed through the {@link BlockTable}) and the table's.
 */
final class Submissions {
    static final int OP_READ = 0;
    static final int OP_WRITE = 1;
    static final int OP_FSYNC = 2;
    static final int OP_FDSYNC = 3;
    private static final MemorySegment EMPTY = IoBuffers.allocate(0);

    private final PosixAio aio;
    private final BlockTable table;
    private final Delivery delivery;
    private final IoContext ctx;
    private final Notifier notifier;
    private final CompletionCallback onEvent = this::completed;

    Submissions(PosixAio aio, BlockTable table, Delivery delivery, Notifier notifier) {
        this.aio = aio;
        this.table = table;
        this.delivery = delivery;
        this.ctx = delivery.context();
        this.notifier = notifier;
    }

    int submit(Aiocb cb, int op) {
        if (cb == null) {
            return fail(Errno.EINVAL);
        }
        if (cb.state == Aiocb.IN_PROGRESS) {
            return fail(Errno.EINVAL);
        }
        int e = check(cb, op);
        if (e != 0) {
            return refuse(cb, e);
        }
        forgetElsewhere(cb);
        IoFile f = cb.aio_fildes();
        Sigevent sig = cb.aio_sigevent();
        int c = table.claim(cb, aio, f, op == OP_WRITE, sig, null);
        if (c != 0) {
            return claimFailed(cb, c);
        }
        prepare(cb, op);
        if (op >= OP_FSYNC && table.deferFsync(cb)) {
            return 0;
        }
        e = start(cb);
        if (e != 0) {
            settle(cb, -1, e, false);
            return fail(e);
        }
        return 0;
    }

    /** A block done on another facade leaves that facade's done list before this one takes it. */
    private void forgetElsewhere(Aiocb cb) {
        PosixAio o = cb.owner;
        if (o != null && o != aio) {
            o.table.forgetDone(cb);
        }
    }

    private int claimFailed(Aiocb cb, int e) {
        // EINVAL here means in progress (another thread took it): leave its state alone.
        return e == Errno.EINVAL ? fail(e) : refuse(cb, e);
    }

    /** A block refused before it was taken: its status says why, and the call fails. */
    int refuse(Aiocb cb, int e) {
        forgetElsewhere(cb);
        table.markRefused(cb, e);
        return fail(e);
    }

    /** What is wrong with a block's fields for {@code op}, or 0. Reads only. */
    private static int check(Aiocb cb, int op) {
        IoFile f = cb.aio_fildes();
        if (f == null || !f.isOpen()) {
            return Errno.EBADF;
        }
        int e = checkSigevent(cb.aio_sigevent());
        if (e != 0 || op >= OP_FSYNC) {
            return e;
        }
        long off = cb.aio_offset();
        long n = cb.aio_nbytes();
        if (off < 0 || n < 0) {
            return Errno.EINVAL;
        }
        if (cb.aio_reqprio() < 0 || cb.aio_reqprio() > AIO_PRIO_DELTA_MAX) {
            return Errno.EINVAL;
        }
        Object buf = cb.aio_buf();
        long room = buf instanceof ByteBuffer bb ? bb.remaining()
                : buf instanceof MemorySegment s ? s.byteSize() : 0;
        if (n > room) {
            return Errno.EINVAL;
        }
        if (off > Long.MAX_VALUE - n) {
            return Errno.EOVERFLOW;
        }
        return 0;
    }

    static int checkSigevent(Sigevent s) {
        if (s == null) {
            return 0;
        }
        return switch (s.sigev_notify()) {
            case SIGEV_NONE -> 0;
            case SIGEV_THREAD -> s.sigev_notify_function() == null ? Errno.EINVAL : 0;
            // The event goes to a context its owner reaps: a self-reaping one would refuse it.
            case SIGEV_KEVENT -> s.sigev_notify_context() == null || !s.sigev_notify_context().isOpen()
                    || s.sigev_notify_context().isSelfReaping() ? Errno.EINVAL : 0;
            default -> Errno.EINVAL;
        };
    }

    /**
     * Aims the block's jaio request at what its fields say, reusing it when the file, buffer,
     * length and priority are those of last time (then only the offset moves). The block is
     * this thread's: it was just claimed.
     */
    private void prepare(Aiocb cb, int op) {
        IoFile f = cb.aio_fildes();
        Object buf = cb.aio_buf();
        long n = cb.aio_nbytes();
        int pos = buf instanceof ByteBuffer bb ? bb.position() : 0;
        int prio = cb.aio_reqprio() == 0 ? 0 : 3 - cb.aio_reqprio();
        Request r = cb.request;
        if (r != null && r.isInFlight()) {
            r = null; // not expected: a settled block's request has had its event; be safe
        }
        if (r != null && cb.cOp == op && cb.cFile == f && cb.cBuf == buf && cb.cPos == pos && cb.cLen == n
                && cb.cPrio == prio) {
            if (op < OP_FSYNC) {
                r.offset(cb.aio_offset());
            }
        } else {
            if (r == null) {
                r = Request.noop().attachment(cb);
                cb.request = r;
                cb.one = new Request[] {r};
                cb.cOwner = null;
            }
            switch (op) {
                case OP_READ, OP_WRITE -> {
                    long off = cb.aio_offset();
                    if (buf instanceof ByteBuffer bb) {
                        ByteBuffer v = n == bb.remaining() ? bb : bb.slice(pos, (int) n);
                        if (op == OP_READ) {
                            r.prepPread(f, v, off);
                        } else {
                            r.prepPwrite(f, v, off);
                        }
                    } else {
                        MemorySegment s = buf == null ? EMPTY : (MemorySegment) buf;
                        MemorySegment v = n == s.byteSize() ? s : s.asSlice(0, n);
                        if (op == OP_READ) {
                            r.prepPread(f, v, off);
                        } else {
                            r.prepPwrite(f, v, off);
                        }
                    }
                }
                case OP_FSYNC -> r.prepSync(Opcode.FSYNC, f);
                default -> r.prepSync(Opcode.FDSYNC, f);
            }
            r.priority(prio);
            cb.cOp = op;
            cb.cFile = f;
            cb.cBuf = buf;
            cb.cPos = pos;
            cb.cLen = n;
            cb.cPrio = prio;
        }
        if (cb.cOwner != aio) {
            r.callback(onEvent);
            cb.cOwner = aio;
        }
    }

    /** Hands a claimed, prepared block's request to the context: 0, or the errno it was refused with. */
    private int start(Aiocb cb) {
        try {
            return ctx.submit(cb.one, 0, 1) == 1 ? 0 : Errno.EAGAIN;
        } catch (InvalidRequestException e) {
            return e.errno();
        } catch (IllegalStateException closedUnderUs) {
            return Errno.EBADF;
        }
    }

    // ------------------------------------------------------------------ completion

    /** The callback of every request of this facade: one at a time, on whichever thread delivers. */
    private void completed(Event e) {
        delivery.enterCallback();
        try {
            Aiocb cb = (Aiocb) e.attachment();
            long res = e.result();
            settle(cb, res < 0 ? -1 : res, res < 0 ? (int) -res : 0, true);
        } finally {
            delivery.exitCallback();
        }
    }

    /**
     * Settles a block in progress: done with its outcome, then (when it was accepted) its
     * notification, then its list's when it was the list's last, then any fsync that waited
     * for it. What is announced is read before the block is published as done: from then on
     * its owner may take it and submit it again.
     */
    void settle(Aiocb cb, long ret, int err, boolean accepted) {
        Sigevent sig = cb.sig;
        LioList last = table.finish(cb, ret, err, accepted);
        if (accepted) {
            notifier.notify(sig, cb);
        }
        if (last != null && last.sig != null) {
            notifier.notify(last.sig, last.list);
        }
        Aiocb f;
        while ((f = table.pollReadyFsync()) != null) {
            int e = start(f);
            if (e != 0) {
                settle(f, -1, e, true);
            }
        }
    }

    // ------------------------------------------------------------------ lists

    /** lio_listio; see {@link PosixAio#lio_listio}. */
    int lioListio(int mode, Aiocb[] list, int nent, Sigevent sig) {
        if (mode != LIO_WAIT && mode != LIO_NOWAIT || list == null || nent < 0 || nent > list.length
                || nent > AIO_LISTIO_MAX) {
            return fail(Errno.EINVAL);
        }
        Sigevent listSig = mode == LIO_NOWAIT && sig != null && sig.sigev_notify() != SIGEV_NONE ? sig : null;
        if (listSig != null && checkSigevent(listSig) != 0) {
            return fail(Errno.EINVAL);
        }
        if (aio.isClosed()) {
            return fail(Errno.EBADF);
        }
        if (mode == LIO_WAIT && delivery.onDeliveryThread()) {
            return fail(Errno.EDEADLK);
        }
        LioList lio = mode == LIO_WAIT || listSig != null ? new LioList(listSig, list) : null;
        // Per call, not per thread: a notification run in place from this call may call it again.
        Aiocb[] claimed = new Aiocb[nent];
        Request[] batch = new Request[nent];
        int m = 0;
        boolean lacking = false;
        boolean failed = false;
        for (int i = 0; i < nent; i++) {
            Aiocb cb = list[i];
            if (cb == null || cb.aio_lio_opcode() == LIO_NOP) {
                continue;
            }
            int op = cb.aio_lio_opcode();
            int e;
            if (cb.state == Aiocb.IN_PROGRESS) {
                e = Errno.EINVAL; // listed twice, or in progress: leave it be
                failed = true;
                continue;
            }
            e = op != LIO_READ && op != LIO_WRITE ? Errno.EINVAL : check(cb, op == LIO_READ ? OP_READ : OP_WRITE);
            if (e == 0) {
                forgetElsewhere(cb);
                e = table.claim(cb, aio, cb.aio_fildes(), op == LIO_WRITE, cb.aio_sigevent(), lio);
                if (e == Errno.EINVAL) {
                    failed = true; // taken by another thread meanwhile
                    continue;
                }
            }
            if (e != 0) {
                refuse(cb, e);
                lacking |= e == Errno.EAGAIN;
                failed |= e != Errno.EAGAIN;
                continue;
            }
            prepare(cb, op == LIO_READ ? OP_READ : OP_WRITE);
            claimed[m] = cb;
            batch[m++] = cb.request;
        }
        int i = 0;
        while (i < m) {
            int k;
            try {
                k = ctx.submit(batch, i, m - i);
            } catch (InvalidRequestException e) {
                int bad = e.index();
                settle(claimed[bad], -1, e.errno(), false);
                failed = true;
                i = bad + 1;
                continue;
            } catch (IllegalStateException closedUnderUs) {
                k = -1;
            }
            if (k <= 0) {
                for (int j = i; j < m; j++) {
                    settle(claimed[j], -1, k == 0 ? Errno.EAGAIN : Errno.EBADF, false);
                }
                lacking |= k == 0;
                failed |= k < 0;
                break;
            }
            i += k;
        }
        if (lio != null) {
            LioList last = table.noneLeft(lio);
            if (last != null && last.sig != null) {
                // Nothing was queued, or everything already ended: announce the list from here.
                notifier.notify(last.sig, last.list);
            }
        }
        if (mode == LIO_WAIT) {
            // Rundown settles every block before the context closes: only EINTR ends this early.
            if (delivery.await(() -> table.listEnded(lio), -1) == Errno.EINTR) {
                return fail(Errno.EINTR);
            }
            failed |= lio.anyFailed;
        }
        if (failed) {
            return fail(Errno.EIO);
        }
        return lacking ? fail(Errno.EAGAIN) : 0;
    }
}
