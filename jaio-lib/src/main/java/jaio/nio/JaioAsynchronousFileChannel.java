package jaio.nio;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.CompletionHandler;
import java.nio.channels.FileLock;
import java.nio.channels.NonReadableChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.file.FileSystems;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.spi.FileSystemProvider;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import jaio.IoContext;
import jaio.Opcode;

/**
 * An {@link AsynchronousFileChannel} whose reads, writes and force run as jaio requests (J2),
 * for any number of threads at once, behaving as the JDK's own: the same exceptions at the
 * call (IllegalArgumentException for a negative position or a read-only buffer to read into,
 * NonReadable/NonWritableChannelException), ClosedChannelException as the cause of a failed
 * operation on a closed channel, -1 at end of file, the buffer's position moved past the
 * bytes transferred before the handler or Future sees the result.
 *
 * <p><b>Handlers</b> run on the channel's executor: the one given to
 * {@link #open(Path, Set, ExecutorService, FileAttribute[])}, or a shared pool of daemon threads,
 * many per task handed to it ({@link HandlerRunner}). A Future is completed on the context's
 * reaper. Interrupting a thread never closes the channel.
 *
 * <p>A read into a direct buffer of a buffered file that the page cache holds in full is read
 * at once on the calling thread, with a call that never waits for the device, and completes
 * with no request (a Future done on return; the handler queued for the executor); it has no
 * JFR request event and is not in the context's counters. Anything else is a request.
 *
 * <p><b>Close</b> with operations in flight: each one completes, or fails with
 * {@link AsynchronousCloseException}. <b>Cancel</b> on a Future cancels the
 * request; the Future is then done and cancelled, and the buffer's contents are unspecified.
 *
 * <p>{@code force}, {@code size} and {@code truncate} are system calls that do not wait on the
 * device except force, which runs as an fsync/fdatasync request and waits for it. Locks are
 * real file locks (taken through a JDK FileChannel on the same file), so overlapping locks of
 * this process, through any channel, are refused with
 * {@link java.nio.channels.OverlappingFileLockException}.
 */
public final class JaioAsynchronousFileChannel extends AsynchronousFileChannel {
    private static final AtomicInteger THREADS = new AtomicInteger();
    private static volatile ExecutorService defaultExecutor;

    private final ChannelFile cf;
    private final Lane lane;
    private final ExecutorService executor;
    private final HandlerRunner handlers;
    private volatile boolean closed;

    private JaioAsynchronousFileChannel(ChannelFile cf, Lane lane, ExecutorService executor) {
        this.cf = cf;
        this.lane = lane;
        this.executor = executor == null ? defaultExecutor() : executor;
        this.handlers = new HandlerRunner(this.executor, lane.context());
    }

    /**
     * Opens a file as {@link AsynchronousFileChannel#open(Path, Set, ExecutorService, FileAttribute[])}
     * does, on jaio's process-wide context.
     *
     * @throws UnsupportedOperationException for an option jaio does not serve (APPEND is not
     *         allowed for this class anyway)
     */
    public static JaioAsynchronousFileChannel open(Path path, Set<? extends OpenOption> options,
                                                   ExecutorService executor, FileAttribute<?>... attrs) throws IOException {
        return open(Lane.shared(), platform(), path, options, executor, attrs);
    }

    /** Opens a file as {@link AsynchronousFileChannel#open(Path, OpenOption...)} does. */
    public static JaioAsynchronousFileChannel open(Path path, OpenOption... options) throws IOException {
        return open(path, Set.of(options), null);
    }

    /** Opens a file whose requests run on a given self-reaping context. */
    public static JaioAsynchronousFileChannel open(IoContext context, Path path, Set<? extends OpenOption> options,
                                                   ExecutorService executor, FileAttribute<?>... attrs) throws IOException {
        return open(new Lane(context), platform(), path, options, executor, attrs);
    }

