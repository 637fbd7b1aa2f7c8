package jaio.posix;

import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import jaio.Engine;
import jaio.Errno;
import jaio.IoContext;
import jaio.IoFile;

/**
 * POSIX asynchronous I/O ({@code <aio.h>}) over a jaio completion context (SPEC X1-X3), so C
 * code ports line by line: {@code aio_read(&cb)} becomes {@code aio.aio_read(cb)}.
 *
 * <pre>{@code
 * try (PosixAio aio = PosixAio.open();
 *      IoFile f = IoFile.open(path, StandardOpenOption.READ)) {
 *     Aiocb cb = new Aiocb().aio_fildes(f).aio_buf(IoBuffers.allocate(4096)).aio_nbytes(4096).aio_offset(0);
 *     if (aio.aio_read(cb) == -1) {
 *         throw new IOException("aio_read: " + Errno.describe(PosixAio.errno()));
 *     }
 *     while (aio.aio_error(cb) == Errno.EINPROGRESS) {
 *         aio.aio_suspend(new Aiocb[] {cb}, 1, null);
 *     }
 *     long n = aio.aio_return(cb);   // bytes read, or -1 (then aio_error said why)
 * }
 * }</pre>
 *
 * <p><b>Return conventions.</b> As in C: a call returns 0 (or a count, or an AIO_* constant)
 * on success and -1 on failure, with the error number in {@link #errno()}, which is per thread
 * and, as in C, left alone by calls that succeed. Errors are jaio's {@link Errno} numbers
 * (Linux's). A call never throws for bad input: a null block, a negative offset, a closed file
 * each have their errno, listed on each call. A request refused by the call that submitted
 * it also leaves its errno in the block: {@code aio_error} reports it and {@code aio_return}
 * gives -1.
 *
 * <p><b>Where completions come from.</b> The facade owns a context on the engine chosen when
 * it is opened (AUTO by default: io_uring, native AIO or threads), which reaps by itself.
 * When a request completes, its block is done (aio_error stops saying EINPROGRESS), waiting
 * threads wake, and then its notification is delivered: exactly once per accepted request,
 * never after {@link #close()} returned.
 *
 * <p><b>Limits.</b> At most {@link Builder#maxOutstanding(int)} requests are in progress at
 * once (AIO_MAX for this facade, default {@value #DEFAULT_MAX_OUTSTANDING}); beyond it a
 * submission fails with EAGAIN at once: it never blocks and nothing is dropped. A list holds
 * at most {@link #AIO_LISTIO_MAX} entries.
 *
 * <p>Thread safe: any number of threads may call at once.
 */
public final class PosixAio implements AutoCloseable {
    /** aio_cancel: every request asked for was cancelled. */
    public static final int AIO_CANCELED = 0;
    /** aio_cancel: at least one request asked for is running and could not be cancelled. */
    public static final int AIO_NOTCANCELED = 1;
    /** aio_cancel: every request asked for had already completed. */
    public static final int AIO_ALLDONE = 2;

    /** aio_lio_opcode: read, as aio_read. */
    public static final int LIO_READ = 0;
    /** aio_lio_opcode: write, as aio_write. */
    public static final int LIO_WRITE = 1;
    /** aio_lio_opcode: skip this entry. */
    public static final int LIO_NOP = 2;

    /** lio_listio: return once every request of the list has completed. */
    public static final int LIO_WAIT = 0;
    /** lio_listio: return once the list is queued. */
    public static final int LIO_NOWAIT = 1;

    /** sigev_notify: a signal. Refused with EINVAL: a JVM offers no POSIX signals. */
    public static final int SIGEV_SIGNAL = 0;
    /** sigev_notify: no notification. */
    public static final int SIGEV_NONE = 1;
    /** sigev_notify: run the sigevent's function on an executor. */
    public static final int SIGEV_THREAD = 2;
    /** sigev_notify: post an event into a context the caller reaps (FreeBSD's SIGEV_KEVENT, same value). */
    public static final int SIGEV_KEVENT = 3;

    /** aio_fsync: data and metadata, as fsync(2) (Linux's O_SYNC value). */
    public static final int O_SYNC = 0x101000;
    /** aio_fsync: data and the metadata needed to read it, as fdatasync(2) (Linux's O_DSYNC value). */
    public static final int O_DSYNC = 0x1000;

