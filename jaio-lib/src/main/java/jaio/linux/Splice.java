package jaio.linux;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * Stateless apart from a per-thread offset word (confined to its thread), so any thread may
 * call it: sendfile(2), the pipe-size fcntl and the splice(2) flags, for sending a file to a
 * socket without copying it through user memory. Each call returns {@code >= 0} or -errno.
 */
public final class Splice {
    /** splice(2): do not block on the pipe (and on a socket's send). */
    public static final int SPLICE_F_NONBLOCK = 2;
    /** splice(2): more data follows (MSG_MORE on a socket). */
    public static final int SPLICE_F_MORE = 4;
    /** IORING_OP_SPLICE: splice_fd_in is a registered file's index. */
    public static final int SPLICE_F_FD_IN_FIXED = 1 << 31;
    /** The most one sendfile(2) call moves (Linux's MAX_RW_COUNT). */
    public static final long MAX_CHUNK = 0x7ffff000L;

    private static final int F_SETPIPE_SZ = 1031;

    private static final MethodHandle SENDFILE = Native.capturing("sendfile64",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_INT, java.lang.foreign.ValueLayout.ADDRESS, JAVA_LONG));
    private static final MethodHandle FCNTL = Native.capturing("fcntl",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    private static final ThreadLocal<MemorySegment> OFFSET = ThreadLocal.withInitial(
            () -> Arena.ofAuto().allocate(JAVA_LONG));

    private Splice() {}

    /**
     * sendfile(2) of up to {@code count} bytes of {@code inFd} from {@code offset} to
     * {@code outFd} (the file's own position is left alone): bytes sent, 0 at end of file.
     */
    public static long sendfile(int outFd, int inFd, long offset, long count) {
        MemorySegment off = OFFSET.get();
        off.set(JAVA_LONG, 0, offset);
        try {
            MemorySegment st = Native.capture();
            long r = (long) SENDFILE.invokeExact(st, outFd, inFd, off, Math.min(count, MAX_CHUNK));
            return r < 0 ? -Native.errno(st) : r;
        } catch (Throwable t) {
            throw LibC.rethrow(t);
        }
    }

    /** fcntl(F_SETPIPE_SZ): asks for a pipe of {@code size} bytes; the size granted, or -errno. */
    public static int setPipeSize(int fd, int size) {
        try {
            MemorySegment st = Native.capture();
            int r = (int) FCNTL.invokeExact(st, fd, F_SETPIPE_SZ, size);
            return r < 0 ? -Native.errno(st) : r;
        } catch (Throwable t) {
            throw LibC.rethrow(t);
        }
    }
}
