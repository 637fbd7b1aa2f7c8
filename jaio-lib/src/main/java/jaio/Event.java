package jaio;

import jaio.spi.FileHandle;

/**
 * A completion event, for one thread at a time (not thread safe: the reaping call that fills
 * it hands it to its caller): which request finished, its user data, and its result (C4).
 *
 * <p>Events are caller-owned and reused: the caller allocates an array of them once and
 * {@link IoContext#getEvents} fills them, so reaping allocates nothing. An event keeps its
 * values until it is filled again.
 *
 * <p>{@link #result()} is the number of bytes transferred (0 at end of file for a read, 0 for
 * fsync and noop, the ready mask for poll) or a negative error number; {@link #result2()} is a
 * second word, the bytes transferred before an error or a cancel stopped a transfer.
 */
public final class Event {
    private Request request;
    private IoContext context;
    private long userData;
    private Object attachment;
    private Opcode opcode;
    private long result;
    private long result2;
    private CompletionCallback callback;
    /** ACCEPT: the connection's descriptor, until taken; and the socket made of it once taken. */
    private FileHandle accepted;
    private IoSocket acceptedSocket;

    /** An empty event, to be filled by {@link IoContext#getEvents}. */
    public Event() {}

    void set(IoContext context, RequestOp op) {
        this.request = op.request;
        this.context = context;
        this.userData = op.userData;
        this.attachment = op.attachment;
        this.opcode = op.opcode;
        this.result = op.result;
        this.result2 = op.result2;
        this.callback = op.callback;
        this.accepted = op.accepted;
        this.acceptedSocket = null;
    }

    /** Makes this event a copy of {@code e}. */
    void copyFrom(Event e) {
        this.request = e.request;
        this.context = e.context;
        this.userData = e.userData;
        this.attachment = e.attachment;
        this.opcode = e.opcode;
        this.result = e.result;
        this.result2 = e.result2;
        this.callback = e.callback;
        this.accepted = e.accepted;
        this.acceptedSocket = e.acceptedSocket;
    }

    CompletionCallback callback() {
        return callback;
    }

    /** The request that finished. It may be reused as soon as this event was reaped. */
    public Request request() {
        return request;
    }

    /** The context the request ran on (useful when reaping from a {@link IoContextGroup}). */
    public IoContext context() {
        return context;
    }

    /** The user data the request carried when it was submitted. */
    public long userData() {
        return userData;
    }

    /** The attachment the request carried when it was submitted. */
    public Object attachment() {
        return attachment;
    }

    /** What the request did. */
    public Opcode opcode() {
        return opcode;
    }

    /** Bytes transferred (or the poll mask), or a negative errno. */
    public long result() {
        return result;
    }

    /** The second result word: bytes moved before an error or cancel ended a transfer. */
    public long result2() {
        return result2;
    }

    /**
     * For a successful ACCEPT: the accepted connection, which from now on belongs to the
     * caller (close it when done). The first call takes it; later calls on this event return
     * the same socket. Null for other events, and when the connection is no longer the
     * library's to give: another copy of the event took it, or the library closed it because
     * the request was submitted again, or the context closed, before anyone took it.
     */
    public IoSocket acceptedSocket() {
        if (acceptedSocket == null && accepted != null && context != null && context.core.takeAccepted(accepted)) {
            acceptedSocket = IoSocket.adopted(accepted);
        }
        return acceptedSocket;
    }

    /** Whether the request failed ({@code result() < 0}). */
    public boolean isError() {
        return result < 0;
    }

    /** The error number when {@link #isError()}, else 0. */
    public int errno() {
        return result < 0 ? (int) -result : 0;
    }

    /** The error's name ("EIO") when {@link #isError()}, else "OK". */
    public String errnoName() {
        return result < 0 ? Errno.name(result) : "OK";
    }

    @Override
    public String toString() {
        return "Event[" + opcode + " userData=" + userData + " result="
                + (result < 0 ? Errno.name(result) : Long.toString(result))
                + (result2 != 0 ? " result2=" + result2 : "") + "]";
    }
}
