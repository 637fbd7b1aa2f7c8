package jaio.nio;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import jaio.IoContext;
import jaio.IoFile;
import jaio.Opcode;

/**
 * A file whose operations return {@link CompletableFuture}s (J1), for any number of threads at
 * once. Requests run on a self-reaping {@link IoContext}: the process-wide one of this package
 * ({@link #open(Path, OpenOption...)}) or one given ({@link #open(IoContext, Path, OpenOption...)}),
 * whose reaper completes the futures. Dependent stages added without an executor therefore run
 * on that reaper thread: keep them short, or use the {@code *Async} forms.
 *
 * <pre>{@code
 * try (AsyncFile f = AsyncFile.open(path, StandardOpenOption.READ)) {
 *     ByteBuffer b = ByteBuffer.allocateDirect(4096);
 *     int n = f.read(b, 0).join();   // bytes read, -1 at end of file
 * }
 * }</pre>
 *
 * <p>Buffers behave as in NIO: the bytes between position and limit are used, and the
 * position moves past the bytes transferred before the future completes. A buffer must not be
 * touched while its operation is in flight.
 *
 * <p><b>Cancelling</b> a future ({@code cancel}) cancels its request: a request not yet
 * started does nothing, one that is running may still finish. The future is cancelled at once
 * and the buffer's contents and position are then unspecified. The request still has its one
 * event, which is what frees its resources.
 *
 * <p><b>Allocation.</b> Requests are pooled; an operation allocates its future only (and the
 * boxed result when it is not a multiple of 512 bytes up to 1 MiB).
 *
 * <p><b>Cached reads.</b> A read of one direct buffer on a buffered file that the page cache
 * holds in full is read at once on the calling thread, with a call that never waits for the
 * device, and its future is done on return: no request, no hand-off (and no JFR request event;
 * {@code -Djaio.nio.readNow=false} turns this off). Anything else is a request.
 *
 * <p><b>Errors.</b> Bad arguments (a read-only buffer to read into, a negative position) throw
 * at the call; I/O errors fail the future with an {@link IOException} naming the errno; a
 * closed file throws {@link ClosedChannelException} wrapped in the failed
 * future. On a virtual thread, {@code join} parks it and frees its carrier: the kernel wait
 * happens on the context's reaper, a platform thread.
 */
public final class AsyncFile implements AutoCloseable {
    private final Lane lane;
    private final IoFile file;
    private final String pathName;
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile CompletableFuture<Void> closing;

    private AsyncFile(Lane lane, IoFile file) {
        this.lane = lane;
        this.file = file;
        this.pathName = file.path() == null ? null : file.path().toString();
    }

    /**
     * Opens a file on the process-wide context; options as {@link IoFile#open}.
     *
     * @throws IOException when the file cannot be opened (see {@link IoFile#open})
     */
    public static AsyncFile open(Path path, OpenOption... options) throws IOException {
        return new AsyncFile(Lane.shared(), IoFile.open(path, options));
    }

    /**
     * Opens a file on a given context, which must reap by itself.
     *
     * @throws IllegalArgumentException when the context is not self-reaping
     * @throws IOException when the file cannot be opened
     */
    public static AsyncFile open(IoContext context, Path path, OpenOption... options) throws IOException {
        Lane l = new Lane(context);
        return new AsyncFile(l, IoFile.open(path, options));
    }

    /** Wraps a file already open; closing this closes it. */
    public static AsyncFile of(IoContext context, IoFile file) {
        return new AsyncFile(new Lane(context), Objects.requireNonNull(file, "file"));
    }

    /** Reads into {@code dst} from {@code position}: the bytes read, -1 at end of file, 0 when dst is full. */
    public CompletableFuture<Integer> read(ByteBuffer dst, long position) {
        if (dst.isReadOnly()) {
            throw new IllegalArgumentException("read-only buffer");
        }
        return transfer(JaioFuture.READ, dst, null, 0, 0, position);
    }

    /** Writes {@code src} at {@code position}: the bytes written. */
    public CompletableFuture<Integer> write(ByteBuffer src, long position) {
        return transfer(JaioFuture.WRITE, src, null, 0, 0, position);
    }

    /** Reads into several buffers in turn from {@code position} (preadv): bytes read, -1 at end of file. */
    public CompletableFuture<Integer> read(ByteBuffer[] dsts, long position) {
        for (ByteBuffer b : dsts) {
            if (b.isReadOnly()) {
                throw new IllegalArgumentException("read-only buffer");
            }
        }
        return transfer(JaioFuture.READ, null, dsts, 0, dsts.length, position);
    }

