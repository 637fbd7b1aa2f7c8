package jaio.engine.uring;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jaio.Errno;
import jaio.linux.IoUring;
import jaio.linux.IoUringParams;
import jaio.linux.IoUringRings;
import jaio.linux.LibC;
import jaio.spi.EngineOptions;
import jaio.spi.SetupException;

/**
 * Immutable itself (its rings are guarded by the engine's locks, see {@link IoUringRings}): one
 * io_uring instance, with its descriptor, what setup reported, and its mapped rings. Setup asks
 * for the best flag set this kernel takes, dropping flags newer kernels added when an older one
 * refuses them with EINVAL.
 *
 * <p>Flags jaio never asks for, and why: IORING_SETUP_SINGLE_ISSUER and DEFER_TASKRUN (any
 * thread may submit to a context), COOP_TASKRUN (completion work queued to a submitting thread
 * that is parked in Java, and not in the ring's wait, would then wait until that thread next
 * enters the kernel, which may be never: the waiter is often another thread), IOPOLL (it makes
 * every request polled, and only O_DIRECT on devices with poll queues can be).
 */
final class UringInstance {
    /** Flag sets tried in order: the best first, then without the newest flags. */
    static final int[] FLAG_SETS = {
        IoUring.IORING_SETUP_CQSIZE | IoUring.IORING_SETUP_CLAMP | IoUring.IORING_SETUP_SUBMIT_ALL
                | IoUring.IORING_SETUP_NO_SQARRAY,
        IoUring.IORING_SETUP_CQSIZE | IoUring.IORING_SETUP_CLAMP | IoUring.IORING_SETUP_SUBMIT_ALL,
        IoUring.IORING_SETUP_CQSIZE | IoUring.IORING_SETUP_CLAMP,
    };

    final int fd;
    final int flags;
    final int features;
    final IoUringRings rings;

    /** Close's steps done (a failed close is tried again); under the engine's locks. */
    private boolean unmapped;
    private boolean fdClosed;

    private UringInstance(int fd, int flags, int features, IoUringRings rings) {
        this.fd = fd;
        this.flags = flags;
        this.features = features;
        this.rings = rings;
    }

    /** Outcome of a setup attempt: the instance, or the -errno of the call that failed. */
    record Attempt(UringInstance ring, int errno, String call) {}

    /**
     * Sets up a ring with {@code sqEntries} SQEs and {@code cqEntries} CQEs (the kernel
     * clamps both to its limits), trying {@code flagSets} in order while the kernel answers
     * EINVAL. The mapped memory belongs to {@code owner}.
     *
     * @param sqPoll          whether a kernel thread polls the SQ (IORING_SETUP_SQPOLL)
     * @param sqPollIdleMillis with sqPoll: how long that thread polls an idle ring before it
     *                        sleeps and must be woken (sq_thread_idle)
     */
    static Attempt create(int sqEntries, int cqEntries, int[] flagSets, boolean sqPoll, int sqPollIdleMillis,
                          Arena owner) {
        int last = -Errno.EINVAL;
        for (int f : flagSets) {
            int flags = f | (sqPoll ? IoUring.IORING_SETUP_SQPOLL : 0);
            MemorySegment p = owner.allocate(IoUringParams.LAYOUT);
            p.set(ValueLayout.JAVA_INT, IoUringParams.FLAGS, flags);
            p.set(ValueLayout.JAVA_INT, IoUringParams.CQ_ENTRIES, cqEntries);
            if (sqPoll) {
                p.set(ValueLayout.JAVA_INT, IoUringParams.SQ_THREAD_IDLE, sqPollIdleMillis);
            }
            int fd = IoUring.setup(sqEntries, p);
            if (fd == -Errno.EINVAL) {
                last = fd;
                continue;
            }
            if (fd < 0) {
                return new Attempt(null, fd, "io_uring_setup");
            }
            int[] err = new int[1];
            IoUringRings rings = IoUringRings.map(fd, p, owner, err);
            if (rings == null) {
                LibC.close(fd);
                return new Attempt(null, err[0], "mmap of the rings");
            }
            int features = IoUringParams.get(p, IoUringParams.FEATURES);
            return new Attempt(new UringInstance(fd, flags, features, rings), 0, null);
        }
        return new Attempt(null, last, "io_uring_setup");
    }

    /** A ring for an engine, and why the kernel refused SQPOLL when it was asked for and refused. */
    record Opened(UringInstance ring, String sqPollRefused) {}

    /**
     * Sets up an engine's ring with {@code flagSet}: with SQPOLL when the options ask for it
     * and the kernel allows it, else without.
     *
     * @throws IOException when even the ring without SQPOLL fails, naming the call and errno
     */
    static Opened open(int sqEntries, int cqEntries, int flagSet, EngineOptions options, Arena owner)
            throws IOException {
        String refused = null;
        if (options.sqPoll()) {
            Attempt a = create(sqEntries, cqEntries, new int[] {flagSet}, true, options.sqPollIdleMillis(), owner);
            if (a.ring() != null) {
                return new Opened(a.ring(), null);
            }
            refused = a.call() + ": " + Errno.describe(a.errno());
        }
        return new Opened(open(sqEntries, cqEntries, new int[] {flagSet}, owner), refused);
    }

    /** Like {@link #create} without SQPOLL, but throws, naming the call and the errno. */
    static UringInstance open(int sqEntries, int cqEntries, int[] flagSets, Arena owner) throws IOException {
        Attempt a = create(sqEntries, cqEntries, flagSets, false, 0, owner);
        if (a.ring() == null) {
            throw new SetupException(a.call() + "(" + sqEntries + " entries): " + Errno.describe(a.errno())
                    + UringProbe.hint(a.errno()), Math.abs(a.errno()));
        }
        return a.ring();
    }

    boolean has(int feature) {
        return (features & feature) != 0;
    }

    boolean sqPoll() {
        return (flags & IoUring.IORING_SETUP_SQPOLL) != 0;
    }

    /**
     * Closes the descriptor and unmaps the rings; the owner arena must be closed first. The
     * kernel tears the instance down and cancels whatever is still in it.
     */
    void close() {
        if (!unmapped) {
            rings.unmap();
            unmapped = true;
        }
        if (!fdClosed) {
            LibC.close(fd);
            fdClosed = true;
        }
    }
}
