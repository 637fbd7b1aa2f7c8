package jaio.engine.kaio;

import java.lang.foreign.MemorySegment;
import jaio.linux.Aio;
import jaio.spi.Op;
import jaio.spi.Retry;

/**
 * Called only under the engine's submit lock: how one family of opcodes runs on native AIO,
 * that is where a new op goes (the kernel, the workers, or done at once), the iocb of its next
 * iteration, and what its event means. One instance per family per engine, found through the
 * engine's opcode table ({@link KaioOpcodes}); a new opcode is a new subclass plus a line
 * there (issue 11's sockets: a POLL, then a non-blocking call when it fires, as
 * {@link KaioTransfer} does for pipes).
 *
 * <p>A family may keep state in its instance (the submit lock guards it) and in the op's
 * {@link Op#engineWord}, which is the family's own apart from {@link #CANCEL_ACCEPTED}.
 * {@link Op#engineState} belongs to the submitter and the punt pool. {@link #route} and
 * {@link #complete} may make a non-blocking system call themselves (a socket's recv when its
 * POLL fired) and then end the op or arm another POLL; nothing here may block.
 */
abstract class KaioOp {
    // ---- route(): where a new op goes ----
    /** To the kernel; its event arrives asynchronously (and carries RESFD when there is a notify eventfd). */
    static final int KERNEL = 0;
    /** To the kernel; it completes inside io_submit, so its event is in the ring when that returns. */
    static final int KERNEL_IN_SUBMIT = 1;
    /** To the punt pool's workers. */
    static final int WORKER = 2;
    /** Nowhere: finished at once, its result set (jaio signals the notify eventfd for it). */
    static final int FINISHED = 3;

    // ---- complete() and refused(): what an event means ----
    /** Finished; the kernel signalled the notify eventfd for it (RESFD), or nothing needs to. */
    static final int DONE = 0;
    /** Finished; jaio signals the notify eventfd for it, since no RESFD did. */
    static final int DONE_SIGNAL = 1;
    /** Goes on: the submitter has {@link #prepare} write its next iocb and submits it. */
    static final int AGAIN = 2;
    /** Goes to the workers (the kernel would have blocked). */
    static final int PUNT = 3;

    /** {@link Op#engineWord} bit, set by the submitter: io_cancel accepted this op's iocb. */
    static final long CANCEL_ACCEPTED = 1;

    protected final int notifyFd;

    KaioOp(KaioSubmitter sub) {
        this.notifyFd = sub.notifyFd;
    }

    /** Where a new op goes: {@link #KERNEL}, {@link #KERNEL_IN_SUBMIT}, {@link #WORKER} or {@link #FINISHED}. */
    int route(Op op) {
        return KERNEL;
    }

    /** Writes the op's next iteration into its slot's iocb (aio_data is the slot number). */
    abstract void prepare(Op op, MemorySegment iocb, int slot);

    /** The event of the op's current iocb carried {@code res}: DONE, DONE_SIGNAL, AGAIN or PUNT. */
    int complete(Op op, long res) {
        Retry.afterIteration(op, res);
        return DONE;
    }

    /** io_submit refused the op's iocb with {@code err}: DONE_SIGNAL (the op ends with it) or PUNT. */
    int refused(Op op, long err) {
        Retry.finish(op, err);
        return DONE_SIGNAL;
    }

    /** Whether io_cancel can stop the op's iocb in the kernel (only a POLL can). */
    boolean cancellable(Op op) {
        return false;
    }

    /**
     * Whether an op that finds the kernel's ring full waits in the backlog for room (a POLL,
     * which a worker could not run without holding a thread for ever), rather than going to
     * the workers (transfers and syncs, which always finish).
     */
    boolean waitsForRoom() {
        return false;
    }

    /** IOCB_FLAG_RESFD when there is a notify eventfd: for ops whose event is their asynchronous completion. */
    protected final int resfdFlag() {
        return notifyFd >= 0 ? Aio.IOCB_FLAG_RESFD : 0;
    }

    /** The aio_resfd to go with {@link #resfdFlag()}. */
    protected final int resfd() {
        return notifyFd >= 0 ? notifyFd : 0;
    }
}
