package jaio.linux;

/**
 * Per-call flags of the read and write families and I/O priorities, shared by every kernel
 * interface that takes them (preadv2/pwritev2, native AIO, io_uring): the constants of
 * include/uapi/linux/fs.h and include/uapi/linux/ioprio.h. Constants only; no state.
 */
public final class Fs {
    // ---- include/uapi/linux/fs.h ----
    public static final int RWF_HIPRI = 0x1;
    public static final int RWF_DSYNC = 0x2;
    public static final int RWF_SYNC = 0x4;
    /** Fail with EAGAIN instead of blocking (Linux 4.14). */
    public static final int RWF_NOWAIT = 0x8;

    // ---- include/uapi/linux/ioprio.h ----
    public static final int IOPRIO_CLASS_SHIFT = 13;
    public static final int IOPRIO_CLASS_BE = 2;

    private Fs() {}

    /** An I/O priority of the best-effort class at {@code level} (0 highest, 7 lowest). */
    public static int ioprioBestEffort(int level) {
        return (IOPRIO_CLASS_BE << IOPRIO_CLASS_SHIFT) | level;
    }
}