    /** Writes several buffers in turn at {@code position} (pwritev): bytes written. */
    public CompletableFuture<Integer> write(ByteBuffer[] srcs, long position) {
        return transfer(JaioFuture.WRITE, null, srcs, 0, srcs.length, position);
    }

    /** Flushes data and metadata to stable storage. */
    public CompletableFuture<Void> fsync() {
        return sync(Opcode.FSYNC);
    }

    /** Flushes the data (and the metadata needed to read it) to stable storage. */
    public CompletableFuture<Void> fdatasync() {
        return sync(Opcode.FDSYNC);
    }

    /** The file's size (an fstat, which does not wait on the device: done at once). */
    public CompletableFuture<Long> size() {
        try {
            return CompletableFuture.completedFuture(file.size());
        } catch (IOException e) {
            return CompletableFuture.failedFuture(closedOr(e));
        }
    }

    /**
     * Closes the file: later operations fail, those in flight finish. The future completes
     * once the last of them has. Idempotent: every call returns the same future.
     */
    public CompletableFuture<Void> closeAsync() {
        CompletableFuture<Void> c = closing;
        if (c == null) {
            synchronized (this) {
                c = closing;
                if (c == null) {
                    closing = c = new CompletableFuture<>();
                    file.close();
                    inFlight.incrementAndGet();
                    doneOne(); // completes it now when nothing is in flight
                }
            }
        }
        return c;
    }

    /** {@link #closeAsync()} without waiting for the operations in flight. */
    @Override
    public void close() {
        closeAsync();
    }

    /** Whether the file is open. */
    public boolean isOpen() {
        return closing == null;
    }

    /** The jaio file underneath. */
    public IoFile ioFile() {
        return file;
    }

    /** The context the requests run on. */
    public IoContext context() {
        return lane.context();
    }

    String pathName() {
        return pathName;
    }

    void doneOne() {
        if (inFlight.decrementAndGet() == 0) {
            CompletableFuture<Void> c = closing;
            if (c != null) {
                c.complete(null);
            }
        }
    }

    private CompletableFuture<Integer> transfer(int kind, ByteBuffer one, ByteBuffer[] many, int off, int len, long position) {
        if (position < 0) {
            throw new IllegalArgumentException("negative position " + position);
        }
        long remaining = one != null ? one.remaining() : Results.remaining(many, off, len);
        JaioFuture<Integer> f = new JaioFuture<>(kind, this);
        if (closing != null) {
            f.completeExceptionally(new ClosedChannelException());
            return f;
        }
        if (remaining == 0) {
            f.complete(0);
            return f;
        }
        if (kind == JaioFuture.READ && one != null && JaioFileChannel.READ_NOW && one.isDirect()) {
            // The page cache holds all of it (or the file ends here): done at once, no request.
            long r = file.readNow(one, position);
            if (r == 0 || r == remaining) {
                f.bind(null, 0, one, null, 0, 0);
                inFlight.incrementAndGet();
                f.finished(r);
                return f;
            }
        }
        Slot s = lane.acquire();
        if (one != null) {
            if (kind == JaioFuture.READ) {
                s.request.prepPread(file, one, position);
            } else {
                s.request.prepPwrite(file, one, position);
            }
        } else {
            ByteBuffer[] v = off == 0 && len == many.length ? many : Arrays.copyOfRange(many, off, off + len);
            if (kind == JaioFuture.READ) {
                s.request.prepPreadv(file, v, position);
            } else {
                s.request.prepPwritev(file, v, position);
            }
        }
        start(s, f, kind == JaioFuture.READ ? "read" : "write", one, many, off, len);
        return f;
    }

    private CompletableFuture<Void> sync(Opcode code) {
        JaioFuture<Void> f = new JaioFuture<>(JaioFuture.SYNC, this);
        if (closing != null) {
            f.completeExceptionally(new ClosedChannelException());
            return f;
        }
        Slot s = lane.acquire();
        s.request.prepSync(code, file);
        start(s, f, code == Opcode.FSYNC ? "fsync" : "fdatasync", null, null, 0, 0);
        return f;
    }

    private void start(Slot s, JaioFuture<?> f, String op, ByteBuffer one, ByteBuffer[] many, int off, int len) {
        int gen = s.take();
        f.bind(s, gen, one, many, off, len);
        s.outcome = f;
        s.operation = op;
        s.path = pathName;
        inFlight.incrementAndGet();
        try {
            lane.start(s);
        } catch (IllegalArgumentException | IllegalStateException e) {
            doneOne();
            if (!file.isOpen() || !lane.context().isOpen()) {
                f.completeExceptionally(new ClosedChannelException());
                return;
            }
            throw e;
        }
    }

    private IOException closedOr(IOException e) {
        return file.isOpen() ? e : new ClosedChannelException();
    }
}
