package jaio.linux;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * The libc calls jaio needs besides the AIO families: open, close, read and write, positional
 * and vectored I/O, sync, statx, pipes, eventfd and mmap. Each returns {@code >= 0} or
 * {@code -errno}. Handles are linked on first use of this class, which must only happen on
 * Linux ({@link Native#LINUX}).
 */
public final class LibC {
    public static final int O_RDONLY = 0;
    public static final int O_WRONLY = 1;
    public static final int O_RDWR = 2;
    public static final int O_CREAT = 0x40;
    public static final int O_EXCL = 0x80;
    public static final int O_TRUNC = 0x200;
    public static final int O_APPEND = 0x400;
    public static final int O_NONBLOCK = 0x800;
    public static final int O_DSYNC = 0x1000;
    public static final int O_SYNC = 0x101000;
    public static final int O_CLOEXEC = 0x80000;
    /** O_DIRECT depends on the architecture. */
    public static final int O_DIRECT = Arch.CURRENT == null ? 0 : Arch.CURRENT.oDirect;

    public static final int EFD_CLOEXEC = 0x80000;
    public static final int EFD_NONBLOCK = 0x800;

    public static final int PROT_READ = 1;
    public static final int PROT_WRITE = 2;
    public static final int MAP_SHARED = 1;
    public static final int MAP_POPULATE = 0x8000;

    public static final int POLLIN = 0x1;
    public static final int POLLPRI = 0x2;
    public static final int POLLOUT = 0x4;
    public static final int POLLERR = 0x8;
    public static final int POLLHUP = 0x10;

    public static final int S_IFMT = 0xF000;
    public static final int S_IFREG = 0x8000;
    public static final int S_IFIFO = 0x1000;
    public static final int S_IFSOCK = 0xC000;
    public static final int S_IFBLK = 0x6000;

    /** MAP_FAILED as an address. */
    public static final long MAP_FAILED = -1L;

    private static final MethodHandle OPEN = Native.capturing("open",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), Linker.Option.firstVariadicArg(2));
    private static final MethodHandle CLOSE = Native.capturing("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle READ = Native.capturing("read",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle WRITE = Native.capturing("write",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle PREAD = Native.capturing("pread64",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG));
    private static final MethodHandle PWRITE = Native.capturing("pwrite64",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG));
    /* The same two calls without errno capture, tried first (see pread). */
    private static final MethodHandle PREAD_PLAIN = Native.plain("pread64",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG));
    private static final MethodHandle PWRITE_PLAIN = Native.plain("pwrite64",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG));
    private static final MethodHandle PREADV2 = Native.capturing("preadv2",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT, JAVA_LONG, JAVA_INT));
    private static final MethodHandle PREADV2_PLAIN = Native.plain("preadv2",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT, JAVA_LONG, JAVA_INT));
    private static final MethodHandle PWRITEV2 = Native.capturing("pwritev2",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT, JAVA_LONG, JAVA_INT));
    private static final MethodHandle FSYNC = Native.capturing("fsync", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle FDATASYNC = Native.capturing("fdatasync", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle FTRUNCATE = Native.capturing("ftruncate64",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG));
    private static final MethodHandle STATX = Native.capturing("statx",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle PIPE2 = Native.capturing("pipe2",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle EVENTFD = Native.capturing("eventfd",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle MMAP = Native.capturing("mmap64",
            FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG));
    private static final MethodHandle MUNMAP = Native.capturing("munmap",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle POLL = Native.capturing("poll",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    private static final MethodHandle PPOLL = Native.capturing("ppoll",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, ADDRESS, ADDRESS));
    private static final MethodHandle SYSCONF = Native.plain("sysconf", FunctionDescriptor.of(JAVA_LONG, JAVA_INT));
    private static final int SC_PAGESIZE = 30;

    /** The system page size. */
    public static final int PAGE_SIZE = pageSize();

    private LibC() {}

    private static int pageSize() {
        try {
            return (int) (long) SYSCONF.invokeExact(SC_PAGESIZE);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** open(2) with O_CLOEXEC added; returns the descriptor or -errno. */
    public static int open(String path, int flags, int mode) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment p = a.allocateFrom(path);
            MemorySegment st = Native.capture();
            int r = (int) OPEN.invokeExact(st, p, flags | O_CLOEXEC, mode);
            return r < 0 ? -Native.errno(st) : r;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int close(int fd) {
        try {
            MemorySegment st = Native.capture();
            int r = (int) CLOSE.invokeExact(st, fd);
            return r < 0 ? -Native.errno(st) : r;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static long read(int fd, MemorySegment buf, long len) {
        try {
            MemorySegment st = Native.capture();
            long r = (long) READ.invokeExact(st, fd, buf, len);
            return r < 0 ? -Native.errno(st) : r;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static long write(int fd, MemorySegment buf, long len) {
        try {
            MemorySegment st = Native.capture();
            long r = (long) WRITE.invokeExact(st, fd, buf, len);
            return r < 0 ? -Native.errno(st) : r;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * pread(2): bytes read, or -errno. Made without errno capture first: the capture costs a
     * per-thread lookup and, where the JIT does not remove it, a 40-byte slice of the capture
     * segment per call, once per request on the thread-pool engine. A pread that fails moves
     * nothing (-1 only when no byte was read), so on failure it is simply made again with errno
     * captured, and that second outcome, whatever it is, is the answer.
     */
    public static long pread(int fd, MemorySegment buf, long len, long offset) {
        try {
            long r = (long) PREAD_PLAIN.invokeExact(fd, buf, len, offset);
            if (r >= 0) {
                return r;
            }
            MemorySegment st = Native.capture();
            r = (long) PREAD.invokeExact(st, fd, buf, len, offset);
            return r < 0 ? -Native.errno(st) : r;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * pwrite(2): bytes written, or -errno; made again with errno captured on failure, as
     * {@link #pread} (a failed pwrite writes nothing).
     */
    public static long pwrite(int fd, MemorySegment buf, long len, long offset) {
        try {
            long r = (long) PWRITE_PLAIN.invokeExact(fd, buf, len, offset);
            if (r >= 0) {
                return r;
            }
            MemorySegment st = Native.capture();
            r = (long) PWRITE.invokeExact(st, fd, buf, len, offset);
            return r < 0 ? -Native.errno(st) : r;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** preadv2(2): iov points at {@code iovcnt} struct iovec; flags are RWF_*. */
    public static long preadv2(int fd, MemorySegment iov, int iovcnt, long offset, int flags) {
        try {
            MemorySegment st = Native.capture();
            long r = (long) PREADV2.invokeExact(st, fd, iov, iovcnt, offset, flags);
            return r < 0 ? -Native.errno(st) : r;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Per platform thread: the one iovec of {@link #preadNowait}. */
    private static final ThreadLocal<MemorySegment> ONE_IOV =
            ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(Iovec.LAYOUT));
    /**
     * Iovecs for virtual threads, which may be one per request: a slot is taken with a CAS and
     * given back after the call, instead of a native allocation per virtual thread.
     */
    private static final int SHARED_IOVS = 64;
    private static final MemorySegment[] SHARED_IOV = new MemorySegment[SHARED_IOVS];
    private static final AtomicIntegerArray SHARED_BUSY = new AtomicIntegerArray(SHARED_IOVS);

    static {
        MemorySegment all = Arena.global().allocate(Iovec.LAYOUT, SHARED_IOVS);
        for (int i = 0; i < SHARED_IOVS; i++) {
            SHARED_IOV[i] = all.asSlice(i * Iovec.LAYOUT.byteSize(), Iovec.LAYOUT);
        }
    }

    /**
     * preadv2(2) of one native buffer ({@code length} bytes at {@code address}) with
     * RWF_NOWAIT: what the page cache holds at {@code offset}, without waiting for the device.
     * Bytes read (fewer than asked when only part is cached; 0 at end of file), or -errno:
     * -EAGAIN when the first page is not cached, -EOPNOTSUPP or -EINVAL where the kernel or
     * file system has no such read.
     */
    public static long preadNowait(int fd, long address, long length, long offset) {
        Thread me = Thread.currentThread();
        if (!me.isVirtual()) {
            return preadNowait(fd, ONE_IOV.get(), address, length, offset);
        }
        int start = (int) (me.threadId() & (SHARED_IOVS - 1));
        for (int i = 0; i < SHARED_IOVS; i++) {
            int slot = (start + i) & (SHARED_IOVS - 1);
            if (SHARED_BUSY.get(slot) == 0 && SHARED_BUSY.compareAndSet(slot, 0, 1)) {
                try {
                    return preadNowait(fd, SHARED_IOV[slot], address, length, offset);
                } finally {
                    SHARED_BUSY.set(slot, 0);
                }
            }
        }
        try (Arena a = Arena.ofConfined()) { // every shared one busy: one of its own
            return preadNowait(fd, a.allocate(Iovec.LAYOUT), address, length, offset);
        }
    }

    /**
     * {@link #preadNowait} for a platform thread that needs no errno (any failure sends it to
     * a read that waits, which tells the error): bytes read, or -1 when the call failed.
     */
    public static long preadNowaitUncaptured(int fd, long address, long length, long offset) {
        MemorySegment iov = ONE_IOV.get();
        Iovec.set(iov, 0, address, length);
        try {
            return (long) PREADV2_PLAIN.invokeExact(fd, iov, 1, offset, Fs.RWF_NOWAIT);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private static long preadNowait(int fd, MemorySegment iov, long address, long length, long offset) {
        Iovec.set(iov, 0, address, length);
        return preadv2(fd, iov, 1, offset, Fs.RWF_NOWAIT);
    }

    /** pwritev2(2): iov points at {@code iovcnt} struct iovec; flags are RWF_*. */
    public static long pwritev2(int fd, MemorySegment iov, int iovcnt, long offset, int flags) {
        try {
            MemorySegment st = Native.capture();
            long r = (long) PWRITEV2.invokeExact(st, fd, iov, iovcnt, offset, flags);
            return r < 0 ? -Native.errno(st) : r;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int fsync(int fd) {
        try {
            MemorySegment st = Native.capture();
            int r = (int) FSYNC.invokeExact(st, fd);
            return r < 0 ? -Native.errno(st) : r;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int fdatasync(int fd) {
        try {
            MemorySegment st = Native.capture();
            int r = (int) FDATASYNC.invokeExact(st, fd);
            return r < 0 ? -Native.errno(st) : r;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int ftruncate(int fd, long length) {
        try {
            MemorySegment st = Native.capture();
            int r = (int) FTRUNCATE.invokeExact(st, fd, length);
            return r < 0 ? -Native.errno(st) : r;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** statx(2) on a descriptor (AT_EMPTY_PATH) into {@code out}, which must hold {@link Statx#LAYOUT}. */
    public static int fstatx(int fd, int mask, MemorySegment out) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment empty = a.allocateFrom("");
            MemorySegment st = Native.capture();
            int r = (int) STATX.invokeExact(st, fd, empty, Statx.AT_EMPTY_PATH, mask, out);
            return r < 0 ? -Native.errno(st) : r;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** pipe2(2) with O_CLOEXEC added; fds receives the read end then the write end. */
    public static int pipe2(int[] fds, int flags) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment pair = a.allocate(JAVA_INT, 2);
            MemorySegment st = Native.capture();
            int r = (int) PIPE2.invokeExact(st, pair, flags | O_CLOEXEC);
            if (r < 0) {
                return -Native.errno(st);
            }
            fds[0] = pair.getAtIndex(JAVA_INT, 0);
            fds[1] = pair.getAtIndex(JAVA_INT, 1);
            return 0;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** eventfd(2) with EFD_CLOEXEC added. */
    public static int eventfd(int initval, int flags) {
        try {
            MemorySegment st = Native.capture();
            int r = (int) EVENTFD.invokeExact(st, initval, flags | EFD_CLOEXEC);
            return r < 0 ? -Native.errno(st) : r;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private static final ThreadLocal<MemorySegment> COUNTER = ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(8, 8));

    /** Adds {@code n} to an eventfd's counter; returns 8 or -errno. */
    public static long eventfdWrite(int fd, long n) {
        MemorySegment c = COUNTER.get();
        c.set(JAVA_LONG, 0, n);
        return write(fd, c, 8);
    }

    /** Reads (and resets) an eventfd's counter; returns the value, or -errno (-EAGAIN when zero and non-blocking). */
    public static long eventfdRead(int fd) {
        MemorySegment c = COUNTER.get();
        long r = read(fd, c, 8);
        return r < 0 ? r : c.get(JAVA_LONG, 0);
    }

    /**
     * mmap(2). Returns the mapping's address, or a negative errno (addresses from mmap are
     * never in the top page, so the two cannot be confused).
     */
    public static long mmap(long addr, long length, int prot, int flags, int fd, long offset) {
        try {
            MemorySegment st = Native.capture();
            MemorySegment r = (MemorySegment) MMAP.invokeExact(st, MemorySegment.ofAddress(addr), length, prot, flags, fd, offset);
            return r.address() == MAP_FAILED ? -Native.errno(st) : r.address();
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int munmap(long addr, long length) {
        try {
            MemorySegment st = Native.capture();
            int r = (int) MUNMAP.invokeExact(st, MemorySegment.ofAddress(addr), length);
            return r < 0 ? -Native.errno(st) : r;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** poll(2) on one descriptor; returns the revents, 0 on timeout, or -errno. */
    public static int poll1(int fd, int events, int timeoutMillis) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment pfd = a.allocate(8, 4);
            pfd.set(JAVA_INT, 0, fd);
            pfd.set(java.lang.foreign.ValueLayout.JAVA_SHORT, 4, (short) events);
            MemorySegment st = Native.capture();
            int r = (int) POLL.invokeExact(st, pfd, 1L, timeoutMillis);
            if (r < 0) {
                return -Native.errno(st);
            }
            return r == 0 ? 0 : pfd.get(java.lang.foreign.ValueLayout.JAVA_SHORT, 6) & 0xFFFF;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** sizeof(struct pollfd): int fd, short events, short revents. */
    public static final int POLLFD_SIZE = 8;

    /**
     * ppoll(2) over {@code n} pollfd entries at {@code fds} (fd at +0, events at +4, revents at
     * +6), waiting at most the timespec at {@code timeout} (NULL: for ever); no signal mask.
     * Returns how many entries have revents, 0 on timeout, or -errno.
     */
    public static int ppoll(MemorySegment fds, long n, MemorySegment timeout) {
        try {
            MemorySegment st = Native.capture();
            int r = (int) PPOLL.invokeExact(st, fds, n, timeout, MemorySegment.NULL);
            return r < 0 ? -Native.errno(st) : r;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        throw new AssertionError("unexpected checked exception from a downcall", t);
    }
}