    static JaioAsynchronousFileChannel open(Lane lane, FileSystemProvider platform, Path path, Set<? extends OpenOption> options,
                                            ExecutorService executor, FileAttribute<?>... attrs) throws IOException {
        if (options.contains(StandardOpenOption.APPEND)) {
            throw new UnsupportedOperationException("APPEND not allowed");
        }
        return new JaioAsynchronousFileChannel(ChannelFile.open(platform, path, options, attrs), lane, executor);
    }

    private static FileSystemProvider platform() {
        FileSystemProvider p = FileSystems.getDefault().provider();
        return p instanceof JaioFileSystemProvider j ? j.platform() : p;
    }

    private static ExecutorService defaultExecutor() {
        ExecutorService e = defaultExecutor;
        if (e == null) {
            synchronized (JaioAsynchronousFileChannel.class) {
                e = defaultExecutor;
                if (e == null) {
                    defaultExecutor = e = Executors.newCachedThreadPool(r -> {
                        Thread t = new Thread(r, "jaio-afc-handler-" + THREADS.incrementAndGet());
                        t.setDaemon(true);
                        return t;
                    });
                }
            }
        }
        return e;
    }

    ExecutorService executor() {
        return executor;
    }

    /** The context this channel's operations run on. */
    IoContext context() {
        return lane.context();
    }

    HandlerRunner handlers() {
        return handlers;
    }

    String pathName() {
        return cf.pathName;
    }

    // ------------------------------------------------------------------ read, write

    @Override
    public Future<Integer> read(ByteBuffer dst, long position) {
        return transfer(true, dst, position, null, null);
    }

    @Override
    public <A> void read(ByteBuffer dst, long position, A attachment, CompletionHandler<Integer, ? super A> handler) {
        Objects.requireNonNull(handler, "handler");
        transfer(true, dst, position, attachment, handler);
    }

    @Override
    public Future<Integer> write(ByteBuffer src, long position) {
        return transfer(false, src, position, null, null);
    }

    @Override
    public <A> void write(ByteBuffer src, long position, A attachment, CompletionHandler<Integer, ? super A> handler) {
        Objects.requireNonNull(handler, "handler");
        transfer(false, src, position, attachment, handler);
    }

    private <A> AfcOp<A> transfer(boolean read, ByteBuffer buf, long position, A att, CompletionHandler<Integer, ? super A> handler) {
        Objects.requireNonNull(buf, read ? "dst" : "src");
        if (position < 0) {
            throw new IllegalArgumentException("Negative position");
        }
        if (read && !cf.reading) {
            throw new NonReadableChannelException();
        }
        if (!read && !cf.writing) {
            throw new NonWritableChannelException();
        }
        if (read && buf.isReadOnly()) {
            throw new IllegalArgumentException("Read-only buffer");
        }
        AfcOp<A> op = new AfcOp<>(this, read, buf, handler, att);
        if (closed) {
            op.fail(new ClosedChannelException());
            return op;
        }
        if (!buf.hasRemaining()) {
            op.succeed(0);
            return op;
        }
        if (read && JaioFileChannel.READ_NOW && buf.isDirect() && readNow(op, buf, position)) {
            return op;
        }
        Slot s = lane.acquire();
        if (read) {
            s.request.prepPread(cf.file, buf, position);
        } else {
            s.request.prepPwrite(cf.file, buf, position);
        }
        op.bind(s, s.take());
        s.outcome = op;
        s.operation = read ? "read" : "write";
        s.path = cf.pathName;
        if (handler != null) {
            handlers.expect(op);
        }
        try {
            lane.start(s);
        } catch (IllegalArgumentException | IllegalStateException e) {
            handlers.unexpect(op);
            if (closed || !cf.file.isOpen()) {
                op.fail(new ClosedChannelException());
            } else {
                throw e;
            }
        }
        return op;
    }

    /**
     * The fast path of a read: when the page cache holds all of it (or the end of the file is
     * at {@code position}), it is read at once on the calling thread ({@link jaio.IoFile#readNow})
     * and the operation completes with no request; otherwise (not cached, partly cached, an
     * error) false, and the read goes as a request.
     */
    private boolean readNow(AfcOp<?> op, ByteBuffer dst, long position) {
        long r = cf.file.readNow(dst, position);
        if (r == 0 || r == dst.remaining()) {
            op.finished(r);
            return true;
        }
        return false;
    }

