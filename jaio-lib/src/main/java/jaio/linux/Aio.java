package jaio.linux;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * Linux native AIO system calls (io_setup, io_submit, io_getevents, io_cancel, io_destroy)
 * through libc's {@code syscall(2)}, since glibc wraps none of them. Each method returns
 * {@code >= 0} or {@code -errno}. Pointers are passed as addresses of memory the caller owns
 * and keeps alive for the call (and, for iocbs, until their events).
 *
 * <p>Every argument goes through syscall's variadic part as a 64-bit word, which is what the
 * kernel reads from the registers. No handle is {@link Linker.Option#critical critical}:
 * io_getevents waits, and io_submit runs buffered I/O synchronously.
 *
 * <p>io_pgetevents is deliberately not bound: all it adds to io_getevents is a signal mask
 * for the wait, which helps programs that interrupt waiters with signals. jaio wakes a waiter
 * with events instead (see the native AIO engine), since the JVM owns signal handling.
 *
 * <p>Link on first use only on Linux ({@link Native#LINUX}).
 */
public final class Aio {
    // ---- include/uapi/linux/aio_abi.h ----
    public static final int IOCB_CMD_PREAD = 0;
    public static final int IOCB_CMD_PWRITE = 1;
    public static final int IOCB_CMD_FSYNC = 2;
    public static final int IOCB_CMD_FDSYNC = 3;
    public static final int IOCB_CMD_POLL = 5;
    /** Defined, but the kernel refuses it with EINVAL. */
    public static final int IOCB_CMD_NOOP = 6;
    public static final int IOCB_CMD_PREADV = 7;
    public static final int IOCB_CMD_PWRITEV = 8;

    /** aio_resfd is an eventfd to signal once the request completes. */
    public static final int IOCB_FLAG_RESFD = 1 << 0;
    /** aio_reqprio holds an I/O priority (Linux 4.18). */
    public static final int IOCB_FLAG_IOPRIO = 1 << 1;

    private static final Linker.Option VARIADIC = Linker.Option.firstVariadicArg(1);
    private static final MethodHandle SYSCALL1 = Native.capturing("syscall",
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG), VARIADIC);
    private static final MethodHandle SYSCALL2 = Native.capturing("syscall",
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG), VARIADIC);
    private static final MethodHandle SYSCALL3 = Native.capturing("syscall",
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG), VARIADIC);
    /** syscall(2) of three arguments without errno capture, for io_submit's path that succeeds. */
    private static final MethodHandle SYSCALL3_PLAIN = Native.plain("syscall",
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG), VARIADIC);
    private static final MethodHandle SYSCALL5 = Native.capturing("syscall",
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG), VARIADIC);

    private Aio() {}

    /**
     * io_setup(2): creates a context for {@code nrEvents} requests in flight and stores its
     * id (the address of its mapped ring) in the 8 bytes at {@code ctxOut}, which must be 0
     * on entry.
     *
     * @return 0, or -EAGAIN past fs.aio-max-nr, -ENOSYS without CONFIG_AIO, -EPERM under a
     *         seccomp filter, -EINVAL for a bad count
     */
    public static int ioSetup(int nrEvents, MemorySegment ctxOut) {
        return (int) call2(Arch.CURRENT.sysIoSetup, nrEvents, ctxOut.address());
    }

    /** io_destroy(2): cancels what it can and returns once every request in flight completed. */
    public static int ioDestroy(long ctx) {
        try {
            MemorySegment st = Native.capture();
            long r = (long) SYSCALL1.invokeExact(st, (long) Arch.CURRENT.sysIoDestroy, ctx);
            return r < 0 ? -Native.errno(st) : (int) r;
        } catch (Throwable t) {
            throw LibC.rethrow(t);
        }
    }

    /**
     * io_submit(2) of {@code nr} iocb pointers starting {@code offset} bytes into
     * {@code iocbpp}.
     *
     * @return how many were queued (from the first; stops at the first refused), or -errno
     *         when the first was refused
     */
    public static long ioSubmit(long ctx, long nr, MemorySegment iocbpp, long offset) {
        long r;
        try {
            // Without errno capture: the capture segment's per-call checks were 2% of a depth-1
            // job thread. A call that fails queued nothing (io_submit fails only when the first
            // iocb is refused), so it is made again with capture to learn the errno.
            r = (long) SYSCALL3_PLAIN.invokeExact((long) Arch.CURRENT.sysIoSubmit, ctx, nr, iocbpp.address() + offset);
        } catch (Throwable t) {
            throw LibC.rethrow(t);
        }
        if (r >= 0) {
            return r;
        }
        return call3(Arch.CURRENT.sysIoSubmit, ctx, nr, iocbpp.address() + offset);
    }

    /**
     * io_getevents(2): waits until {@code minNr} events are available or the timeout passes,
     * then copies up to {@code nr} into {@code events}.
     *
     * @param timeout a {@link Timespec} (zero polls), or {@link MemorySegment#NULL} to wait
     *                without limit
     * @return events copied, or -errno (-EINTR on a signal before any event)
     */
    public static long ioGetevents(long ctx, long minNr, long nr, MemorySegment events, MemorySegment timeout) {
        try {
            MemorySegment st = Native.capture();
            long r = (long) SYSCALL5.invokeExact(st, (long) Arch.CURRENT.sysIoGetevents, ctx, minNr, nr,
                    events.address(), timeout.address());
            return r < 0 ? -Native.errno(st) : r;
        } catch (Throwable t) {
            throw LibC.rethrow(t);
        }
    }

    /**
     * io_cancel(2) of the iocb at {@code iocb}. Only POLL can be cancelled; its event still
     * arrives through the ring.
     *
     * @param result 32 bytes the kernel may use (current kernels leave it alone)
     * @return -EINPROGRESS (or 0) when cancelled, -EINVAL when the kernel does not have it or
     *         cannot cancel it
     */
    public static int ioCancel(long ctx, long iocb, MemorySegment result) {
        return (int) call3(Arch.CURRENT.sysIoCancel, ctx, iocb, result.address());
    }

    private static long call2(int nr, long a, long b) {
        try {
            MemorySegment st = Native.capture();
            long r = (long) SYSCALL2.invokeExact(st, (long) nr, a, b);
            return r < 0 ? -Native.errno(st) : r;
        } catch (Throwable t) {
            throw LibC.rethrow(t);
        }
    }

    private static long call3(int nr, long a, long b, long c) {
        try {
            MemorySegment st = Native.capture();
            long r = (long) SYSCALL3.invokeExact(st, (long) nr, a, b, c);
            return r < 0 ? -Native.errno(st) : r;
        } catch (Throwable t) {
            throw LibC.rethrow(t);
        }
    }
}
