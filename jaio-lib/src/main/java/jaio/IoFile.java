package jaio;

import java.io.Closeable;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.ref.Reference;
import java.lang.ref.WeakReference;
import java.nio.ByteBuffer;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import jaio.engine.Descriptors;
import jaio.spi.FileHandle;
import jaio.spi.Memory;

/**
 * A file (or pipe end) opened for jaio requests, for any number of threads and contexts at
 * once: its descriptor is reference counted atomically, and the rest never changes.
 *
 * <p>Open options are the JDK's {@link StandardOpenOption}s: READ, WRITE, CREATE, CREATE_NEW,
 * TRUNCATE_EXISTING, DSYNC, SYNC, plus {@link #DIRECT} for O_DIRECT. Without READ or WRITE a
 * file is opened for reading. APPEND is refused: jaio's requests are positional.
 *
 * <p>{@link #close()} is safe while requests are in flight: new requests on the file are
 * refused at once, and the descriptor is released when the last request in flight has its
 * event, so the kernel never reads or writes through a descriptor number that was reused.
 */
public final class IoFile implements Closeable {
    /** Open for direct I/O (O_DIRECT): offsets, lengths and buffer addresses must be aligned. */
    public static final OpenOption DIRECT = new OpenOption() {
        @Override
        public String toString() {
            return "DIRECT";
        }
    };

    final FileHandle handle;
    private final Path path;
    /** Set once the kernel refused a {@link #readNow}: the same answer for this file from then on. */
    private volatile boolean noReadNow;
    /**
     * The buffers {@link #readNow} read into lately and their addresses, so that a buffer read
     * into again costs no MemorySegment (issue 13, J1: an operation allocates its future
     * only). Groups of {@link #WAYS} slots by identity hash; entries are immutable, so a racing
     * reader sees a whole one or none; they hold their buffers weakly, so the table keeps no
     * buffer's memory alive, and it is emptied at close.
     */
    private final KnownBuffer[] known = new KnownBuffer[KNOWN];
    private static final int KNOWN = 64;
    private static final int WAYS = 4;