    // ------------------------------------------------------------------ size, truncate, force

    @Override
    public long size() throws IOException {
        ensureOpen();
        return cf.file.size();
    }

    @Override
    public AsynchronousFileChannel truncate(long size) throws IOException {
        if (size < 0) {
            throw new IllegalArgumentException("Negative size");
        }
        if (!cf.writing) {
            throw new NonWritableChannelException();
        }
        ensureOpen();
        if (size < cf.file.size()) {
            cf.file.truncate(size);
        }
        return this;
    }

    @Override
    public void force(boolean metaData) throws IOException {
        ensureOpen();
        Blocking.sync(lane, cf, metaData ? Opcode.FSYNC : Opcode.FDSYNC);
    }

    // ------------------------------------------------------------------ locks

    @Override
    public <A> void lock(long position, long size, boolean shared, A attachment, CompletionHandler<FileLock, ? super A> handler) {
        Objects.requireNonNull(handler, "handler");
        CompletableFuture<FileLock> f = lock(position, size, shared);
        f.whenComplete((l, t) -> {
            Runnable r = t != null ? () -> handler.failed(unwrap(t), attachment) : () -> handler.completed(l, attachment);
            try {
                executor.execute(r);
            } catch (RejectedExecutionException shutDown) {
                r.run();
            }
        });
    }

    @Override
    public CompletableFuture<FileLock> lock(long position, long size, boolean shared) {
        checkLock(position, size, shared);
        if (closed) {
            return CompletableFuture.failedFuture(new ClosedChannelException());
        }
        FileLock now;
        try {
            now = tryLockNow(position, size, shared);
        } catch (IOException e) {
            now = null; // the waiting lock below reports it
        }
        if (now != null) {
            return CompletableFuture.completedFuture(now);
        }
        // Held by another process: wait for it on a thread of our own, which nobody interrupts.
        CompletableFuture<FileLock> f = new CompletableFuture<>();
        Thread.ofPlatform().daemon().name("jaio-afc-lock").start(() -> {
            try {
                f.complete(new JaioFileLock(this, cf.jdk.lock(position, size, shared)));
            } catch (ClosedChannelException e) {
                f.completeExceptionally(new AsynchronousCloseException());
            } catch (IOException | RuntimeException e) {
                f.completeExceptionally(e);
            }
        });
        return f;
    }

    @Override
    public FileLock tryLock(long position, long size, boolean shared) throws IOException {
        checkLock(position, size, shared);
        ensureOpen();
        return tryLockNow(position, size, shared);
    }

    private FileLock tryLockNow(long position, long size, boolean shared) throws IOException {
        FileLock l = cf.uninterrupted(jdk -> jdk.tryLock(position, size, shared));
        return l == null ? null : new JaioFileLock(this, l);
    }

    private void checkLock(long position, long size, boolean shared) {
        if (position < 0 || size < 0) {
            throw new IllegalArgumentException("Negative " + (position < 0 ? "position" : "size"));
        }
        if (shared && !cf.reading) {
            throw new NonReadableChannelException();
        }
        if (!shared && !cf.writing) {
            throw new NonWritableChannelException();
        }
    }

    private static Throwable unwrap(Throwable t) {
        return t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    }

    // ------------------------------------------------------------------ close

    @Override
    public boolean isOpen() {
        return !closed;
    }

    /**
     * Closes the channel: later operations fail with ClosedChannelException; those in flight
     * complete or fail with AsynchronousCloseException; its locks are released.
     */
    @Override
    public void close() throws IOException {
        if (!closed) {
            closed = true;
            cf.close();
        }
    }

    private void ensureOpen() throws ClosedChannelException {
        if (closed) {
            throw new ClosedChannelException();
        }
    }

    @Override
    public String toString() {
        return "JaioAsynchronousFileChannel[" + cf.pathName + ", " + lane.context().engine().shortName() + "]";
    }
}
