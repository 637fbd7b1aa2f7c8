package jaio;

import java.io.Closeable;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.Set;
import jaio.core.FileHandle;
import jaio.linux.LibC;
import jaio.linux.Native;
import jaio.linux.Statx;

/**
 * A file (or pipe end) opened for jaio requests. Any number of contexts may use one file.
 *
 * <p>Open options are the JDK's {@link StandardOpenOption}s: READ, WRITE, CREATE, CREATE_NEW,
 * TRUNCATE_EXISTING, DSYNC, SYNC, plus {@link #DIRECT} for O_DIRECT. Without READ or WRITE a
 * file is opened for reading. APPEND is refused: jaio's requests are positional.
 *
 * <p>{@link #close()} is safe while requests are in flight: new requests on the file are
 * refused at once, and the descriptor is released when the last request in flight has its
 * event, so the kernel never reads or writes through a descriptor number that was reused.
 *
 * <p>Thread safe.
 */
public final class IoFile implements Closeable {
    /** Open for direct I/O (O_DIRECT): offsets, lengths and buffer addresses must be aligned. */
    public static final OpenOption DIRECT = new OpenOption() {
        @Override
        public String toString() {
            return "DIRECT";
        }
    };

    private static final boolean PROC_FD = Native.LINUX && Files.isDirectory(Path.of("/proc/self/fd"));

    final FileHandle handle;
    private final Path path;

    private IoFile(FileHandle handle, Path path) {
        this.handle = handle;
        this.path = path;
    }

    /**
     * Opens a file.
     *
     * @throws NoSuchFileException when it does not exist and CREATE was not given
     * @throws FileAlreadyExistsException with CREATE_NEW when it exists
     * @throws AccessDeniedException when permission is denied
     * @throws IOException for other failures, naming the error; with DIRECT, when the file
     *         system does not support O_DIRECT
     * @throws IllegalArgumentException for an option jaio does not support (APPEND ...)
     */
    public static IoFile open(Path path, OpenOption... options) throws IOException {
        Set<OpenOption> opts = new HashSet<>();
        for (OpenOption o : options) {
            if (o == StandardOpenOption.APPEND) {
                throw new IllegalArgumentException("APPEND is not supported: jaio requests are positional");
            }
            if (o == StandardOpenOption.DELETE_ON_CLOSE) {
                throw new IllegalArgumentException("DELETE_ON_CLOSE is not supported");
            }
            if (o != DIRECT && !(o instanceof StandardOpenOption)) {
                throw new IllegalArgumentException("unsupported open option " + o);
            }
            opts.add(o);
        }
        boolean write = opts.contains(StandardOpenOption.WRITE);
        boolean read = opts.contains(StandardOpenOption.READ) || !write;
        boolean direct = opts.contains(DIRECT);
        boolean dsync = opts.contains(StandardOpenOption.DSYNC);
        boolean sync = opts.contains(StandardOpenOption.SYNC);
        if (Native.LINUX) {
            return openNative(path, opts, read, write, direct, dsync, sync);
        }
        return openPortable(path, opts, read, write, direct, dsync, sync);
    }