    /** The most entries one lio_listio (and one aio_suspend) takes. */
    public static final int AIO_LISTIO_MAX = 64;
    /**
     * The largest aio_reqprio. 0 leaves the request at the process's I/O priority; 1 and 2
     * put it at the best-effort levels 5 and 6, below the default level 4, where the engine
     * passes priorities to the kernel (io_uring, native AIO); it also orders delivery.
     */
    public static final int AIO_PRIO_DELTA_MAX = 2;
    /** The default limit of requests in progress per facade (FreeBSD's max_aio_queue_per_proc). */
    public static final int DEFAULT_MAX_OUTSTANDING = 256;

    private static final ThreadLocal<int[]> ERRNO = ThreadLocal.withInitial(() -> new int[1]);
    private static final AtomicInteger IDS = new AtomicInteger();

    final BlockTable table;
    private final Delivery delivery;
    private final IoContext ctx;
    private final Notifier notifier;
    private final String name;
    private final Submissions submissions;
    private final Waits waits;
    private final Cancelling cancelling;
    private final AtomicInteger closeState = new AtomicInteger();
    private final CountDownLatch closed = new CountDownLatch(1);

    private PosixAio(Builder b) throws IOException {
        this.name = b.name != null ? b.name : "posix-aio-" + IDS.incrementAndGet();
        this.table = new BlockTable(b.maxOutstanding);
        this.notifier = new Notifier(name, b.notifyExecutor);
        this.delivery = Delivery.open(IoContext.builder().engine(b.engine), b.maxOutstanding, name);
        this.ctx = delivery.context();
        this.submissions = new Submissions(this, table, delivery, notifier);
        this.waits = new Waits(this, table, delivery);
        this.cancelling = new Cancelling(this, table, delivery, submissions);
    }

    /**
     * A facade on the best engine this machine allows, with the default limits.
     *
     * @throws IOException when no engine can be opened
     */
    public static PosixAio open() throws IOException {
        return builder().open();
    }

    /**
     * A facade on {@code engine}.
     *
     * @throws UnsupportedOperationException when that engine is not available here (the
     *         message says why)
     * @throws IOException when its setup fails
     */
    public static PosixAio open(Engine engine) throws IOException {
        return builder().engine(engine).open();
    }

    /** Options for opening a facade. */
    public static Builder builder() {
        return new Builder();
    }

    /** Options for {@link PosixAio}; defaults: engine AUTO, {@value #DEFAULT_MAX_OUTSTANDING} outstanding. */
    public static final class Builder {
        private Engine engine = Engine.AUTO;
        private int maxOutstanding = DEFAULT_MAX_OUTSTANDING;
        private Executor notifyExecutor;
        private String name;

        private Builder() {}

        /** The engine of the facade's context (AUTO: the best this machine allows). */
        public Builder engine(Engine engine) {
            this.engine = Objects.requireNonNull(engine, "engine");
            return this;
        }

        /**
         * The most requests in progress at once (this facade's AIO_MAX); a submission beyond
         * it fails with EAGAIN.
         *
         * @throws IllegalArgumentException outside 1..65536
         */
        public Builder maxOutstanding(int max) {
            if (max < 1 || max > 65536) {
                throw new IllegalArgumentException("maxOutstanding must be 1..65536, was " + max);
            }
            this.maxOutstanding = max;
            return this;
        }

        /**
         * Where SIGEV_THREAD functions run when their sigevent names no executor. By default
         * the facade starts a virtual thread per notification, as POSIX's SIGEV_THREAD starts
         * a thread. Keep a given executor running until the facade is closed.
         */
        public Builder notifyExecutor(Executor executor) {
            this.notifyExecutor = executor;
            return this;
        }

        /** A name for the facade's threads (default posix-aio-N). */
        public Builder name(String name) {
            this.name = Objects.requireNonNull(name, "name");
            return this;
        }

        /**
         * Opens the facade.
         *
         * @throws UnsupportedOperationException when a named engine is not available here
         * @throws IOException when the engine's setup fails (for AUTO: when every engine fails)
         */
        public PosixAio open() throws IOException {
            return new PosixAio(this);
        }
    }

