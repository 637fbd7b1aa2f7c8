package jaio.nio;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.NonReadableChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.FileSystems;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.spi.FileSystemProvider;
import java.util.Arrays;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import jaio.Errno;
import jaio.IoContext;
import jaio.Opcode;

/**
 * A {@link FileChannel} for blocking code whose reads, writes and force are jaio requests
 * (J2, J3), for any number of threads at once (relative operations are serialised on the
 * position, as the JDK's are). Each call submits its request and parks the calling thread in
 * Java until the context's reaper, a platform thread waiting in the kernel, unparks it: a
 * virtual thread blocked here frees its carrier, and many virtual threads keep as many
 * requests in flight. A read into a direct buffer of a buffered file first takes what the page
 * cache holds with a call that never waits for the device, on the calling thread: a cached
 * read costs one system call and no hand-off (and is no request: it has no JFR request event
 * and is not in the context's counters); only what is not cached becomes a request.
 *
 * <p>It behaves as the JDK's FileChannel: -1 at end of file, buffer positions moved past the
 * bytes transferred, NonReadable/NonWritableChannelException, IllegalArgumentException for
 * negative positions and read-only buffers to read into, truncate never growing the file and
 * pulling the position back, and interruption: a thread interrupted in a call cancels its
 * request, closes the channel and gets {@link java.nio.channels.ClosedByInterruptException};
 * a close from another thread gives {@link AsynchronousCloseException}.
 *
 * <p>{@code map}, {@code lock} and {@code tryLock} are the JDK's (through a JDK FileChannel on
 * the same file, so locks are real and overlaps within the process are refused);
 * {@code transferTo}/{@code transferFrom} copy through a buffer with jaio requests.
 */
public final class JaioFileChannel extends FileChannel {
    private static final int TRANSFER_CHUNK = 64 << 10;
    /**
     * {@code -Djaio.nio.readNow=false} sends every read as a request, without the page-cache
     * fast path (to compare the two, or where a kernel's RWF_NOWAIT misbehaves).
     */
    static final boolean READ_NOW = !"false".equals(System.getProperty("jaio.nio.readNow"));

    private final ChannelFile cf;
    private final Lane lane;
    private final ReentrantLock positionLock = new ReentrantLock();
    private long position;

    private JaioFileChannel(ChannelFile cf, Lane lane) {
        this.cf = cf;
        this.lane = lane;
    }

    /** Opens a file as {@link FileChannel#open(Path, Set, FileAttribute[])} does, on jaio's process-wide context. */
    public static JaioFileChannel open(Path path, Set<? extends OpenOption> options, FileAttribute<?>... attrs) throws IOException {
        return open(Lane.shared(), platform(), path, options, attrs);
    }

    /** Opens a file as {@link FileChannel#open(Path, OpenOption...)} does. */
    public static JaioFileChannel open(Path path, OpenOption... options) throws IOException {
        return open(path, Set.of(options));
    }

    /** Opens a file whose requests run on a given self-reaping context. */
    public static JaioFileChannel open(IoContext context, Path path, Set<? extends OpenOption> options,
                                       FileAttribute<?>... attrs) throws IOException {
        return open(new Lane(context), platform(), path, options, attrs);
    }

    static JaioFileChannel open(Lane lane, FileSystemProvider platform, Path path, Set<? extends OpenOption> options,
                                FileAttribute<?>... attrs) throws IOException {
        return new JaioFileChannel(ChannelFile.open(platform, path, options, attrs), lane);
    }

    private static FileSystemProvider platform() {
        FileSystemProvider p = FileSystems.getDefault().provider();
        return p instanceof JaioFileSystemProvider j ? j.platform() : p;
    }

    // ------------------------------------------------------------------ relative

