package jaio.posix;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import jaio.Errno;
import jaio.IoFile;

/**
 * A facade's blocks: those in progress, those done whose result was not yet taken (in the
 * order they completed, for aio_waitcomplete), and the aio_fsyncs deferred until earlier
 * writes end. Any thread: one lock guards it all. aio_suspend, LIO_WAIT and aio_waitcomplete
 * wait through the context ({@link Delivery#await}) on conditions read here; aio_cancel and
 * close wait on this table's one condition, which wakes them when a block settles.
 */
final class BlockTable {
    private static final byte NOWHERE = 0;
    private static final byte PROGRESS = 1;
    private static final byte DONE_LIST = 2;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition settled = lock.newCondition();
    private final int max;
    private int inProgress;
    private Aiocb progressHead;
    private Aiocb doneHead;
    private Aiocb doneTail;
    private Aiocb deferredHead;
    private final List<Aiocb> readyFsyncs = new ArrayList<>();
    private int waiters;
    private long seq;
    private boolean closed;

    BlockTable(int max) {
        this.max = max;
    }

    /**
     * Takes a block for a new submission by {@code owner}: in progress from now on.
     *
     * @return 0, or EBADF (closed), EINVAL (the block is in progress), EAGAIN (the facade's
     *         limit of requests in progress is reached)
     */
    int claim(Aiocb cb, PosixAio owner, IoFile file, boolean write, Sigevent sig, LioList lio) {
        lock.lock();
        try {
            int e = admissible(cb);
            if (e != 0) {
                return e;
            }
            take(cb, owner, file, write, sig, lio);
            return 0;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Defers a claimed aio_fsync while writes to its file accepted before it are in progress.
     *
     * @return true when deferred (it starts from {@link #pollReadyFsync()} once those writes
     *         have ended), false when it may start now
     */
    boolean deferFsync(Aiocb cb) {
        lock.lock();
        try {
            int earlier = 0;
            for (Aiocb b = progressHead; b != null; b = b.next) {
                if (b.write && b.file == cb.file && b.seq < cb.seq) {
                    earlier++;
                }
            }
            if (earlier == 0) {
                return false;
            }
            cb.deferred = true;
            cb.waitFor = earlier;
            cb.nextDeferred = deferredHead;
            deferredHead = cb;
            return true;
        } finally {
            lock.unlock();
        }
    }

    private int admissible(Aiocb cb) {
        if (closed) {
            return Errno.EBADF;
        }
        if (cb.state == Aiocb.IN_PROGRESS) {
            return Errno.EINVAL;
        }
        if (inProgress >= max) {
            return Errno.EAGAIN;
        }
        return 0;
    }

    private void take(Aiocb cb, PosixAio owner, IoFile file, boolean write, Sigevent sig, LioList lio) {
        if (cb.where == DONE_LIST) {
            unlinkDone(cb);
        }
        cb.owner = owner;
        cb.file = file;
        cb.write = write;
        cb.sig = sig;
        cb.lio = lio;
        if (lio != null) {
            lio.remaining++;
        }
        cb.gen++;
        cb.seq = ++seq;
        cb.deferred = false;
        cb.state = Aiocb.IN_PROGRESS;
        cb.where = PROGRESS;
        cb.prev = null;
        cb.next = progressHead;
        if (progressHead != null) {
            progressHead.prev = cb;
        }
        progressHead = cb;
        inProgress++;
    }

    /**
     * Settles a block in progress with its outcome: done, and (when {@code eligible}: it was
     * accepted, not refused by the call that submitted it) queued for aio_waitcomplete. Wakes
     * the waiters; a deferred fsync that no longer waits for any write is queued for
     * {@link #pollReadyFsync()}.
     *
     * @return the block's list when this was its last block, else null
     */
    LioList finish(Aiocb cb, long ret, int err, boolean eligible) {
        lock.lock();
        try {
            if (cb.where == PROGRESS) {
                unlinkProgress(cb);
            }
            cb.ret = ret;
            cb.err = err;
            cb.state = Aiocb.DONE;
            if (eligible) {
                cb.where = DONE_LIST;
                cb.next = null;
                cb.prev = doneTail;
                if (doneTail != null) {
                    doneTail.next = cb;
                } else {
                    doneHead = cb;
                }
                doneTail = cb;
            }
            LioList last = null;
            LioList l = cb.lio;
            if (l != null) {
                l.anyFailed |= err != 0;
                if (--l.remaining == 0 && !l.ended) {
                    l.ended = true;
                    last = l;
                }
            }
            if (cb.write && deferredHead != null) {
                releaseFsyncs(cb);
            }
            if (waiters > 0) {
                settled.signalAll();
            }
            return last;
        } finally {
            lock.unlock();
        }
    }

    /** A write accepted before a deferred fsync has ended: that fsync waits for one less. */
    private void releaseFsyncs(Aiocb w) {
        Aiocb prev = null;
        for (Aiocb f = deferredHead; f != null; f = f.nextDeferred) {
            if (f.file == w.file && f.seq > w.seq && --f.waitFor == 0) {
                if (prev == null) {
                    deferredHead = f.nextDeferred;
                } else {
                    prev.nextDeferred = f.nextDeferred;
                }
                f.deferred = false;
                readyFsyncs.add(f);
                continue;
            }
            prev = f;
        }
    }

    /**
     * For a list whose entries are all queued (or refused): when none is left in progress and
     * its end was not reached by a completion, marks it ended and returns it, else null.
     */
    LioList noneLeft(LioList l) {
        lock.lock();
        try {
            if (l.remaining == 0 && !l.ended) {
                l.ended = true;
                return l;
            }
            return null;
        } finally {
            lock.unlock();
        }
    }

    /** A deferred fsync that may start now, or null. */
    Aiocb pollReadyFsync() {
        lock.lock();
        try {
            return readyFsyncs.isEmpty() ? null : readyFsyncs.removeLast();
        } finally {
            lock.unlock();
        }
    }

    /** Removes a deferred fsync that has not started; false when it is not deferred (any more). */
    boolean cancelDeferred(Aiocb cb) {
        lock.lock();
        try {
            if (!cb.deferred) {
                return false;
            }
            Aiocb prev = null;
            for (Aiocb f = deferredHead; f != null; prev = f, f = f.nextDeferred) {
                if (f == cb) {
                    if (prev == null) {
                        deferredHead = f.nextDeferred;
                    } else {
                        prev.nextDeferred = f.nextDeferred;
                    }
                    break;
                }
            }
            cb.deferred = false;
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Marks a block that is not in progress as failed by the call that tried to submit it
     * (aio_error reports {@code err}, aio_return -1), without queueing it for
     * aio_waitcomplete. A block in progress is left alone.
     */
    void markRefused(Aiocb cb, int err) {
        lock.lock();
        try {
            if (cb.state == Aiocb.IN_PROGRESS) {
                return;
            }
            if (cb.where == DONE_LIST) {
                unlinkDone(cb);
            }
            cb.ret = -1;
            cb.err = err;
            cb.state = Aiocb.DONE;
        } finally {
            lock.unlock();
        }
    }

    /** aio_return: a done block's result is taken and the block released; false when it is not done. */
    boolean release(Aiocb cb) {
        lock.lock();
        try {
            if (cb.state != Aiocb.DONE) {
                return false;
            }
            if (cb.where == DONE_LIST) {
                unlinkDone(cb);
            }
            cb.state = Aiocb.IDLE;
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Takes a done block out of this table's done list, when it is in it. */
    void forgetDone(Aiocb cb) {
        lock.lock();
        try {
            if (cb.where == DONE_LIST) {
                unlinkDone(cb);
            }
        } finally {
            lock.unlock();
        }
    }

    private void unlinkProgress(Aiocb cb) {
        if (cb.prev != null) {
            cb.prev.next = cb.next;
        } else {
            progressHead = cb.next;
        }
        if (cb.next != null) {
            cb.next.prev = cb.prev;
        }
        cb.prev = null;
        cb.next = null;
        cb.where = NOWHERE;
        inProgress--;
    }

    private void unlinkDone(Aiocb cb) {
        if (cb.prev != null) {
            cb.prev.next = cb.next;
        } else {
            doneHead = cb.next;
        }
        if (cb.next != null) {
            cb.next.prev = cb.prev;
        } else {
            doneTail = cb.prev;
        }
        cb.prev = null;
        cb.next = null;
        cb.where = NOWHERE;
    }

    /** The blocks in progress on {@code file} (every block in progress for null). */
    List<Aiocb> inProgress(IoFile file) {
        lock.lock();
        try {
            List<Aiocb> l = new ArrayList<>();
            for (Aiocb b = progressHead; b != null; b = b.next) {
                if (file == null || b.file == file) {
                    l.add(b);
                }
            }
            return l;
        } finally {
            lock.unlock();
        }
    }

    int inProgressCount() {
        lock.lock();
        try {
            return inProgress;
        } finally {
            lock.unlock();
        }
    }

    /** Refuses every later claim with EBADF. */
    void close() {
        lock.lock();
        try {
            closed = true;
        } finally {
            lock.unlock();
        }
    }

    // ------------------------------------------------------------------ waits

    /** LIO_WAIT's condition: whether every block of the list has settled. */
    boolean listEnded(LioList l) {
        lock.lock();
        try {
            return l.remaining == 0;
        } finally {
            lock.unlock();
        }
    }

    /**
     * aio_waitcomplete's condition: takes the oldest done block into {@code out[0]} (its result
     * taken, the block released).
     *
     * @return 0 (taken), EAGAIN (nothing is done or in progress: nothing could end a wait), or
     *         EINPROGRESS (nothing done yet)
     */
    int takeDone(Aiocb[] out) {
        lock.lock();
        try {
            Aiocb b = doneHead;
            if (b != null) {
                unlinkDone(b);
                b.state = Aiocb.IDLE;
                out[0] = b;
                return 0;
            }
            return inProgress == 0 ? Errno.EAGAIN : Errno.EINPROGRESS;
        } finally {
            lock.unlock();
        }
    }

    /** Waits, without being interruptible, until the block's submission {@code gen} has settled. */
    void awaitSettled(Aiocb cb, int gen) {
        awaitUninterruptibly(() -> cb.gen != gen || cb.state != Aiocb.IN_PROGRESS);
    }

    /** Waits, without being interruptible, until nothing is in progress. */
    void awaitEmpty() {
        awaitUninterruptibly(() -> inProgress == 0);
    }

    private void awaitUninterruptibly(BooleanSupplier done) {
        lock.lock();
        waiters++;
        try {
            while (!done.getAsBoolean()) {
                settled.awaitUninterruptibly();
            }
        } finally {
            waiters--;
            lock.unlock();
        }
    }
}