    // ------------------------------------------------------------------ errno

    /**
     * The error number the last failed call of the calling thread left, as C's errno: a call
     * that succeeds leaves it alone. 0 when no call of this thread has failed.
     */
    public static int errno() {
        return ERRNO.get()[0];
    }

    static int fail(int errno) {
        ERRNO.get()[0] = errno;
        return -1;
    }

    // ------------------------------------------------------------------ submitting

    /**
     * Queues a read of {@code aio_nbytes} bytes of {@code aio_fildes} at {@code aio_offset} into
     * {@code aio_buf}. The block is in progress (aio_error says EINPROGRESS) until the read
     * completes; then aio_error gives 0 or its error, and aio_return the bytes read (fewer
     * than asked only at end of file) or -1. The block's sigevent announces the completion.
     *
     * @return 0 when queued; -1 with errno:
     *         EINVAL: cb is null, in progress, or has a negative offset or length, a length
     *         beyond its buffer (or no buffer), an aio_reqprio outside 0..AIO_PRIO_DELTA_MAX,
     *         or a sigevent that cannot be delivered (SIGEV_SIGNAL, no function, no or a
     *         closed context, an unknown sigev_notify); or the engine refuses the request
     *         (O_DIRECT alignment);
     *         EBADF: no file, a closed file, a file not open for reading, or a closed facade;
     *         EOVERFLOW: offset + length beyond the largest offset;
     *         EFAULT: a buffer that cannot be written (read-only, a closed arena's);
     *         EAGAIN: maxOutstanding requests are in progress (or the process-wide limit of
     *         jaio requests in flight is reached).
     */
    public int aio_read(Aiocb cb) {
        return submissions.submit(cb, Submissions.OP_READ);
    }

    /**
     * Queues a write of {@code aio_nbytes} bytes of {@code aio_buf} at {@code aio_offset} of
     * {@code aio_fildes}; otherwise as {@link #aio_read}. Files are positional here: there is
     * no O_APPEND, the offset is always used.
     *
     * @return 0 when queued; -1 with errno as for aio_read (EBADF also when the file is not
     *         open for writing; EFAULT does not apply)
     */
    public int aio_write(Aiocb cb) {
        return submissions.submit(cb, Submissions.OP_WRITE);
    }

    /**
     * Queues a flush of {@code aio_fildes} to stable storage, covering every write to that
     * file this facade accepted before this call: the flush starts only once those writes have
     * ended. {@code op} is {@link #O_SYNC} (data and metadata, fsync(2)) or {@link #O_DSYNC}
     * (data, fdatasync(2)). Of the block only the file and the sigevent are used; it is in
     * progress until the flush completes, like a read.
     *
     * @return 0 when queued; -1 with errno: EINVAL (op is neither, cb is null or in progress,
     *         a bad sigevent), EBADF (no file, a closed file, a closed facade), EAGAIN (the
     *         limit of requests in progress)
     */
    public int aio_fsync(int op, Aiocb cb) {
        if (op != O_SYNC && op != O_DSYNC) {
            return cb == null || cb.state == Aiocb.IN_PROGRESS ? fail(Errno.EINVAL)
                    : submissions.refuse(cb, Errno.EINVAL);
        }
        return submissions.submit(cb, op == O_SYNC ? Submissions.OP_FSYNC : Submissions.OP_FDSYNC);
    }

    // ------------------------------------------------------------------ status

    /**
     * The error status of a block: {@link Errno#EINPROGRESS} while its request is in progress;
     * once it completed, 0 for success or its error number ({@link Errno#ECANCELED} when it
     * was cancelled); for a block whose submission was refused, the errno of the refusal.
     * Does not take the result: aio_return does. Never waits.
     *
     * @return the status; -1 with errno EINVAL when cb is null, was never submitted, or its
     *         result was already taken
     */
    public int aio_error(Aiocb cb) {
        if (cb == null) {
            return fail(Errno.EINVAL);
        }
        int s = cb.state;
        if (s == Aiocb.IN_PROGRESS) {
            return Errno.EINPROGRESS;
        }
        if (s == Aiocb.DONE) {
            return cb.err;
        }
        return fail(Errno.EINVAL);
    }

