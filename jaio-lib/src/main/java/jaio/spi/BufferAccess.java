package jaio.spi;

/**
 * What kind of memory an engine can hand to its I/O directly. Memory it cannot use is copied
 * through library-owned bounce memory by the context (and counted), or refused at submission
 * when a copy cannot be made safely.
 */
public enum BufferAccess {
    /**
     * Native memory whose life the library controls: the kernel keeps the address after the
     * submitting call returns. Heap memory and segments of arenas the user may close are
     * bounced.
     */
    NATIVE_STABLE,
    /**
     * Any memory a worker thread may access: heap buffers and shared-arena segments are used
     * directly (FileChannel holds the arena open during each transfer). Heap segments over
     * arrays other than byte[] have no ByteBuffer view and are copied.
     */
    THREAD_ACCESSIBLE
}
