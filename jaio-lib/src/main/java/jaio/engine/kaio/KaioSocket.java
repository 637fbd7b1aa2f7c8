package jaio.engine.kaio;

import java.lang.foreign.MemorySegment;
import jaio.Errno;
import jaio.engine.SocketCalls;
import jaio.linux.Aio;
import jaio.linux.Iocb;
import jaio.spi.Counters;
import jaio.spi.Execution;
import jaio.spi.Op;
import jaio.spi.Retry;

/**
 * Called only under the engine's submit lock: the socket requests on native AIO (ACCEPT,
 * CONNECT, RECV, SEND, RECVMSG, SENDMSG, SHUTDOWN, CLOSE), in the retry model of the 2003
 * network AIO patch: the operation is tried at once with a non-blocking system call; what
 * would block waits for readiness with a one-shot IOCB_CMD_POLL in the kernel, and when that
 * fires the call is made again, here, without blocking. Nothing blocks inside io_submit, no
 * thread waits for a socket, and io_cancel stops a request that waits. A short send is
 * continued until all is sent unless flagged PARTIAL.
 */
final class KaioSocket extends KaioOp {
    /** {@link Op#engineWord} bit: the op's iocb is a readiness POLL. */
    static final long ARMED = 2;
    /**
     * {@link Op#engineWord} bit: a readiness POLL of this op carried RESFD, so the kernel has
     * signalled the notify eventfd for it already; jaio does not signal again at its end.
     */
    static final long SIGNALLED = 4;

    private final Counters counters;

    KaioSocket(KaioSubmitter sub) {
        super(sub);
        this.counters = sub.counters;
    }

    /** A kernel poll, then a non-blocking call, where the kernel has IOCB_CMD_POLL (4.19). */
    static Execution how(KaioProbe probe) {
        return probe.poll() ? Execution.KERNEL_POLL_THEN_CALL : null;
    }

    @Override
    int route(Op op) {
        return run(op) ? FINISHED : KERNEL;
    }

    /** Runs non-blocking iterations until the op is finished (true) or must wait (false, ARMED). */
    private boolean run(Op op) {
        while (true) {
            long res = SocketCalls.attempt(op);
            if (res == SocketCalls.WAIT) {
                if (op.takeCancel()) {
                    Retry.finish(op, -Errno.ECANCELED);
                    return true;
                }
                op.engineWord |= ARMED;
                return false;
            }
            if (Retry.afterIteration(op, res) == Retry.DONE) {
                return true;
            }
            counters.retries.increment();
        }
    }

    @Override
    void prepare(Op op, MemorySegment t, int s) {
        // With a notify eventfd the POLL carries RESFD: an event loop that only watches the
        // eventfd must be woken to reap it, or the operation would never run again.
        if (notifyFd >= 0) {
            op.engineWord |= SIGNALLED;
        }
        Iocb.set(t, 0, s, Aio.IOCB_CMD_POLL, op.file.fd(), SocketCalls.events(op), 0, 0, 0, resfdFlag(), 0, resfd());
    }

    @Override
    int complete(Op op, long res) {
        op.engineWord &= ~ARMED;
        boolean cancelled = (op.engineWord & CANCEL_ACCEPTED) != 0 || (res == 0 && op.takeCancel());
        if (cancelled || res < 0) {
            Retry.finish(op, cancelled ? -Errno.ECANCELED : res);
            return finished(op);
        }
        // Ready, hung up or in error: the call itself tells which.
        return run(op) ? finished(op) : AGAIN;
    }

    private static int finished(Op op) {
        return (op.engineWord & SIGNALLED) != 0 ? DONE : DONE_SIGNAL;
    }

    @Override
    boolean cancellable(Op op) {
        return (op.engineWord & ARMED) != 0;
    }

    @Override
    boolean waitsForRoom() {
        return true;
    }
}
