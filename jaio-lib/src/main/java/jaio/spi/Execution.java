package jaio.spi;

/** How an engine runs a kind of request; shown in capability reports. */
public enum Execution {
    /** Submitted to the kernel, which completes it asynchronously. */
    KERNEL_ASYNC("kernel, async"),
    /** Tried in the kernel without blocking (RWF_NOWAIT); what would block goes to a worker thread. */
    KERNEL_NOWAIT_THEN_WORKER("kernel nowait, else worker"),
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
