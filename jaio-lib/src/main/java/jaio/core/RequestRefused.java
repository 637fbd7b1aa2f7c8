package jaio.core;

/**
 * A request refused at submission (C2), as the context reports it to the public layer,
 * which turns it into the public {@code InvalidRequestException} naming the request. It
 * carries no stack trace: the public exception has the caller's.
 */
public final class RequestRefused extends RuntimeException {
    private final transient CoreOp op;
    private final int index;
    private final int errno;

    public RequestRefused(CoreOp op, int index, int errno, String reason) {
        super(reason, null, false, false);
        this.op = op;
        this.index = index;
        this.errno = errno;
    }

    /** The refused op. */
    public CoreOp op() {
        return op;
    }

    /** Its index in the submitted batch. */
    public int index() {
        return index;
    }

    /** The closest error number. */
    public int errno() {
        return errno;
    }

    /** Why it was refused. */
    public String reason() {
        return getMessage();
    }
}
