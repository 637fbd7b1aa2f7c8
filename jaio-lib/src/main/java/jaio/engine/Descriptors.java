package jaio.engine;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.NonWritableChannelException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.Set;
import jaio.Errno;
import jaio.linux.Fadvise;
import jaio.linux.LibC;
import jaio.linux.Native;
import jaio.linux.Statx;
import jaio.spi.FileHandle;
import jaio.spi.Notifier;

/**
 * The descriptors jaio owns: opening files (natively on Linux, through FileChannel
 * elsewhere), pipes and eventfds, and the few synchronous calls made on them (size, truncate,
 * eventfd counters). The public file type calls in here, so that no public class touches the
 * bindings. Stateless; any thread may call it.
 */
public final class Descriptors {
    private static final boolean PROC_FD = Native.LINUX && Files.isDirectory(Path.of("/proc/self/fd"));

    private Descriptors() {}

    /** What to open: the access mode and the flags that change how transfers behave. */
    public record Mode(boolean read, boolean write, boolean create, boolean createNew, boolean truncate,
                       boolean direct, boolean dsync, boolean sync) {}

    /**
     * Opens a file.
     *
     * @throws NoSuchFileException when it does not exist and neither create flag was given
     * @throws FileAlreadyExistsException with createNew when it exists
     * @throws AccessDeniedException when permission is denied
     * @throws IOException for other failures, naming the error; with direct, when the file
     *         system does not support O_DIRECT
     */
    public static FileHandle open(Path path, Mode m) throws IOException {
        return Native.LINUX ? openNative(path, m) : openPortable(path, m);
    }

