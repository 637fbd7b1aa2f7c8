package jaio.engine;

import jaio.RequestFlag;
import jaio.linux.Fs;
import jaio.spi.Op;

/**
 * jaio's request flags and priorities in the kernel's terms, for every engine that hands
 * them to the kernel (native AIO, io_uring, the punt workers' preadv2). Stateless.
 */
public final class KernelFlags {
    private KernelFlags() {}

    /** {@link RequestFlag} bits as RWF_* bits, for the rw_flags of a transfer. */
    public static int rw(int requestFlags) {
        int rw = 0;
        if ((requestFlags & RequestFlag.NOWAIT.bit()) != 0) {
            rw |= Fs.RWF_NOWAIT;
        }
        if ((requestFlags & RequestFlag.DSYNC.bit()) != 0) {
            rw |= Fs.RWF_DSYNC;
        }
        if ((requestFlags & RequestFlag.SYNC.bit()) != 0) {
            rw |= Fs.RWF_SYNC;
        }
        return rw;
    }

    /**
     * The I/O priority of a request priority (P1): 0 keeps the task's own; 1 (low) to 7
     * (high) become best-effort levels 6 to 0.
     */
    public static int ioprio(int priority) {
        return priority == 0 ? 0 : Fs.ioprioBestEffort(Op.MAX_PRIORITY - priority);
    }
}