    private static IoFile openNative(Path path, Set<OpenOption> opts, boolean read, boolean write,
                                     boolean direct, boolean dsync, boolean sync) throws IOException {
        int flags = read && write ? LibC.O_RDWR : write ? LibC.O_WRONLY : LibC.O_RDONLY;
        if (opts.contains(StandardOpenOption.CREATE_NEW)) {
            flags |= LibC.O_CREAT | LibC.O_EXCL;
        } else if (opts.contains(StandardOpenOption.CREATE)) {
            flags |= LibC.O_CREAT;
        }
        if (write && opts.contains(StandardOpenOption.TRUNCATE_EXISTING)) {
            flags |= LibC.O_TRUNC;
        }
        if (direct) {
            flags |= LibC.O_DIRECT;
        }
        if (dsync) {
            flags |= LibC.O_DSYNC;
        }
        if (sync) {
            flags |= LibC.O_SYNC;
        }
        String p = path.toString();
        int fd = LibC.open(p, flags, 0666);
        if (fd < 0) {
            throw openFailure(p, -fd, direct);
        }
        FileHandle.Kind kind = FileHandle.Kind.OTHER;
        int memAlign = 1;
        int offAlign = 1;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(Statx.LAYOUT);
            int r = LibC.fstatx(fd, Statx.STATX_TYPE | (direct ? Statx.STATX_DIOALIGN : 0), st);
            if (r < 0) {
                LibC.close(fd);
                throw new IOException(p + ": statx failed: " + Errno.describe(r));
            }
            int mode = st.get(java.lang.foreign.ValueLayout.JAVA_SHORT, Statx.MODE) & LibC.S_IFMT;
            kind = mode == LibC.S_IFREG || mode == LibC.S_IFBLK ? FileHandle.Kind.FILE
                    : mode == LibC.S_IFIFO ? FileHandle.Kind.PIPE : FileHandle.Kind.OTHER;
            if (direct) {
                int mask = st.get(java.lang.foreign.ValueLayout.JAVA_INT, Statx.MASK);
                if ((mask & Statx.STATX_DIOALIGN) != 0) {
                    memAlign = st.get(java.lang.foreign.ValueLayout.JAVA_INT, Statx.DIO_MEM_ALIGN);
                    offAlign = st.get(java.lang.foreign.ValueLayout.JAVA_INT, Statx.DIO_OFFSET_ALIGN);
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
        if (direct) {
            try {
                storeAlign = (int) Files.getFileStore(path).getBlockSize();
            } catch (IOException | UnsupportedOperationException e) {
                storeAlign = LibC.PAGE_SIZE;
            }
        }
        FileHandle h = new FileHandle(p, kind, read, write, direct, dsync, sync, fd, memAlign, offAlign, storeAlign,
                channelPath, null, IoFile::closeNative);
        return new IoFile(h, path);
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

    private static IoFile openPortable(Path path, Set<OpenOption> opts, boolean read, boolean write,
                                       boolean direct, boolean dsync, boolean sync) throws IOException {
        Set<OpenOption> co = new HashSet<>();
        for (OpenOption o : opts) {
            if (o != DIRECT) {
                co.add(o);
            }
        }
        if (read) {
            co.add(StandardOpenOption.READ);
        }
        if (direct) {
            co.add(FileHandle.directOption());
        }
        FileChannel ch = FileChannel.open(path, co);
        int align = 1;
        if (direct) {
            align = (int) Files.getFileStore(path).getBlockSize();
        }
        FileHandle h = new FileHandle(path.toString(), FileHandle.Kind.FILE, read, write, direct, dsync, sync,
                -1, align, align, align, null, ch, (fd, c) -> c.close());
        return new IoFile(h, path);
    }

    /**
     * A pipe: element 0 is the read end, element 1 the write end. Linux only; for POLL and
     * the engines that support pipes.
     *
     * @throws UnsupportedOperationException off Linux
     */
    public static IoFile[] pipe() throws IOException {
        Native.requireLinux();
        int[] fds = new int[2];
        int r = LibC.pipe2(fds, 0);
        if (r < 0) {
            throw new IOException("pipe2: " + Errno.describe(r));
        }
        FileHandle rd = new FileHandle("pipe[" + fds[0] + "]", FileHandle.Kind.PIPE, true, false, false, false, false,
                fds[0], 1, 1, 1, null, null, IoFile::closeNative);
        FileHandle wr = new FileHandle("pipe[" + fds[1] + "]", FileHandle.Kind.PIPE, false, true, false, false, false,
                fds[1], 1, 1, 1, null, null, IoFile::closeNative);
        return new IoFile[] {new IoFile(rd, null), new IoFile(wr, null)};
    }

    /**
     * An eventfd (Linux): a counter the kernel or jaio adds to and a reader takes. Give it to
     * {@link IoContext.Builder#notifyEventFd} to be signalled once per completion and watch it
     * from another event loop; {@link #readCounter()} takes the count. Non-blocking.
     *
     * @throws UnsupportedOperationException off Linux
     */
    public static IoFile eventFd() throws IOException {
        Native.requireLinux();
        int fd = LibC.eventfd(0, LibC.EFD_NONBLOCK);
        if (fd < 0) {
            throw new IOException("eventfd: " + Errno.describe(fd));
        }
        FileHandle h = new FileHandle("eventfd[" + fd + "]", FileHandle.Kind.EVENTFD, true, true, false, false, false,
                fd, 1, 1, 1, null, null, IoFile::closeNative);
        return new IoFile(h, null);
    }

    /**
     * For an {@link #eventFd()}: takes its counter (the completions signalled since the last
     * read) and resets it; 0 when nothing was signalled.
     *
     * @throws IOException when this is not an eventfd, or it is closed
     */
    public long readCounter() throws IOException {
        if (handle.kind() != FileHandle.Kind.EVENTFD) {
            throw new IOException(handle.name() + " is not an eventfd");
        }
        if (!handle.acquire()) {
            throw new java.nio.channels.ClosedChannelException();
        }
        try {
            long r = LibC.eventfdRead(handle.fd());
            if (r == -Errno.EAGAIN) {
                return 0;
            }
            if (r < 0) {
                throw new IOException(handle.name() + ": read: " + Errno.describe(r));
            }
            return r;
        } finally {
            handle.release();
        }
    }

    /** The path it was opened with, or null for a pipe or eventfd. */
    public Path path() {
        return path;
    }

    /** Whether it is open (not yet closed by {@link #close()}). */
    public boolean isOpen() {
        return handle.isOpen();
    }

    /** Whether it was opened for direct I/O. */
    public boolean isDirect() {
        return handle.direct();
    }

    /**
     * The buffer address alignment direct I/O needs here (1 when not direct), as the kernel
     * reports it. The portable engine needs {@link #storeBlockAlignment()} instead.
     */
    public int memoryAlignment() {
        return handle.memAlign();
    }

    /**
     * The offset and length alignment direct I/O needs here (1 when not direct), as the
     * kernel reports it. The portable engine needs {@link #storeBlockAlignment()} instead.
     */
    public int offsetAlignment() {
        return handle.offsetAlign();
    }

    /**
     * The alignment of offsets, lengths and addresses that direct I/O through a FileChannel
     * needs (the portable engine): the file store's block size, at least the kernel's
     * alignment. 1 when not direct. Aligning to this satisfies every engine.
     */
    public int storeBlockAlignment() {
        return handle.storeAlign();
    }

    /**
     * The file's size.
     *
     * @throws IOException when closed, or the query fails
     */
    public long size() throws IOException {
        if (!handle.acquire()) {
            throw new java.nio.channels.ClosedChannelException();
        }
        try {
            if (handle.fd() >= 0) {
                try (Arena a = Arena.ofConfined()) {
                    MemorySegment st = a.allocate(Statx.LAYOUT);
                    int r = LibC.fstatx(handle.fd(), Statx.STATX_SIZE, st);
                    if (r < 0) {
                        throw new IOException(handle.name() + ": statx: " + Errno.describe(r));
                    }
                    return st.get(java.lang.foreign.ValueLayout.JAVA_LONG, Statx.SIZE);
                }
            }
            return handle.channel().size();
        } finally {
            handle.release();
        }
    }

    /**
     * Sets the file's size, growing it with zeros or cutting it.
     *
     * @throws IOException when closed, not open for writing, or the call fails
     */
    public void truncate(long size) throws IOException {
        if (size < 0) {
            throw new IllegalArgumentException("negative size " + size);
        }
        if (!handle.acquire()) {
            throw new java.nio.channels.ClosedChannelException();
        }
        try {
            if (!handle.writable()) {
                throw new java.nio.channels.NonWritableChannelException();
            }
            if (handle.fd() >= 0) {
                int r = LibC.ftruncate(handle.fd(), size);
                if (r < 0) {
                    throw new IOException(handle.name() + ": ftruncate: " + Errno.describe(r));
                }
                return;
            }
            FileChannel ch = handle.channel();
            if (size < ch.size()) {
                ch.truncate(size);
            } else if (size > ch.size()) {
                ch.write(java.nio.ByteBuffer.wrap(new byte[1]), size - 1);
            }
        } finally {
            handle.release();
        }
    }

    /**
     * Closes the file: new requests on it are refused at once; the descriptor is released when
     * the requests in flight are done. Idempotent.
     */
    @Override
    public void close() {
        handle.close();
    }

    @Override
    public String toString() {
        return "IoFile[" + handle.name() + (handle.direct() ? ", direct" : "") + "]";
    }
}
