package jaio.core.op;

import jaio.Errno;
import jaio.spi.Capabilities;
import jaio.spi.FileHandle;
import jaio.spi.Op;

/**
 * What the context knows about one family of opcodes: what their requests need validated
 * before an engine may see them, and what is left to do with a finished one before its event
 * is posted. How an engine prepares and runs the opcode is the engine's business, described
 * in its own package. Kinds are stateless; any thread may use them.
 *
 * <p>The checks every opcode shares (an opcode at all, not already in flight, the engine
 * supports the opcode and the flags) are made once by the context before {@link #check} is
 * asked; a kind checks only what is particular to it.
 */
public abstract class OpKind {
    private final boolean finishes;

    /**
     * @param finishes whether {@link #finish} does anything: the completion path calls it
     *                 only for kinds that say so, so that the others cost nothing per request
     */
    protected OpKind(boolean finishes) {
        this.finishes = finishes;
    }

    /**
     * Null when {@code op} may be handed to an engine with {@code caps}, else why not. Reads
     * the op and changes nothing, so a refused request leaves nothing behind. Runs on the
     * submitting thread.
     */
    public abstract Refusal check(Op op, Capabilities caps);

    /** Whether {@link #finish} has work to do. */
    public final boolean finishes() {
        return finishes;
    }

    /**
     * Turns what the engine left in a finished op into what its event reports, before the
     * event is posted: the result and whatever the engine recorded are set, no waiter can see
     * the op yet. Runs on the posting engine thread, outside the completion queue's lock, so
     * it must not block. Nothing to do by default (an accepted connection will be wrapped here
     * in a descriptor the library owns).
     */
    public void finish(Op op) {
    }

    /** The checks of a request that works on a descriptor: there is one, and it is open. */
    protected static Refusal openFile(Op op) {
        FileHandle f = op.file;
        if (f == null) {
            return new Refusal(Errno.EBADF, "request has no file");
        }
        if (!f.isOpen()) {
            return new Refusal(Errno.EBADF, "file " + f.name() + " is closed");
        }
        return null;
    }
}
