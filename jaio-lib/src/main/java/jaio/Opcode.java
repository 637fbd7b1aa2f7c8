package jaio;

/**
 * What a {@link Request} does. Which opcodes an engine can run, and how (in the kernel, on a
 * worker thread, inline), is in its {@link EngineInfo capability report}; submitting an
 * opcode the engine lacks is refused at submission with {@link InvalidRequestException}.
 */
public enum Opcode {
    /** Read into one buffer at a file offset. */
    PREAD,
    /** Write one buffer at a file offset. */
    PWRITE,
    /** Read into several buffers (scatter) from a file offset. */
    PREADV,
    /** Write several buffers (gather) at a file offset. */
    PWRITEV,
    /** Flush a file's data and metadata to stable storage. */
    FSYNC,
    /** Flush a file's data (and the metadata needed to read it) to stable storage. */
    FDSYNC,
    /** Readiness of a pipe, socket or eventfd, delivered as a completion. */
    POLL,
    /** Completes at once with result 0; useful to measure overhead or wake a waiter. */
    NOOP,
    /** Completes after a delay, or after a number of other completions, whichever is first. */
    TIMEOUT,
    /**
     * Accept a connection on a listening {@link IoSocket}; the result is the new descriptor's
     * number and {@link Event#acceptedSocket()} hands over the new socket (O5).
     */
    ACCEPT,
    /** Connect a socket to a remote address; result 0 (O5). */
    CONNECT,
    /** Receive into one buffer what the socket has, at least one byte; 0 at end of stream (O5). */
    RECV,
    /** Send one buffer, all of it unless the request is flagged {@link RequestFlag#PARTIAL} (O5). */
    SEND,
    /** Receive into several buffers (scatter), what the socket has (O5). */
    RECVMSG,
    /** Send several buffers (gather), all of them unless flagged {@link RequestFlag#PARTIAL} (O5). */
    SENDMSG,
    /** Shut down one or both directions of a connected socket; result 0 (O5). */
    SHUTDOWN,
    /**
     * Close a socket as a request: requests in flight on it are cancelled, and the descriptor
     * is closed once the last of them ended; result 0 (O5).
     */
    CLOSE,
    /**
     * Send {@code length} bytes of a regular file from a file offset to a socket in one
     * request, without copying them through user memory where the kernel can (O6).
     */
    SENDFILE,
    /**
     * Guards the request linked to it in a chain (P4): when its delay runs out first, that
     * request is cancelled. Run by jaio itself on every engine; see {@link Request#linkTimeout}.
     */
    LINK_TIMEOUT
}