    /**
     * Takes the result of a completed block, once: the bytes transferred (0 for aio_fsync),
     * or -1 when it failed, with errno set to its error (aio_error gave it too). The block is
     * then released: it may be submitted again, and until it is, aio_error and aio_return on
     * it fail with EINVAL. Works on whichever facade the block ran.
     *
     * @return the result; -1 with errno EINVAL when cb is null, still in progress (call
     *         aio_error or aio_suspend first), never submitted, or already taken
     */
    public long aio_return(Aiocb cb) {
        if (cb == null) {
            return fail(Errno.EINVAL);
        }
        PosixAio o = cb.owner;
        BlockTable t = o != null ? o.table : table;
        if (!t.release(cb)) {
            return fail(Errno.EINVAL);
        }
        long ret = cb.ret;
        if (ret < 0) {
            return fail(cb.err);
        }
        return ret;
    }

    // ------------------------------------------------------------------ waiting

    /**
     * Waits until at least one of {@code list[0..nent)} is no longer in progress (done,
     * cancelled, refused, or never submitted), or the timeout passes. Null entries are
     * skipped. Returns at once when one is already done. A list of nulls only waits for the
     * timeout. On a virtual thread the wait parks it and frees its carrier.
     *
     * @param timeout null: without limit; zero: look and return
     * @return 0 when one is done; -1 with errno: EAGAIN (the timeout passed first), EINTR (the
     *         thread was interrupted while it waited, or on entry; the interrupt status is
     *         cleared, as an InterruptedException would), EINVAL (list is null, nent outside
     *         0..min(list.length, AIO_LISTIO_MAX), a negative timeout, or a listed block in
     *         progress on another facade), EDEADLK (called on the delivery thread, from a
     *         notification run by an executor that runs tasks in place: it would wait for itself)
     */
    public int aio_suspend(Aiocb[] list, int nent, Duration timeout) {
        return waits.aioSuspend(list, nent, timeout);
    }

    /**
     * FreeBSD's aio_waitcomplete: takes the oldest completed block of this facade whose result
     * was not taken yet, waiting for one, and returns its result as aio_return would (the block
     * is released; do not call aio_return on it). {@code iocbp[0]} receives the block.
     *
     * @param iocbp   an array of at least one element: C's {@code struct aiocb **}
     * @param timeout null: without limit; zero: look and return
     * @return the block's result (bytes, or -1 with errno set to its error; iocbp[0] is the
     *         block either way); on failure -1 with iocbp[0] null and errno: EAGAIN (nothing
     *         is in progress or done: nothing could end the wait), EINPROGRESS (the timeout
     *         passed first), EINTR (interrupted; the status is cleared), EINVAL (iocbp null or
     *         empty, a negative timeout), EDEADLK (on the delivery thread, see aio_suspend)
     */
    public long aio_waitcomplete(Aiocb[] iocbp, Duration timeout) {
        return waits.aioWaitcomplete(iocbp, timeout);
    }

    // ------------------------------------------------------------------ cancel

    /**
     * Tries to cancel requests on {@code fildes}: the one of {@code cb}, or, when cb is null,
     * every request of this facade in progress on that file. A request not yet started is
     * cancelled: it completes with ECANCELED (aio_error says so, aio_return gives -1) and its
     * notification is delivered, all before this call returns. One that is running may not
     * stop; one that completed is left alone. The answer is exactly what happened to the
     * requests asked for (jaio's cancel answer, checked against each request's outcome).
     *
     * @return {@link #AIO_CANCELED} (every one asked for that was in progress was cancelled,
     *         and at least one was), {@link #AIO_NOTCANCELED} (at least one is running and
     *         goes on), {@link #AIO_ALLDONE} (none was in progress: all had completed, or there
     *         were none); -1 with errno: EBADF (fildes null or closed), EINVAL (cb's file is not
     *         fildes, or cb is in progress on another facade)
     */
    public int aio_cancel(IoFile fildes, Aiocb cb) {
        return cancelling.aioCancel(fildes, cb);
    }

