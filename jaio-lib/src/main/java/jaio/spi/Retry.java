package jaio.spi;

import jaio.Errno;
import jaio.RequestFlag;

/**
 * Short-transfer retry, shared by every engine (E4, the retry patch of the seeds).
 *
 * <p>A transfer runs as a series of iterations. After each one the engine calls
 * {@link #afterIteration}; it advances the op past the bytes moved and says whether the op
 * is finished or the remainder must be issued again. The rules:
 * <ul>
 *   <li>done when every byte moved, at end of file (a read returning 0, or an O_DIRECT read
 *       returning a partial block), or on error;</li>
 *   <li>streams are not files: a read of a pipe, FIFO, socket, eventfd or device, a receive,
 *       and a send flagged PARTIAL are done after the first iteration that moved anything
 *       ({@link Op#takesWhatIsThere}); only regular-file transfers and sends are continued
 *       to the full length;</li>
 *   <li>an error after some progress is reported as -errno with the bytes moved in
 *       {@link Op#result2}, so nothing is hidden;</li>
 *   <li>EINTR and EAGAIN from an engine's own non-blocking attempt are retried, but at most
 *       {@link #MAX_STALLS} iterations in a row may make no progress; past that the op ends
 *       with -EIO (an op that cannot progress is bounded, never spins);</li>
 *   <li>a cancel request stops the op at its next iteration with -ECANCELED (bytes moved in
 *       result2), unless its canceller already answered NOT_CANCELED ({@link Op#takeCancel});</li>
 *   <li>a request flagged NOWAIT is never retried after EAGAIN: the caller asked to hear it.</li>
 * </ul>
 * Only one iteration of an op runs at a time: an engine issues the next one only after this
 * method returned {@link #AGAIN} for the previous one.
 */
public final class Retry {
    /** The op is finished: result and result2 are set; post it. */
    public static final int DONE = 0;
    /** Issue the remainder: {@link Op#nextOffset()} and {@link Op#remaining()} describe it. */
    public static final int AGAIN = 1;

    /** Iterations in a row without progress before an op is ended with -EIO. */
    public static final int MAX_STALLS = 16;

    private Retry() {}

    /**
     * Accounts for one finished iteration of {@code op} that returned {@code res} (bytes, or
     * -errno) and decides what comes next.
     */
    public static int afterIteration(Op op, long res) {
        op.iterations++;
        if (!op.isTransfer()) {
            op.result = res;
            op.result2 = 0;
            return DONE;
        }
        if (res < 0) {
            boolean transient_ = res == -Errno.EINTR
                    || (res == -Errno.EAGAIN && (op.flags & RequestFlag.NOWAIT.bit()) == 0);
            if (transient_ && op.takeCancel()) {
                return finish(op, -Errno.ECANCELED);
            }
            if (transient_ && ++op.stalls <= MAX_STALLS) {
                return AGAIN;
            }
            if (transient_) {
                return finish(op, -Errno.EIO);
            }
            return finish(op, res);
        }
        if (res == 0) {
            if (op.isRead() || op.isRecv() || op.opcode == jaio.Opcode.SENDFILE || op.remaining() == 0) {
                // End of file (or a zero-length transfer): what was moved is the answer.
                op.result = op.done;
                op.result2 = 0;
                return DONE;
            }
            if (op.takeCancel()) {
                return finish(op, -Errno.ECANCELED);
            }
            if (++op.stalls > MAX_STALLS) {
                return finish(op, -Errno.EIO);
            }
            return AGAIN;
        }
        op.done += res;
        op.stalls = 0;
        if (op.done >= op.length || op.takesWhatIsThere()) {
            op.result = op.done;
            op.result2 = 0;
            return DONE;
        }
        int align = op.file.offsetAlign();
        if (op.isRead() && align > 1 && (res % align) != 0) {
            // O_DIRECT read that ended inside a block: end of file.
            op.result = op.done;
            op.result2 = 0;
            return DONE;
        }
        if (op.takeCancel()) {
            return finish(op, -Errno.ECANCELED);
        }
        return AGAIN;
    }

    /**
     * Ends an op with an error before or between iterations (cancelled while queued, a
     * resource failure). Bytes already moved go in result2.
     */
    public static int finish(Op op, long negErrno) {
        op.result = negErrno;
        op.result2 = op.done;
        return DONE;
    }
}