    @Override
    public int read(ByteBuffer dst) throws IOException {
        checkRead(dst);
        positionLock.lock();
        try {
            int n = readAt(dst, position);
            if (n > 0) {
                position += n;
            }
            return n;
        } finally {
            positionLock.unlock();
        }
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, dsts.length);
        ensureOpen();
        if (!cf.reading) {
            throw new NonReadableChannelException();
        }
        for (int i = offset; i < offset + length; i++) {
            if (dsts[i].isReadOnly()) {
                throw new IllegalArgumentException("Read-only buffer");
            }
        }
        positionLock.lock();
        try {
            long n = vector(true, Arrays.copyOfRange(dsts, offset, offset + length), position);
            if (n > 0) {
                position += n;
            }
            return n;
        } finally {
            positionLock.unlock();
        }
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        checkWrite(src);
        positionLock.lock();
        try {
            int n = writeAt(src, position);
            position += n;
            return n;
        } finally {
            positionLock.unlock();
        }
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, srcs.length);
        ensureOpen();
        if (!cf.writing) {
            throw new NonWritableChannelException();
        }
        positionLock.lock();
        try {
            long n = vector(false, Arrays.copyOfRange(srcs, offset, offset + length), position);
            position += n;
            return n;
        } finally {
            positionLock.unlock();
        }
    }

    // ------------------------------------------------------------------ positional

    @Override
    public int read(ByteBuffer dst, long pos) throws IOException {
        checkRead(dst);
        if (pos < 0) {
            throw new IllegalArgumentException("Negative position");
        }
        return readAt(dst, pos);
    }

    @Override
    public int write(ByteBuffer src, long pos) throws IOException {
        checkWrite(src);
        if (pos < 0) {
            throw new IllegalArgumentException("Negative position");
        }
        return writeAt(src, pos);
    }

    private void checkRead(ByteBuffer dst) throws IOException {
        Objects.requireNonNull(dst, "dst");
        ensureOpen();
        if (!cf.reading) {
            throw new NonReadableChannelException();
        }
        if (dst.isReadOnly()) {
            throw new IllegalArgumentException("Read-only buffer");
        }
    }

    private void checkWrite(ByteBuffer src) throws IOException {
        Objects.requireNonNull(src, "src");
        ensureOpen();
        if (!cf.writing) {
            throw new NonWritableChannelException();
        }
    }

    private int readAt(ByteBuffer dst, long pos) throws IOException {
        if (!dst.hasRemaining()) {
            return 0;
        }
        long cached = READ_NOW && pos >= 0 && dst.isDirect() ? readNow(dst, pos) : -Errno.EAGAIN;
        if (cached == 0) {
            return -1;
        }
        long r = 0;
        if (cached > 0) {
            dst.position(dst.position() + (int) cached);
            if (!dst.hasRemaining()) {
                return (int) cached;
            }
            // Only part was cached: the rest as a request (0 from it is the end of the file).
            r = io(Opcode.PREAD, dst, null, pos + cached);
            dst.position(dst.position() + (int) r);
            return (int) (cached + r);
        }
        r = io(Opcode.PREAD, dst, null, pos);
        if (r == 0) {
            return -1;
        }
        dst.position(dst.position() + (int) r);
        return (int) r;
    }

    /**
     * The fast path of a read: what the page cache holds, read at once on the calling thread
     * with a call that never waits for the device ({@link jaio.IoFile#readNow}), so a cached
     * read costs one system call and no thread hand-off; -EAGAIN (not cached) and any other
     * error send the read on as a request. Interruptible as a request is.
     */
    private long readNow(ByteBuffer dst, long pos) throws IOException {
        boolean completed = false;
        long r;
        try {
            begin();
            ensureOpen();
            r = cf.file.readNow(dst, pos);
            completed = r >= 0;
        } finally {
            end(completed);
        }
        return r;
    }

    private int writeAt(ByteBuffer src, long pos) throws IOException {
        if (!src.hasRemaining()) {
            return 0;
        }
        long r = io(Opcode.PWRITE, src, null, pos);
        src.position(src.position() + (int) r);
        return (int) r;
    }

    private long vector(boolean read, ByteBuffer[] bufs, long pos) throws IOException {
        if (Results.remaining(bufs, 0, bufs.length) == 0) {
            return 0;
        }
        long r = io(read ? Opcode.PREADV : Opcode.PWRITEV, null, bufs, pos);
        if (r == 0 && read) {
            return -1;
        }
        Results.advance(bufs, 0, bufs.length, r);
        return r;
    }

    /** One request, blocking the caller the interruptible-channel way; bytes, never negative. */
    private long io(Opcode code, ByteBuffer one, ByteBuffer[] many, long pos) throws IOException {
        Slot s = lane.acquire();
        switch (code) {
            case PREAD -> s.request.prepPread(cf.file, one, pos);
            case PWRITE -> s.request.prepPwrite(cf.file, one, pos);
            case PREADV -> s.request.prepPreadv(cf.file, many, pos);
            default -> s.request.prepPwritev(cf.file, many, pos);
        }
        boolean completed = false;
        long r;
        try {
            begin();
            ensureOpen();
            r = Blocking.run(lane, s, code == Opcode.PREAD || code == Opcode.PREADV ? "read" : "write", cf.pathName);
            completed = r >= 0;
        } finally {
            end(completed);
        }
        if (r < 0) {
            throw Results.failure(r, cf.pathName);
        }
        return r;
    }

    // ------------------------------------------------------------------ position, size, force

    @Override
    public long position() throws IOException {
        ensureOpen();
        positionLock.lock();
        try {
            return position;
        } finally {
            positionLock.unlock();
        }
    }

    @Override
    public FileChannel position(long newPosition) throws IOException {
        if (newPosition < 0) {
            throw new IllegalArgumentException("Negative position");
        }
        ensureOpen();
        positionLock.lock();
        try {
            position = newPosition;
        } finally {
            positionLock.unlock();
        }
        return this;
    }

    @Override
    public long size() throws IOException {
        ensureOpen();
        return cf.file.size();
    }

    @Override
    public FileChannel truncate(long size) throws IOException {
        if (size < 0) {
            throw new IllegalArgumentException("Negative size");
        }
        ensureOpen();
        if (!cf.writing) {
            throw new NonWritableChannelException();
        }
        positionLock.lock();
        try {
            if (size < cf.file.size()) {
                cf.file.truncate(size);
            }
            if (position > size) {
                position = size;
            }
        } finally {
            positionLock.unlock();
        }
        return this;
    }

    @Override
    public void force(boolean metaData) throws IOException {
        ensureOpen();
        boolean completed = false;
        try {
            begin();
            Blocking.sync(lane, cf, metaData ? Opcode.FSYNC : Opcode.FDSYNC);
            completed = true;
        } finally {
            end(completed);
        }
    }

    // ------------------------------------------------------------------ transfers

    @Override
    public long transferTo(long pos, long count, WritableByteChannel target) throws IOException {
        Objects.requireNonNull(target, "target");
        if (pos < 0 || count < 0) {
            throw new IllegalArgumentException("Negative " + (pos < 0 ? "position" : "count"));
        }
        ensureOpen();
        if (!target.isOpen()) {
            throw new ClosedChannelException();
        }
        if (!cf.reading) {
            throw new NonReadableChannelException();
        }
        ByteBuffer buf = ByteBuffer.allocateDirect((int) Math.min(TRANSFER_CHUNK, Math.max(count, 1)));
        long done = 0;
        while (done < count) {
            buf.clear().limit((int) Math.min(buf.capacity(), count - done));
            int n = readAt(buf, pos + done);
            if (n <= 0) {
                break;
            }
            buf.flip();
            while (buf.hasRemaining()) {
                target.write(buf);
            }
            done += n;
        }
        return done;
    }

    @Override
    public long transferFrom(ReadableByteChannel src, long pos, long count) throws IOException {
        Objects.requireNonNull(src, "src");
        if (pos < 0 || count < 0) {
            throw new IllegalArgumentException("Negative " + (pos < 0 ? "position" : "count"));
        }
        ensureOpen();
        if (!src.isOpen()) {
            throw new ClosedChannelException();
        }
        if (!cf.writing) {
            throw new NonWritableChannelException();
        }
        ByteBuffer buf = ByteBuffer.allocateDirect((int) Math.min(TRANSFER_CHUNK, Math.max(count, 1)));
        long done = 0;
        while (done < count) {
            buf.clear().limit((int) Math.min(buf.capacity(), count - done));
            int n = src.read(buf);
            if (n <= 0) {
                break;
            }
            buf.flip();
            while (buf.hasRemaining()) {
                writeAt(buf, pos + done + (n - buf.remaining()));
            }
            done += n;
        }
        return done;
    }

    // ------------------------------------------------------------------ the JDK's part

    @Override
    public MappedByteBuffer map(MapMode mode, long pos, long size) throws IOException {
        ensureOpen();
        return cf.jdk.map(mode, pos, size);
    }

    @Override
    public MemorySegment map(MapMode mode, long offset, long size, Arena arena) throws IOException {
        ensureOpen();
        return cf.jdk.map(mode, offset, size, arena);
    }

    @Override
    public FileLock lock(long pos, long size, boolean shared) throws IOException {
        ensureOpen();
        checkLock(shared);
        return new JaioFileLock(this, cf.jdk.lock(pos, size, shared));
    }

    @Override
    public FileLock tryLock(long pos, long size, boolean shared) throws IOException {
        ensureOpen();
        checkLock(shared);
        FileLock l = cf.uninterrupted(jdk -> jdk.tryLock(pos, size, shared));
        return l == null ? null : new JaioFileLock(this, l);
    }

    private void checkLock(boolean shared) {
        if (shared && !cf.reading) {
            throw new NonReadableChannelException();
        }
        if (!shared && !cf.writing) {
            throw new NonWritableChannelException();
        }
    }

    @Override
    protected void implCloseChannel() throws IOException {
        cf.close();
    }

    private void ensureOpen() throws ClosedChannelException {
        if (!isOpen()) {
            throw new ClosedChannelException();
        }
    }

    @Override
    public String toString() {
        return "JaioFileChannel[" + cf.pathName + ", " + lane.context().engine().shortName() + "]";
    }
}
