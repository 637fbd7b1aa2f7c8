package jaio;

/**
 * A request refused at submission because it is invalid for this context (C2): a closed
 * file, a file not open for that direction, a read-only buffer to read into, a negative
 * offset, unaligned O_DIRECT I/O, a buffer the engine cannot use, an opcode or flag the
 * engine lacks, a request already in flight, a request without a callback on a context that
 * reaps by itself. Nothing of the refused request was queued.
 *
 * <p>The message names the request and the reason; {@link #errno()} gives the closest
 * error number, {@link #index()} the request's position in the submitted batch.
 */
public final class InvalidRequestException extends IllegalArgumentException {
    private final transient Request request;
    private final int index;
    private final int errno;
    private final String reason;

    public InvalidRequestException(Request request, int index, int errno, String reason) {
        super("request #" + index + " " + describe(request) + ": " + reason + " [" + Errno.name(errno) + "]");
        this.request = request;
        this.index = index;
        this.errno = errno;
        this.reason = reason;
    }

    /** The same refusal for a request at another index of a larger batch. */
    public InvalidRequestException atIndex(int newIndex) {
        return new InvalidRequestException(request, newIndex, errno, reason);
    }

    /** Why it was refused, without the request's description. */
    public String reason() {
        return reason;
    }

    private static String describe(Request r) {
        return r == null ? "(null)" : r.toString();
    }

    /** The refused request. */
    public Request request() {
        return request;
    }

    /** Its index in the submitted batch. */
    public int index() {
        return index;
    }

    /** The closest error number (EBADF, EINVAL, EFAULT, EOPNOTSUPP, EBUSY ...). */
    public int errno() {
        return errno;
    }
}