    // ------------------------------------------------------------------ lists

    /**
     * Queues the requests of {@code list[0..nent)} in one call, each as aio_read or aio_write
     * by its {@code aio_lio_opcode}; null entries and LIO_NOP are skipped. Each entry is
     * checked and queued on its own: one that fails does not stop the others, and its
     * aio_error gives its errno (as aio_read would have failed), its aio_return -1. The
     * requests run in no particular order. Each entry's own sigevent announces its completion.
     *
     * <p>{@link #LIO_WAIT}: returns once every queued request has completed; {@code sig} is
     * ignored. {@link #LIO_NOWAIT}: returns once they are queued; {@code sig} (null: none)
     * announces the end of the whole list once, after the last request's own notification,
     * also when some entries failed to queue (they count as ended) or none was queued. A list
     * event (SIGEV_KEVENT) carries the list array as its attachment.
     *
     * @return 0 when every entry was queued (and, with LIO_WAIT, every request succeeded);
     *         -1 with errno: EAGAIN (some entries were not queued for lack of room, and none
     *         failed otherwise), EIO (some entry failed to queue for another reason, or with
     *         LIO_WAIT some request failed or was cancelled: check each entry with aio_error),
     *         EINTR (LIO_WAIT: interrupted while waiting; the requests go on; the status is
     *         cleared), EINVAL (mode is neither, list is null, nent outside
     *         0..min(list.length, AIO_LISTIO_MAX), a LIO_NOWAIT sig that cannot be delivered),
     *         EBADF (the facade is closed), EDEADLK (LIO_WAIT on the delivery thread, see
     *         aio_suspend)
     */
    public int lio_listio(int mode, Aiocb[] list, int nent, Sigevent sig) {
        return submissions.lioListio(mode, list, nent, sig);
    }

    // ------------------------------------------------------------------ close

    /**
     * Closes the facade (rundown), in order: new submissions fail with EBADF; every request in
     * progress that can be cancelled is (its block says ECANCELED and its notification is
     * delivered); the rest are waited for; the context (and its reaper) is released;
     * SIGEV_THREAD functions the facade's own executor was handed have run, and those running
     * on a caller's executor have returned (one not yet started there will not run);
     * SIGEV_KEVENT events still waiting for room in a full context are dropped. After close
     * returns, no notification of this facade runs or is posted. Blocks keep their status:
     * aio_error and aio_return still work on them.
     *
     * <p>Idempotent; a second caller returns when the first has finished. Not interruptible
     * (the interrupt status is kept). Called from a notification function running on the
     * facade's own executor, it does not wait for that function.
     *
     * @throws IllegalStateException when called on the delivery thread (from a function run
     *         by an executor that runs tasks in place): it would wait for itself
     */
    @Override
    public void close() {
        if (delivery.onDeliveryThread()) {
            throw new IllegalStateException(name + ": close from the delivery thread would wait for itself");
        }
        if (!closeState.compareAndSet(0, 1)) {
            awaitClosed();
            return;
        }
        try {
            table.close();
            cancelling.rundown();
            delivery.close();
            notifier.close();
        } finally {
            closed.countDown();
        }
    }

    private void awaitClosed() {
        boolean interrupted = false;
        while (true) {
            try {
                closed.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    // ------------------------------------------------------------------ information

    /** The engine the facade's context runs on (never AUTO). */
    public Engine engine() {
        return ctx.engine();
    }

    /** The most requests in progress at once. */
    public int maxOutstanding() {
        return ctx.capacity() - Delivery.RESERVED;
    }

    /** Requests in progress now. */
    public int outstanding() {
        return table.inProgressCount();
    }

    /** Whether {@link #close()} has begun. */
    public boolean isClosed() {
        return closeState.get() != 0;
    }

    /** For tests: notifications that could not be delivered (rejected, refused, or left at close). */
    long droppedNotifications() {
        return notifier.dropped();
    }

    /** For tests: SIGEV_KEVENT events waiting for room. */
    int waitingPosts() {
        return notifier.waitingPosts();
    }

    @Override
    public String toString() {
        return "PosixAio[" + name + ", " + ctx.engine().shortName() + ", max " + maxOutstanding() + "]";
    }
}
