package jaio.spi;

/** How an engine runs a kind of request; shown in capability reports. */
public enum Execution {
    /** Submitted to the kernel, which completes it asynchronously. */
    KERNEL_ASYNC("kernel, async"),
    /** Tried in the kernel without blocking (RWF_NOWAIT); what would block goes to a worker thread. */
    KERNEL_NOWAIT_THEN_WORKER("kernel nowait, else worker"),
    /**
     * Waited for by a one-shot poll in the kernel, then done by jaio with a non-blocking system
     * call (native AIO's sockets): no thread waits.
     */
    KERNEL_POLL_THEN_CALL("kernel poll, then non-blocking call"),
    /**
     * Tried with a non-blocking system call; what is not ready waits on the engine's one poller
     * thread (poll(2) over every waiting descriptor), never a thread per descriptor.
     */
    POLLER("non-blocking, one poller thread"),
    /** Run by a worker thread of the engine. */
    WORKER("worker thread"),
    /** Completed by jaio itself without I/O. */
    INLINE("inline");

    private final String label;

    Execution(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
