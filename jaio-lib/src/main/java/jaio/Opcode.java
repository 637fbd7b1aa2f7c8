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
     * Guards the request linked to it in a chain (P4): when its delay runs out first, that
     * request is cancelled. Run by jaio itself on every engine; see {@link Request#linkTimeout}.
     */
    LINK_TIMEOUT
}
