package jaio.core;

import jaio.spi.FileHandle;
import jaio.spi.Op;

/**
 * Any thread: what closing a socket does to the requests in flight on it, whichever contexts
 * they are in. Each is cancelled through its own context, so it still has exactly one event
 * (-ECANCELED unless it was already finishing); the descriptor itself is released by the
 * last of them (see {@link FileHandle}), never under one.
 */
public final class SocketClose {
    private SocketClose() {}

    /**
     * Cancels the requests in flight on {@code h} except {@code except} (the CLOSE request
     * doing this, or null). {@code h} is already marked closed, so no new one can join.
     */
    public static void cancelInFlight(FileHandle h, Op except) {
        for (Op op : h.inFlight()) {
            if (op == except) {
                continue;
            }
            CoreOp c = (CoreOp) op;
            ContextCore<?> ctx = c.context();
            if (ctx == null || c.file != h || c.state() != CoreOp.INFLIGHT) {
                continue;
            }
            try {
                ctx.cancelForClose(c);
            } catch (IllegalStateException | IllegalArgumentException e) {
                // Its context is closing (whose close cancels everything in flight), or the
                // request moved on to another context meanwhile: nothing of this socket's.
            }
        }
    }
}
