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
 * Immutable itself but for close's progress (its rings are guarded by the engine's locks, see
 * {@link IoUringRings}): one io_uring instance, with its descriptor, what setup reported, and
 * its mapped rings; after a drained close it may live on in the {@link UringRingPool}. Setup asks
 * for the best flag set this kernel takes, dropping flags newer kernels added when an older one
 * refuses them with EINVAL.
 *
 * <p>Flags jaio asks for only for a single-issuer context ({@link #SINGLE_ISSUER_FLAGS}), as they
 * hold only when one thread makes every call: IORING_SETUP_SINGLE_ISSUER (the kernel refuses
 * io_uring_enter from any task but the creator with EEXIST) and DEFER_TASKRUN (completion work
 * runs only when that task enters with GETEVENTS), or else COOP_TASKRUN (completion work
 * queued to a submitting thread parked in Java, and not in the ring's wait, would wait until
 * it next enters the kernel: with many threads the waiter is often another one). Never:
 * IOPOLL (it makes every request polled, and only O_DIRECT on devices with poll queues can be).
 */
final class UringInstance {
    /** Flag sets tried in order: the best first, then without the newest flags. */
    static final int[] FLAG_SETS = {
        IoUring.IORING_SETUP_CQSIZE | IoUring.IORING_SETUP_CLAMP | IoUring.IORING_SETUP_SUBMIT_ALL
                | IoUring.IORING_SETUP_NO_SQARRAY,
        IoUring.IORING_SETUP_CQSIZE | IoUring.IORING_SETUP_CLAMP | IoUring.IORING_SETUP_SUBMIT_ALL,
        IoUring.IORING_SETUP_CQSIZE | IoUring.IORING_SETUP_CLAMP,
    };

    /**
     * Added to the probed flag set for a single-issuer context, tried in order (the kernel
     * answers EINVAL for what it lacks: DEFER_TASKRUN is Linux 6.1, SINGLE_ISSUER 6.0,
     * TASKRUN_FLAG 5.19; with SQPOLL the kernel takes none of the task-work flags, so such a
     * ring gets SINGLE_ISSUER alone); the last, nothing, leaves a ring any thread could use, and the context still
     * holds the ownership rule. TASKRUN_FLAG has the kernel say in the SQ flags when
     * completion work waits, so that a reaper enters the kernel only then.
     */
    static final int[] SINGLE_ISSUER_FLAGS = {
        IoUring.IORING_SETUP_SINGLE_ISSUER | IoUring.IORING_SETUP_DEFER_TASKRUN | IoUring.IORING_SETUP_TASKRUN_FLAG,
        IoUring.IORING_SETUP_SINGLE_ISSUER | IoUring.IORING_SETUP_DEFER_TASKRUN,
        IoUring.IORING_SETUP_SINGLE_ISSUER | IoUring.IORING_SETUP_COOP_TASKRUN | IoUring.IORING_SETUP_TASKRUN_FLAG,
        IoUring.IORING_SETUP_SINGLE_ISSUER,
        0,
    };

    final int fd;
    final int flags;
    final int features;
    final IoUringRings rings;

    /** Close's steps done (a failed close is tried again); under the engine's locks. */
    private boolean unmapped;
    private boolean fdClosed;
    /**
     * Given to the {@link UringRingPool}: this object's close does nothing any more (the
     * instance lives on, reattached to its next owner). Under the engine's locks.
     */
    private boolean parked;

    /**
     * The platform thread whose table of registered rings holds this ring
     * ({@link #registerForThisThread}), or null. Only that thread enters the ring by index; any
     * other, which may read a stale value, compares unequal and enters by descriptor.
     */
    private Thread indexedFor;
    /** This ring's index in {@link #indexedFor}'s registered rings. */
    private int index = -1;

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
        int[] sets = {flagSet};
        if (options.singleIssuer()) {
            sets = new int[SINGLE_ISSUER_FLAGS.length];
            for (int i = 0; i < sets.length; i++) {
                sets[i] = flagSet | SINGLE_ISSUER_FLAGS[i];
            }
        }
        String refused = null;
        if (options.sqPoll()) {
            Attempt a = create(sqEntries, cqEntries, sets, true, options.sqPollIdleMillis(), owner);
            if (a.ring() != null) {
                return new Opened(a.ring(), null);
            }
            refused = a.call() + ": " + Errno.describe(a.errno());
        }
        return new Opened(open(sqEntries, cqEntries, sets, owner), refused);
    }

    /**
     * Like {@link #create} without SQPOLL, but throws, naming the call and the errno. When
     * descriptors or memory run short while instances are parked for reuse, those are closed
     * and setup is tried once more.
     */
    static UringInstance open(int sqEntries, int cqEntries, int[] flagSets, Arena owner) throws IOException {
        Attempt a = create(sqEntries, cqEntries, flagSets, false, 0, owner);
        int e = -a.errno();
        if (a.ring() == null && (e == Errno.EMFILE || e == Errno.ENFILE || e == Errno.ENOMEM)
                && UringRingPool.destroyAll() > 0) {
            a = create(sqEntries, cqEntries, flagSets, false, 0, owner);
        }
        if (a.ring() == null) {
            throw new SetupException(a.call() + "(" + sqEntries + " entries): " + Errno.describe(a.errno())
                    + UringProbe.hint(a.errno()), Math.abs(a.errno()));
        }
        return a.ring();
    }

    /**
     * For a single-issuer context, on its owner thread: registers the ring in this thread's
     * table of registered rings (IORING_REGISTER_RING_FDS), so that this thread's
     * io_uring_enter calls skip the descriptor lookup and its two atomic reference-count
     * updates, which a process with many threads pays on every call. Other threads keep
     * entering by descriptor; {@link #close} unregisters.
     *
     * @return null when registered, else why not (a virtual thread, or the kernel's errno)
     */
    String registerForThisThread() {
        Thread t = Thread.currentThread();
        if (t.isVirtual()) {
            return "the owner is a virtual thread";
        }
        int r = IoUring.registerRingFd(fd);
        if (r < 0) {
            return "IORING_REGISTER_RING_FDS: " + Errno.describe(r);
        }
        index = r;
        indexedFor = t;
        return null;
    }

    /** io_uring_enter that never sleeps, by index on the registering thread: see {@link IoUring#enterNoWait}. */
    int enterNoWait(int toSubmit, int flags) {
        // One call site each, so that the callers' compiled code stays small enough to inline it.
        boolean byIndex = indexedFor == Thread.currentThread();
        return IoUring.enterNoWait(byIndex ? index : fd, toSubmit,
                byIndex ? flags | IoUring.IORING_ENTER_REGISTERED_RING : flags);
    }

    /**
     * io_uring_enter without errno capture, by index on the registering thread: see
     * {@link IoUring#enterUncaptured}.
     */
    long enterUncaptured(int toSubmit, int minComplete, int flags, long arg, long argSize) {
        boolean byIndex = indexedFor == Thread.currentThread();
        return IoUring.enterUncaptured(byIndex ? index : fd, toSubmit, minComplete,
                byIndex ? flags | IoUring.IORING_ENTER_REGISTERED_RING : flags, arg, argSize);
    }

    /**
     * Removes the ring from its registering thread's table, when that is the calling thread:
     * the entry holds a reference to the ring, which would otherwise outlive its close until
     * that thread ends. Called on another thread it can do nothing (the table is per thread),
     * and the kernel drops the entry when the owner thread ends.
     */
    private void unregister() {
        Thread t = indexedFor;
        indexedFor = null;
        if (t == Thread.currentThread()) {
            IoUring.unregisterRingFd(fd, index);
        }
    }

    boolean has(int feature) {
        return (features & feature) != 0;
    }

    /**
     * Whether completion work may wait for the owner to enter the kernel: always with
     * DEFER_TASKRUN (it must enter with GETEVENTS), until its next system call with
     * COOP_TASKRUN.
     */
    boolean taskWorkDeferred() {
        return (flags & (IoUring.IORING_SETUP_DEFER_TASKRUN | IoUring.IORING_SETUP_COOP_TASKRUN)) != 0;
    }

    /** Whether the kernel says in the SQ flags when completion work waits (TASKRUN_FLAG). */
    boolean taskrunFlag() {
        return (flags & IoUring.IORING_SETUP_TASKRUN_FLAG) != 0;
    }

    /** Whether the kernel granted IORING_SETUP_SINGLE_ISSUER: it refuses every other task's calls. */
    boolean singleIssuer() {
        return (flags & IoUring.IORING_SETUP_SINGLE_ISSUER) != 0;
    }

    boolean sqPoll() {
        return (flags & IoUring.IORING_SETUP_SQPOLL) != 0;
    }

    /**
     * The same instance for a new owner, taken from the {@link UringRingPool}: its rings seen
     * through {@code owner}'s segments.
     */
    UringInstance reattach(Arena owner) {
        return new UringInstance(fd, flags, features, rings.reattach(owner));
    }

    /** Whether nothing waits in the rings: every SQE consumed, the CQ ring empty, no overflow. */
    boolean idle() {
        return rings.sqPending() == 0 && rings.cqReady() == 0
                && (rings.sqFlags() & IoUring.IORING_SQ_CQ_OVERFLOW) == 0;
    }

    /** The instance now belongs to the {@link UringRingPool}: {@link #close} leaves it alone. */
    void markParked() {
        parked = true;
    }

    /** Closes a parked instance for good (the pool's bound, or descriptors running short). */
    void destroyParked() {
        rings.unmap();
        LibC.close(fd);
    }

    /**
     * Closes the descriptor and unmaps the rings; the owner arena must be closed first. The
     * kernel tears the instance down and cancels whatever is still in it. Nothing once the
     * instance was parked for reuse.
     */
    void close() {
        if (parked) {
            return;
        }
        if (indexedFor != null) {
            unregister();
        }
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