    /** A direct buffer of plain native memory and its address at index 0. */
    private record KnownBuffer(WeakReference<ByteBuffer> buffer, long base) {}

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
        Descriptors.Mode mode = new Descriptors.Mode(read, write, opts.contains(StandardOpenOption.CREATE),
                opts.contains(StandardOpenOption.CREATE_NEW), opts.contains(StandardOpenOption.TRUNCATE_EXISTING),
                opts.contains(DIRECT), opts.contains(StandardOpenOption.DSYNC), opts.contains(StandardOpenOption.SYNC));
        return new IoFile(Descriptors.open(path, mode), path);
    }

    /**
     * A pipe: element 0 is the read end, element 1 the write end. Linux only; for POLL and
     * the engines that support pipes.
     *
     * @throws UnsupportedOperationException off Linux
     */
    public static IoFile[] pipe() throws IOException {
        FileHandle[] ends = Descriptors.pipe();
        return new IoFile[] {new IoFile(ends[0], null), new IoFile(ends[1], null)};
    }

    /**
     * An eventfd (Linux): a counter the kernel or jaio adds to and a reader takes. Give it to
     * {@link IoContext.Builder#notifyEventFd} to be signalled once per completion and watch it
     * from another event loop; {@link #readCounter()} takes the count. Non-blocking.
     *
     * @throws UnsupportedOperationException off Linux
     */
    public static IoFile eventFd() throws IOException {
        return new IoFile(Descriptors.eventFd(), null);
    }

    /**
     * For an {@link #eventFd()}: takes its counter (the completions signalled since the last
     * read) and resets it; 0 when nothing was signalled.
     *
     * @throws IOException when this is not an eventfd, or it is closed
     */
    public long readCounter() throws IOException {
        return Descriptors.readCounter(handle);
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
        return Descriptors.size(handle);
    }

    /**
     * Reads what the page cache holds at {@code position} into {@code dst}'s remaining bytes,
     * at once, on the calling thread, without waiting for the device (preadv2 with RWF_NOWAIT):
     * the fast path of a blocking read, tried before a request is submitted. It does not move
     * the buffer's position, and is no request: no context, no event.
     *
     * @param dst a direct buffer; a heap buffer, or one over an arena's memory (which another
     *            thread could free during the call), is not read into
     * @return bytes read (fewer than asked when only part is cached; 0 at end of file), or a
     *         negative errno: -EAGAIN when the data at {@code position} is not cached (nothing
     *         was read), -EOPNOTSUPP for a direct file, such a buffer, or a platform without such
     *         a read (also -EINVAL from older kernels), -EBADF when the file is closed
     * @throws IllegalArgumentException for a negative position
     */
    public long readNow(ByteBuffer dst, long position) {
        Objects.requireNonNull(dst, "IoFile.readNow: dst");
        if (position < 0) {
            throw new IllegalArgumentException("IoFile.readNow: negative position " + position);
        }
        if (dst.isReadOnly()) {
            throw new IllegalArgumentException("IoFile.readNow: dst is read-only");
        }
        if (noReadNow || !dst.isDirect()) {
            return -Errno.EOPNOTSUPP;
        }
        long base = knownBase(dst);
        if (base == 0) {
            MemorySegment seg = MemorySegment.ofBuffer(dst);
            if (Memory.classify(seg) != Memory.STABLE) {
                // A confined arena's buffer is its owner's alone (the same answer a request
                // gives); a shared arena's could be freed during the call, which holds only
                // its address.
                return -Errno.EOPNOTSUPP;
            }
            base = seg.address() - dst.position();
            remember(dst, base);
        }
        int at = dst.position();
        long r = Descriptors.readNow(handle, base + at, dst.limit() - at, position);
        // dst owns the memory: it stays reachable until the call returned.
        Reference.reachabilityFence(dst);
        if (r == -Errno.EOPNOTSUPP || r == -Errno.EINVAL || r == -Errno.ENOSYS) {
            noReadNow = true; // the file, its file system or the kernel has no such read: answered at once from now on
        }
        return r;
    }

    /** The address at index 0 of a buffer {@link #readNow} read into lately, or 0. */
    private long knownBase(ByteBuffer b) {
        int group = System.identityHashCode(b) & (KNOWN - WAYS);
        for (int i = group; i < group + WAYS; i++) {
            KnownBuffer k = known[i];
            if (k != null && k.buffer.get() == b) {
                return k.base;
            }
        }
        return 0;
    }

    private void remember(ByteBuffer b, long base) {
        int h = System.identityHashCode(b);
        int group = h & (KNOWN - WAYS);
        int slot = group + ((h >>> 16) & (WAYS - 1));
        for (int i = group; i < group + WAYS; i++) {
            KnownBuffer k = known[i]; // read once: a close may empty the slot meanwhile
            if (k == null || k.buffer.get() == null) {
                slot = i;
                break;
            }
        }
        known[slot] = new KnownBuffer(new WeakReference<>(b), base);
        if (!handle.isOpen()) {
            Arrays.fill(known, null); // closed meanwhile: nothing kept past close
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
        Descriptors.truncate(handle, size);
    }

    /**
     * How a range of a file will be read, for the kernel's readahead and page cache
     * (posix_fadvise(2)'s advice values).
     */
    public enum Advice {
        /** The default readahead. */
        NORMAL(Descriptors.ADVISE_NORMAL),
        /** Random access: no readahead on this open file (what fio sets for random jobs). */
        RANDOM(Descriptors.ADVISE_RANDOM),
        /** Sequential access: a larger readahead window. */
        SEQUENTIAL(Descriptors.ADVISE_SEQUENTIAL),
        /** The range will be needed soon: start reading it into the page cache. */
        WILLNEED(Descriptors.ADVISE_WILLNEED),
        /** The range will not be needed: drop its clean pages from the page cache. */
        DONTNEED(Descriptors.ADVISE_DONTNEED),
        /** The range will be used once. */
        NOREUSE(Descriptors.ADVISE_NOREUSE);

        private final int value;

        Advice(int value) {
            this.value = value;
        }
    }

    /**
     * Tells the kernel how a range of the file will be used (posix_fadvise). RANDOM and
     * SEQUENTIAL apply to this open file, so to every request through it; DONTNEED drops clean
     * pages only (fsync first to drop what was written).
     *
     * @param length bytes from {@code offset}; 0 means to the end of the file
     * @return true when the kernel took the advice; false where the file has no descriptor to
     *         advise (the portable engine's files on a system without one), so nothing changed
     * @throws IllegalArgumentException for a negative offset or length
     * @throws IOException when the file is closed, or the call fails (naming the error)
     */
    public boolean advise(Advice advice, long offset, long length) throws IOException {
        Objects.requireNonNull(advice, "IoFile.advise: advice");
        if (offset < 0 || length < 0) {
            throw new IllegalArgumentException("IoFile.advise: negative " + (offset < 0 ? "offset " + offset : "length " + length));
        }
        return Descriptors.advise(handle, advice.value, offset, length);
    }

    /**
     * Closes the file: new requests on it are refused at once; the descriptor is released when
     * the requests in flight are done. Idempotent.
     */
    @Override
    public void close() {
        handle.close();
        Arrays.fill(known, null);
    }

    @Override
    public String toString() {
        return "IoFile[" + handle.name() + (handle.direct() ? ", direct" : "") + "]";
    }
}
