package jaio.linux;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * The io_uring system calls (io_uring_setup, io_uring_enter, io_uring_register) through
 * libc's {@code syscall(2)}, and the constants of include/uapi/linux/io_uring.h that jaio
 * uses. Each method returns {@code >= 0} or {@code -errno}.
 *
 * <p>The system headers of these machines are older than the running kernel, so nothing
 * here is assumed to work: the engine probes setup flags, features and opcodes at run time.
 * No handle is {@link Linker.Option#critical critical}: io_uring_enter waits for
 * completions, and even a pure submission may run a buffered read inline.
 *
 * <p>Link on first use only on Linux ({@link Native#LINUX}).
 */
public final class IoUring {
    // ---- enum io_uring_op ----
    public static final int IORING_OP_NOP = 0;
    public static final int IORING_OP_READV = 1;
    public static final int IORING_OP_WRITEV = 2;
    public static final int IORING_OP_FSYNC = 3;
    public static final int IORING_OP_READ_FIXED = 4;
    public static final int IORING_OP_WRITE_FIXED = 5;
    public static final int IORING_OP_POLL_ADD = 6;
    public static final int IORING_OP_POLL_REMOVE = 7;
    public static final int IORING_OP_SENDMSG = 9;
    public static final int IORING_OP_RECVMSG = 10;
    public static final int IORING_OP_TIMEOUT = 11;
    public static final int IORING_OP_TIMEOUT_REMOVE = 12;
    public static final int IORING_OP_ACCEPT = 13;
    public static final int IORING_OP_ASYNC_CANCEL = 14;
    public static final int IORING_OP_LINK_TIMEOUT = 15;
    public static final int IORING_OP_CONNECT = 16;
    public static final int IORING_OP_CLOSE = 19;
    public static final int IORING_OP_READ = 22;
    public static final int IORING_OP_WRITE = 23;
    public static final int IORING_OP_SEND = 26;
    public static final int IORING_OP_RECV = 27;
    public static final int IORING_OP_SHUTDOWN = 34;
    public static final int IORING_OP_SPLICE = 30;

    // ---- sqe->flags ----
    public static final int IOSQE_FIXED_FILE = 1 << 0;
    public static final int IOSQE_IO_DRAIN = 1 << 1;
    public static final int IOSQE_IO_LINK = 1 << 2;
    public static final int IOSQE_IO_HARDLINK = 1 << 3;
    public static final int IOSQE_ASYNC = 1 << 4;
    public static final int IOSQE_CQE_SKIP_SUCCESS = 1 << 6;

    // ---- io_uring_setup flags ----
    public static final int IORING_SETUP_IOPOLL = 1 << 0;
    public static final int IORING_SETUP_SQPOLL = 1 << 1;
    public static final int IORING_SETUP_CQSIZE = 1 << 3;
    public static final int IORING_SETUP_CLAMP = 1 << 4;
    public static final int IORING_SETUP_SUBMIT_ALL = 1 << 7;
    public static final int IORING_SETUP_COOP_TASKRUN = 1 << 8;
    public static final int IORING_SETUP_TASKRUN_FLAG = 1 << 9;
    public static final int IORING_SETUP_SINGLE_ISSUER = 1 << 12;
    public static final int IORING_SETUP_DEFER_TASKRUN = 1 << 13;
    /** No SQ index array: SQEs are taken in ring order (Linux 6.6; newer than the system header). */
    public static final int IORING_SETUP_NO_SQARRAY = 1 << 16;

    // ---- io_uring_params->features ----
    public static final int IORING_FEAT_SINGLE_MMAP = 1 << 0;
    public static final int IORING_FEAT_NODROP = 1 << 1;
    public static final int IORING_FEAT_SUBMIT_STABLE = 1 << 2;
    public static final int IORING_FEAT_FAST_POLL = 1 << 5;
    public static final int IORING_FEAT_POLL_32BITS = 1 << 6;
    public static final int IORING_FEAT_EXT_ARG = 1 << 8;
    public static final int IORING_FEAT_NATIVE_WORKERS = 1 << 9;
    public static final int IORING_FEAT_RSRC_TAGS = 1 << 10;
    public static final int IORING_FEAT_CQE_SKIP = 1 << 11;

    // ---- sq_ring->flags ----
    public static final int IORING_SQ_NEED_WAKEUP = 1 << 0;
    public static final int IORING_SQ_CQ_OVERFLOW = 1 << 1;
    /** Completion work waits for the task to enter the kernel (with TASKRUN_FLAG). */
    public static final int IORING_SQ_TASKRUN = 1 << 2;

    // ---- io_uring_enter flags ----
    public static final int IORING_ENTER_GETEVENTS = 1 << 0;
    public static final int IORING_ENTER_SQ_WAKEUP = 1 << 1;
    public static final int IORING_ENTER_SQ_WAIT = 1 << 2;
    public static final int IORING_ENTER_EXT_ARG = 1 << 3;
    /** The fd argument is an index in the calling thread's registered rings (Linux 5.18). */
    public static final int IORING_ENTER_REGISTERED_RING = 1 << 4;

    // ---- sqe->fsync_flags, sqe->timeout_flags, sqe->cancel_flags ----
    public static final int IORING_FSYNC_DATASYNC = 1 << 0;
    public static final int IORING_ASYNC_CANCEL_ALL = 1 << 0;
    public static final int IORING_ASYNC_CANCEL_ANY = 1 << 2;

    // ---- io_uring_register opcodes ----
    public static final int IORING_REGISTER_BUFFERS = 0;
    public static final int IORING_UNREGISTER_BUFFERS = 1;
    public static final int IORING_REGISTER_FILES = 2;
    public static final int IORING_UNREGISTER_FILES = 3;
    public static final int IORING_REGISTER_FILES_UPDATE = 6;
    public static final int IORING_REGISTER_PROBE = 8;
    public static final int IORING_REGISTER_IOWQ_MAX_WORKERS = 19;
    public static final int IORING_REGISTER_RING_FDS = 20;
    public static final int IORING_UNREGISTER_RING_FDS = 21;

    /** io_uring_probe_op->flags: the opcode is supported. */
    public static final int IO_URING_OP_SUPPORTED = 1 << 0;

    // ---- mmap offsets ----
    public static final long IORING_OFF_SQ_RING = 0L;
    public static final long IORING_OFF_CQ_RING = 0x8000000L;
    public static final long IORING_OFF_SQES = 0x10000000L;

    /** IORING_MAX_ENTRIES in io_uring/io_uring.c: the largest submission ring. */
    public static final int MAX_SQ_ENTRIES = 32768;
    /** IORING_MAX_CQ_ENTRIES: the largest completion ring. */
    public static final int MAX_CQ_ENTRIES = 2 * MAX_SQ_ENTRIES;

    private static final Linker.Option VARIADIC = Linker.Option.firstVariadicArg(1);
    private static final MethodHandle SYSCALL2 = Native.capturing("syscall",
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG), VARIADIC);
    private static final MethodHandle SYSCALL4 = Native.capturing("syscall",
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG), VARIADIC);
    private static final MethodHandle SYSCALL6 = Native.capturing("syscall",
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG,
                    JAVA_LONG), VARIADIC);
    /** syscall(2) of six arguments without errno capture, for the calls whose errno is not needed. */
    private static final MethodHandle SYSCALL6_PLAIN = Native.plain("syscall",
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG,
                    JAVA_LONG), VARIADIC);

    private IoUring() {}

    /**
     * io_uring_setup(2): creates a ring for {@code entries} submissions; the kernel reads and
     * fills {@code params} (an {@link IoUringParams#LAYOUT}).
     *
     * @return the ring's descriptor, or -EPERM (seccomp filter, kernel.io_uring_disabled),
     *         -ENOSYS (no io_uring), -ENOMEM (locked-memory limit), -EINVAL (a flag or size
     *         this kernel does not take)
     */
    public static int setup(int entries, MemorySegment params) {
        try {
            MemorySegment st = Native.capture();
            long r = (long) SYSCALL2.invokeExact(st, (long) Arch.CURRENT.sysIoUringSetup, (long) entries,
                    params.address());
            return r < 0 ? -Native.errno(st) : (int) r;
        } catch (Throwable t) {
            throw LibC.rethrow(t);
        }
    }

    /**
     * io_uring_enter(2): submits up to {@code toSubmit} SQEs and, with
     * {@link #IORING_ENTER_GETEVENTS}, waits until at least {@code minComplete} completions
     * are in the ring. With {@link #IORING_ENTER_EXT_ARG}, {@code arg} is an
     * {@link IoUringGeteventsArg} carrying a timeout.
     *
     * @return how many SQEs were consumed, or -errno (-ETIME when the wait timed out, -EINTR
     *         on a signal, -EBUSY/-EAGAIN when the kernel is short of room or memory)
     */
    public static int enter(int fd, int toSubmit, int minComplete, int flags, long arg, long argSize) {
        try {
            MemorySegment st = Native.capture();
            long r = (long) SYSCALL6.invokeExact(st, (long) Arch.CURRENT.sysIoUringEnter, (long) fd,
                    Integer.toUnsignedLong(toSubmit), Integer.toUnsignedLong(minComplete), Integer.toUnsignedLong(flags),
                    arg, argSize);
            return r < 0 ? -Native.errno(st) : (int) r;
        } catch (Throwable t) {
            throw LibC.rethrow(t);
        }
    }

    /**
     * io_uring_enter(2) that never sleeps: submits up to {@code toSubmit} SQEs and, with
     * {@link #IORING_ENTER_GETEVENTS} in {@code flags}, runs the completion work due without
     * waiting for any (minComplete 0); answers as {@link #enter}. Made without errno capture,
     * whose per-call checks of the capture segment were about 6% of a depth-1 job thread. A
     * call that fails consumed no SQE (io_uring_enter reports an error only when it submitted
     * none) and waited for nothing, so it is made again with capture to learn the errno, and
     * that call's answer stands.
     */
    public static int enterNoWait(int fd, int toSubmit, int flags) {
        long r = enterUncaptured(fd, toSubmit, 0, flags, 0, 0);
        return r >= 0 ? (int) r : enter(fd, toSubmit, 0, flags, 0, 0);
    }

    /**
     * io_uring_enter(2) as {@link #enter}, without errno capture, for a caller that treats
     * every failure alike (a wait that ends, for whatever reason, by taking what is in the
     * ring): how many SQEs were consumed, or -1 when the call failed, its errno not read.
     */
    public static long enterUncaptured(int fd, int toSubmit, int minComplete, int flags, long arg, long argSize) {
        try {
            return (long) SYSCALL6_PLAIN.invokeExact((long) Arch.CURRENT.sysIoUringEnter, (long) fd,
                    Integer.toUnsignedLong(toSubmit), Integer.toUnsignedLong(minComplete),
                    Integer.toUnsignedLong(flags), arg, argSize);
        } catch (Throwable t) {
            throw LibC.rethrow(t);
        }
    }

    /**
     * IORING_REGISTER_IOWQ_MAX_WORKERS: caps the ring's kernel workers, bounded (regular file
     * work) and unbounded (sockets, pipes, splices); 0 leaves one as it is.
     *
     * @return 0 with {@code limits} holding the previous caps, or -errno (-EINVAL before 5.15)
     */
    public static int setIoWqMaxWorkers(int fd, int bounded, int unbounded, int[] limits) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(JAVA_INT, 2);
            v.setAtIndex(JAVA_INT, 0, bounded);
            v.setAtIndex(JAVA_INT, 1, unbounded);
            int r = register(fd, IORING_REGISTER_IOWQ_MAX_WORKERS, v.address(), 2);
            if (r >= 0 && limits != null) {
                limits[0] = v.getAtIndex(JAVA_INT, 0);
                limits[1] = v.getAtIndex(JAVA_INT, 1);
            }
            return r;
        }
    }

    /**
     * IORING_REGISTER_RING_FDS for one ring: enters {@code fd} in the calling thread's table of
     * registered rings, at an index the kernel picks, so that this thread's io_uring_enter can
     * name the ring by that index with {@link #IORING_ENTER_REGISTERED_RING} and the kernel
     * skips the descriptor lookup and its reference count on each call. The entry holds a
     * reference to the ring until the same thread unregisters it or ends. The argument is a
     * struct io_uring_rsrc_update, which has io_uring_files_update's layout (offset, resv, data).
     *
     * @return the index, or -errno (-EINVAL before Linux 5.18, -EBUSY when the thread's 16
     *         entries are taken)
     */
    public static int registerRingFd(int fd) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment u = a.allocate(IoUringFilesUpdate.LAYOUT);
            IoUringFilesUpdate.set(u, -1, Integer.toUnsignedLong(fd));
            int r = register(fd, IORING_REGISTER_RING_FDS, u.address(), 1);
            return r < 0 ? r : u.get(JAVA_INT, IoUringFilesUpdate.OFFSET);
        }
    }

    /**
     * IORING_UNREGISTER_RING_FDS: removes entry {@code index} from the calling thread's
     * registered rings ({@link #registerRingFd}); {@code fd} is any io_uring descriptor.
     *
     * @return 1, or -errno
     */
    public static int unregisterRingFd(int fd, int index) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment u = a.allocate(IoUringFilesUpdate.LAYOUT);
            IoUringFilesUpdate.set(u, index, 0);
            return register(fd, IORING_UNREGISTER_RING_FDS, u.address(), 1);
        }
    }

    /**
     * io_uring_register(2) of {@code opcode} with {@code nrArgs} arguments at {@code arg}.
     *
     * @return a result that depends on the opcode, or -errno (-EINVAL for an opcode this
     *         kernel does not know)
     */
    public static int register(int fd, int opcode, long arg, int nrArgs) {
        try {
            MemorySegment st = Native.capture();
            long r = (long) SYSCALL4.invokeExact(st, (long) Arch.CURRENT.sysIoUringRegister, (long) fd,
                    (long) opcode, arg, Integer.toUnsignedLong(nrArgs));
            return r < 0 ? -Native.errno(st) : (int) r;
        } catch (Throwable t) {
            throw LibC.rethrow(t);
        }
    }
}