    private static FileHandle openNative(Path path, Mode m) throws IOException {
        int flags = m.read() && m.write() ? LibC.O_RDWR : m.write() ? LibC.O_WRONLY : LibC.O_RDONLY;
        if (m.createNew()) {
            flags |= LibC.O_CREAT | LibC.O_EXCL;
        } else if (m.create()) {
            flags |= LibC.O_CREAT;
        }
        if (m.write() && m.truncate()) {
            flags |= LibC.O_TRUNC;
        }
        if (m.direct()) {
            flags |= LibC.O_DIRECT;
        }
        if (m.dsync()) {
            flags |= LibC.O_DSYNC;
        }
        if (m.sync()) {
            flags |= LibC.O_SYNC;
        }
        String p = path.toString();
        int fd = LibC.open(p, flags, 0666);
        if (fd < 0) {
            throw openFailure(p, -fd, m.direct());
        }
        FileHandle.Kind kind;
        int memAlign = 1;
        int offAlign = 1;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(Statx.LAYOUT);
            int r = LibC.fstatx(fd, Statx.STATX_TYPE | (m.direct() ? Statx.STATX_DIOALIGN : 0), st);
            if (r < 0) {
                LibC.close(fd);
                throw new IOException(p + ": statx failed: " + Errno.describe(r));
            }
            int mode = st.get(ValueLayout.JAVA_SHORT, Statx.MODE) & LibC.S_IFMT;
            kind = mode == LibC.S_IFREG || mode == LibC.S_IFBLK ? FileHandle.Kind.FILE
                    : mode == LibC.S_IFIFO ? FileHandle.Kind.PIPE : FileHandle.Kind.OTHER;
            if (m.direct()) {
                int mask = st.get(ValueLayout.JAVA_INT, Statx.MASK);
                if ((mask & Statx.STATX_DIOALIGN) != 0) {
                    memAlign = st.get(ValueLayout.JAVA_INT, Statx.DIO_MEM_ALIGN);
                    offAlign = st.get(ValueLayout.JAVA_INT, Statx.DIO_OFFSET_ALIGN);
                    if (offAlign == 0) {
                        LibC.close(fd);
                        throw new IOException(p + ": the file system does not support O_DIRECT for this file");
                    }
                } else {
                    // Kernel too old to say: assume the strictest common case, the page size.
                    memAlign = LibC.PAGE_SIZE;
                    offAlign = LibC.PAGE_SIZE;
                }
            }
        }
        Path channelPath = kind != FileHandle.Kind.FILE ? null : PROC_FD ? Path.of("/proc/self/fd/" + fd) : path;
        int storeAlign = 1;
        if (m.direct()) {
            try {
                storeAlign = (int) Files.getFileStore(path).getBlockSize();
            } catch (IOException | UnsupportedOperationException e) {
                storeAlign = LibC.PAGE_SIZE;
            }
        }
        return new FileHandle(p, kind, m.read(), m.write(), m.direct(), m.dsync(), m.sync(), fd, memAlign, offAlign,
                storeAlign, channelPath, null, Descriptors::closeNative);
    }

    private static void closeNative(int fd, FileChannel ch) throws IOException {
        try {
            if (ch != null) {
                ch.close();
            }
        } finally {
            if (fd >= 0) {
                LibC.close(fd);
            }
        }
    }

    private static IOException openFailure(String p, int errno, boolean direct) {
        return switch (errno) {
            case Errno.ENOENT -> new NoSuchFileException(p);
            case Errno.EEXIST -> new FileAlreadyExistsException(p);
            case Errno.EACCES, Errno.EPERM -> new AccessDeniedException(p, null, Errno.describe(errno));
            case Errno.EINVAL -> new IOException(p + ": " + Errno.describe(errno)
                    + (direct ? ": the file system does not support O_DIRECT" : ""));
            default -> new IOException(p + ": " + Errno.describe(errno));
        };
    }

    private static FileHandle openPortable(Path path, Mode m) throws IOException {
        Set<OpenOption> co = new HashSet<>();
        if (m.read()) {
            co.add(StandardOpenOption.READ);
        }
        if (m.write()) {
            co.add(StandardOpenOption.WRITE);
        }
        if (m.createNew()) {
            co.add(StandardOpenOption.CREATE_NEW);
        } else if (m.create()) {
            co.add(StandardOpenOption.CREATE);
        }
        if (m.truncate()) {
            co.add(StandardOpenOption.TRUNCATE_EXISTING);
        }
        if (m.dsync()) {
            co.add(StandardOpenOption.DSYNC);
        }
        if (m.sync()) {
            co.add(StandardOpenOption.SYNC);
        }
        if (m.direct()) {
            co.add(FileHandle.directOption());
        }
        FileChannel ch = FileChannel.open(path, co);
        int align = 1;
        if (m.direct()) {
            align = (int) Files.getFileStore(path).getBlockSize();
        }
        return new FileHandle(path.toString(), FileHandle.Kind.FILE, m.read(), m.write(), m.direct(), m.dsync(),
                m.sync(), -1, align, align, align, null, ch, (fd, c) -> c.close());
    }

    /**
     * A pipe: element 0 is the read end, element 1 the write end (Linux).
     *
     * @throws UnsupportedOperationException off Linux
     */
    public static FileHandle[] pipe() throws IOException {
        Native.requireLinux();
        int[] fds = new int[2];
        int r = LibC.pipe2(fds, 0);
        if (r < 0) {
            throw new IOException("pipe2: " + Errno.describe(r));
        }
        FileHandle rd = new FileHandle("pipe[" + fds[0] + "]", FileHandle.Kind.PIPE, true, false, false, false, false,
                fds[0], 1, 1, 1, null, null, Descriptors::closeNative);
        FileHandle wr = new FileHandle("pipe[" + fds[1] + "]", FileHandle.Kind.PIPE, false, true, false, false, false,
                fds[1], 1, 1, 1, null, null, Descriptors::closeNative);
        return new FileHandle[] {rd, wr};
    }

    /**
     * A non-blocking eventfd (Linux).
     *
     * @throws UnsupportedOperationException off Linux
     */
    public static FileHandle eventFd() throws IOException {
        Native.requireLinux();
        int fd = LibC.eventfd(0, LibC.EFD_NONBLOCK);
        if (fd < 0) {
            throw new IOException("eventfd: " + Errno.describe(fd));
        }
        return new FileHandle("eventfd[" + fd + "]", FileHandle.Kind.EVENTFD, true, true, false, false, false,
                fd, 1, 1, 1, null, null, Descriptors::closeNative);
    }

    /** Adds to an eventfd's counter for each completion: the context's notification (C10). */
    public static Notifier notifier(FileHandle eventFd) {
        int fd = eventFd.fd();
        return n -> LibC.eventfdWrite(fd, n);
    }

    /**
     * Takes an eventfd's counter and resets it; 0 when nothing was signalled.
     *
     * @throws IOException when it is not an eventfd, is closed, or the read fails
     */
    public static long readCounter(FileHandle h) throws IOException {
        if (h.kind() != FileHandle.Kind.EVENTFD) {
            throw new IOException(h.name() + " is not an eventfd");
        }
        if (!h.acquire()) {
            throw closed(h);
        }
        try {
            long r = LibC.eventfdRead(h.fd());
            if (r == -Errno.EAGAIN) {
                return 0;
            }
            if (r < 0) {
                throw new IOException(h.name() + ": read: " + Errno.describe(r));
            }
            return r;
        } finally {
            h.release();
        }
    }

    /**
     * The size of the file behind {@code h}.
     *
     * @throws IOException when it is closed, or the query fails
     */
    public static long size(FileHandle h) throws IOException {
        if (!h.acquire()) {
            throw closed(h);
        }
        try {
            if (h.fd() >= 0) {
                try (Arena a = Arena.ofConfined()) {
                    MemorySegment st = a.allocate(Statx.LAYOUT);
                    int r = LibC.fstatx(h.fd(), Statx.STATX_SIZE, st);
                    if (r < 0) {
                        throw new IOException(h.name() + ": statx: " + Errno.describe(r));
                    }
                    return st.get(ValueLayout.JAVA_LONG, Statx.SIZE);
                }
            }
            return h.channel().size();
        } finally {
            h.release();
        }
    }

    /**
     * A read of what the page cache holds, on the calling thread, that never waits for the
     * device (preadv2 with RWF_NOWAIT) into the {@code length} bytes at native address
     * {@code address}, which the caller checked is plain native memory that stays allocated
     * during the call. Bytes read (fewer when only part is
     * cached; 0 at end of file) or -errno: -EAGAIN when nothing at {@code pos} is cached,
     * -EOPNOTSUPP for a direct file or one with no descriptor, -EBADF when closed, and what
     * the kernel answers where it has no such read (-EOPNOTSUPP, -EINVAL, -ENOSYS).
     */
    public static long readNow(FileHandle h, long address, long length, long pos) {
        if (h.direct() || h.fd() < 0) {
            return -Errno.EOPNOTSUPP;
        }
        if (!h.acquire()) {
            return -Errno.EBADF;
        }
        try {
            return LibC.preadNowait(h.fd(), address, length, pos);
        } finally {
            h.release();
        }
    }

    /**
     * Sets the size of the file behind {@code h}, growing it with zeros or cutting it.
     *
     * @throws IOException when it is closed, not open for writing, or the call fails
     */
    public static void truncate(FileHandle h, long size) throws IOException {
        if (!h.acquire()) {
            throw closed(h);
        }
        try {
            if (!h.writable()) {
                throw new NonWritableChannelException();
            }
            if (h.fd() >= 0) {
                int r = LibC.ftruncate(h.fd(), size);
                if (r < 0) {
                    throw new IOException(h.name() + ": ftruncate: " + Errno.describe(r));
                }
                return;
            }
            FileChannel ch = h.channel();
            if (size < ch.size()) {
                ch.truncate(size);
            } else if (size > ch.size()) {
                ch.write(ByteBuffer.wrap(new byte[1]), size - 1);
            }
        } finally {
            h.release();
        }
    }

    /** posix_fadvise's advice values, for the public layer (which does not see the bindings). */
    public static final int ADVISE_NORMAL = Fadvise.POSIX_FADV_NORMAL;
    /** See {@link #ADVISE_NORMAL}. */
    public static final int ADVISE_RANDOM = Fadvise.POSIX_FADV_RANDOM;
    /** See {@link #ADVISE_NORMAL}. */
    public static final int ADVISE_SEQUENTIAL = Fadvise.POSIX_FADV_SEQUENTIAL;
    /** See {@link #ADVISE_NORMAL}. */
    public static final int ADVISE_WILLNEED = Fadvise.POSIX_FADV_WILLNEED;
    /** See {@link #ADVISE_NORMAL}. */
    public static final int ADVISE_DONTNEED = Fadvise.POSIX_FADV_DONTNEED;
    /** See {@link #ADVISE_NORMAL}. */
    public static final int ADVISE_NOREUSE = Fadvise.POSIX_FADV_NOREUSE;

    /**
     * posix_fadvise on the file behind {@code h}: {@code advice} is one of the
     * {@code ADVISE_*} values, {@code length} 0 means to the end of the file.
     *
     * @return false when the handle has no descriptor (the portable path), so nothing was advised
     * @throws IOException when it is closed, or the call fails (naming the error)
     */
    public static boolean advise(FileHandle h, int advice, long offset, long length) throws IOException {
        if (!h.acquire()) {
            throw closed(h);
        }
        try {
            if (h.fd() < 0) {
                return false;
            }
            int r = Fadvise.fadvise(h.fd(), offset, length, advice);
            if (r < 0) {
                throw new IOException(h.name() + ": posix_fadvise: " + Errno.describe(r));
            }
            return true;
        } finally {
            h.release();
        }
    }

    /** A ClosedChannelException that names the file (the JDK's has no message). */
    private static ClosedChannelException closed(FileHandle h) {
        return new ClosedFile(h.name());
    }

    /** ClosedChannelException with the file's name as its message. */
    private static final class ClosedFile extends ClosedChannelException {
        private static final long serialVersionUID = 1L;
        private final String file;

        ClosedFile(String file) {
            this.file = file;
        }

        @Override
        public String getMessage() {
            return file + " is closed";
        }
    }
}
