package jaio;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import jaio.core.CoreOp;
import jaio.spi.Op;

/**
 * One I/O request, prepared by one thread at a time (not thread safe: hand it over safely;
 * submission publishes it to the engine): like a kernel iocb, what to do, on which file,
 * with which memory, plus the caller's user data, priority, flags and callback.
 *
 * <p>Build one with a static factory ({@link #pread(IoFile, ByteBuffer, long)} and so on),
 * submit it with {@link IoContext#submit}, and reap its {@link Event}. Once its event is
 * reaped the same object may be prepared again ({@code prepPread}, {@link #offset(long)} ...)
 * and resubmitted, so a steady loop allocates nothing. Changing a request while it is in
 * flight throws {@link IllegalStateException}.
 *
 * <p><b>Buffers.</b> A {@code ByteBuffer} contributes the bytes between its position and limit
 * at the time the request is prepared; jaio never moves the buffer's position or limit. A
 * {@code MemorySegment} contributes all its bytes. While in flight, the library keeps the
 * buffer reachable. Which memory is used in place and which is copied through library memory
 * depends on the engine: direct buffers, jaio's {@link IoBuffers} and segments of the global
 * or automatic arenas are used in place everywhere; heap memory and segments of arenas the
 * caller may close are copied for the kernel engines, so that closing an arena early can never
 * let the kernel write into freed memory. A confined arena's segment cannot be read into
 * (another thread completes the read); it is refused at submission.
 *
 * <p>Arguments are checked when the request is submitted (C2), so a bad request is
 * reported with the context's engine in mind; the factories only reject nulls.
 */
public final class Request {
    final RequestOp op = new RequestOp(this);

    private Request() {}

    // ------------------------------------------------------------------ factories

    /** Read {@code dst.remaining()} bytes of {@code file} at {@code offset} into dst (O1). */
    public static Request pread(IoFile file, ByteBuffer dst, long offset) {
        return new Request().prepPread(file, dst, offset);
    }

    /** Read {@code dst.byteSize()} bytes of {@code file} at {@code offset} into dst (O1). */
    public static Request pread(IoFile file, MemorySegment dst, long offset) {
        return new Request().prepPread(file, dst, offset);
    }

    /** Write {@code src.remaining()} bytes at {@code offset} of {@code file} (O1). */
    public static Request pwrite(IoFile file, ByteBuffer src, long offset) {
        return new Request().prepPwrite(file, src, offset);
    }

    /** Write {@code src.byteSize()} bytes at {@code offset} of {@code file} (O1). */
    public static Request pwrite(IoFile file, MemorySegment src, long offset) {
        return new Request().prepPwrite(file, src, offset);
    }

    /** Read from {@code offset} into several buffers, filling each in turn (O2). */
    public static Request preadv(IoFile file, ByteBuffer[] dsts, long offset) {
        return new Request().prepPreadv(file, dsts, offset);
    }

    /** Read from {@code offset} into several segments, filling each in turn (O2). */
    public static Request preadv(IoFile file, MemorySegment[] dsts, long offset) {
        return new Request().prepPreadv(file, dsts, offset);
    }

    /** Write several buffers, one after another, at {@code offset} (O2). */
    public static Request pwritev(IoFile file, ByteBuffer[] srcs, long offset) {
        return new Request().prepPwritev(file, srcs, offset);
    }

    /** Write several segments, one after another, at {@code offset} (O2). */
    public static Request pwritev(IoFile file, MemorySegment[] srcs, long offset) {
        return new Request().prepPwritev(file, srcs, offset);
    }

    /** Flush the file's data and metadata to stable storage (O3, aio_fsync O_SYNC). */
    public static Request fsync(IoFile file) {
        return new Request().prepSync(Opcode.FSYNC, file);
    }

    /** Flush the file's data to stable storage (O3, aio_fsync O_DSYNC). */
    public static Request fdsync(IoFile file) {
        return new Request().prepSync(Opcode.FDSYNC, file);
    }

    /** Completes at once with result 0 (O7). */
    public static Request noop() {
        return new Request().prepNoop();
    }

    /**
     * Completes after {@code delay} with -ETIME, or earlier with result 0 once {@code count}
     * other requests of the context have completed; count 0 means the delay alone (O7).
     */
    public static Request timeout(Duration delay, int count) {
        return new Request().prepTimeout(delay, count);
    }

    /**
     * Completes once {@code file} (a pipe, socket or eventfd) is ready for any of
     * {@code events} ({@link Poll#IN}, {@link Poll#OUT} ...); the result is the ready mask (O4).
     */
    public static Request poll(IoFile file, int events) {
        return new Request().prepPoll(file, events);
    }

    // ------------------------------------------------------------------ re-preparing

    public Request prepPread(IoFile file, ByteBuffer dst, long offset) {
        return prepData(Opcode.PREAD, file, MemorySegment.ofBuffer(Objects.requireNonNull(dst, "Request.pread: dst")), dst, offset);
    }

    public Request prepPread(IoFile file, MemorySegment dst, long offset) {
        return prepData(Opcode.PREAD, file, Objects.requireNonNull(dst, "Request.pread: dst"), dst, offset);
    }

    public Request prepPwrite(IoFile file, ByteBuffer src, long offset) {
        return prepData(Opcode.PWRITE, file, MemorySegment.ofBuffer(Objects.requireNonNull(src, "Request.pwrite: src")), src, offset);
    }

    public Request prepPwrite(IoFile file, MemorySegment src, long offset) {
        return prepData(Opcode.PWRITE, file, Objects.requireNonNull(src, "Request.pwrite: src"), src, offset);
    }

    public Request prepPreadv(IoFile file, ByteBuffer[] dsts, long offset) {
        return prepVector(Opcode.PREADV, file, segments(dsts), dsts, offset);
    }

    public Request prepPreadv(IoFile file, MemorySegment[] dsts, long offset) {
        return prepVector(Opcode.PREADV, file, checked(dsts), null, offset);
    }

    public Request prepPwritev(IoFile file, ByteBuffer[] srcs, long offset) {
        return prepVector(Opcode.PWRITEV, file, segments(srcs), srcs, offset);
    }

    public Request prepPwritev(IoFile file, MemorySegment[] srcs, long offset) {
        return prepVector(Opcode.PWRITEV, file, checked(srcs), null, offset);
    }

    public Request prepSync(Opcode fsyncOrFdsync, IoFile file) {
        if (fsyncOrFdsync != Opcode.FSYNC && fsyncOrFdsync != Opcode.FDSYNC) {
            throw new IllegalArgumentException("prepSync takes FSYNC or FDSYNC, not " + fsyncOrFdsync);
        }
        ensureIdle();
        op.clearBuffers();
        op.opcode = fsyncOrFdsync;
        op.file = Objects.requireNonNull(file, "Request.fsync/fdsync: file").handle;
        op.offset = 0;
        return this;
    }

    public Request prepNoop() {
        ensureIdle();
        op.clearBuffers();
        op.opcode = Opcode.NOOP;
        op.file = null;
        op.offset = 0;
        return this;
    }

    public Request prepTimeout(Duration delay, int count) {
        Objects.requireNonNull(delay, "Request.timeout: delay");
        ensureIdle();
        op.clearBuffers();
        op.opcode = Opcode.TIMEOUT;
        op.file = null;
        op.offset = 0;
        op.timeoutNanos = saturatedNanos(delay);
        op.timeoutCount = count;
        return this;
    }

    public Request prepPoll(IoFile file, int events) {
        ensureIdle();
        op.clearBuffers();
        op.opcode = Opcode.POLL;
        op.file = Objects.requireNonNull(file, "Request.poll: file").handle;
        op.offset = 0;
        op.pollEvents = events;
        return this;
    }

    private Request prepData(Opcode code, IoFile file, MemorySegment seg, Object keep, long offset) {
        if (file == null) {
            throw new NullPointerException("Request." + code.name().toLowerCase(Locale.ROOT) + ": file");
        }
        ensureIdle();
        op.opcode = code;
        op.file = file.handle;
        op.setSingle(seg, keep);
        op.offset = offset;
        return this;
    }

    private Request prepVector(Opcode code, IoFile file, MemorySegment[] segs, Object[] keep, long offset) {
        if (file == null) {
            throw new NullPointerException("Request." + code.name().toLowerCase(Locale.ROOT) + ": file");
        }
        ensureIdle();
        op.opcode = code;
        op.file = file.handle;
        op.setVector(segs, keep);
        op.offset = offset;
        return this;
    }

    private static MemorySegment[] segments(ByteBuffer[] bufs) {
        Objects.requireNonNull(bufs, "Request.preadv/pwritev: buffers");
        MemorySegment[] s = new MemorySegment[bufs.length];
        for (int i = 0; i < bufs.length; i++) {
            if (bufs[i] == null) {
                throw new NullPointerException("Request.preadv/pwritev: buffers[" + i + "]");
            }
            s[i] = MemorySegment.ofBuffer(bufs[i]);
        }
        return s;
    }

    private static MemorySegment[] checked(MemorySegment[] segs) {
        Objects.requireNonNull(segs, "Request.preadv/pwritev: segments");
        for (int i = 0; i < segs.length; i++) {
            if (segs[i] == null) {
                throw new NullPointerException("Request.preadv/pwritev: segments[" + i + "]");
            }
        }
        return segs;
    }

    private static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException e) {
            return d.isNegative() ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
    }

    // ------------------------------------------------------------------ properties

    /** Moves a data request to another file offset (the buffers stay). */
    public Request offset(long offset) {
        ensureIdle();
        op.offset = offset;
        return this;
    }

    /** A word of the caller's, returned in the event (like iocb's aio_data). */
    public Request userData(long userData) {
        ensureIdle();
        op.userData = userData;
        return this;
    }

    /** An object of the caller's, returned in the event. */
    public Request attachment(Object attachment) {
        ensureIdle();
        op.attachment = attachment;
        return this;
    }

    /**
     * Priority from 0 (the default, lowest) to 7 (highest). Among events ready at the same
     * time, higher priorities are reaped first (P2); engines that can pass an I/O priority to
     * the kernel use best-effort class level {@code 7 - priority} for non-zero values (P1).
     *
     * @throws IllegalArgumentException outside 0..7
     */
    public Request priority(int priority) {
        if (priority < 0 || priority > Op.MAX_PRIORITY) {
            throw new IllegalArgumentException("priority must be 0..7, was " + priority);
        }
        ensureIdle();
        op.priority = priority;
        return this;
    }

    /** Replaces the request's flags (O8). An engine lacking one refuses the request at submission. */
    public Request flags(RequestFlag... flags) {
        ensureIdle();
        int bits = 0;
        for (RequestFlag f : flags) {
            bits |= f.bit();
        }
        op.flags = bits;
        return this;
    }

    /** Adds one flag. */
    public Request flag(RequestFlag flag) {
        ensureIdle();
        op.flags |= flag.bit();
        return this;
    }

    /**
     * Code to run when the event is reaped (C10), on the reaping thread or, for a self-reaping
     * context, where it runs callbacks; null for none (which a self-reaping context refuses).
     */
    public Request callback(CompletionCallback callback) {
        ensureIdle();
        op.callback = callback;
        return this;
    }

    public Opcode opcode() {
        return op.opcode;
    }

    /** File offset of a data request. */
    public long offset() {
        return op.offset;
    }

    /** Total bytes a data request transfers. */
    public long length() {
        return op.length;
    }

    public long userData() {
        return op.userData;
    }

    public Object attachment() {
        return op.attachment;
    }

    public int priority() {
        return op.priority;
    }

    /** Whether a flag is set. */
    public boolean hasFlag(RequestFlag flag) {
        return (op.flags & flag.bit()) != 0;
    }

    /** Whether the request was accepted and its event not yet reaped. */
    public boolean isInFlight() {
        return op.state() != CoreOp.IDLE;
    }

    private void ensureIdle() {
        if (op.state() != CoreOp.IDLE) {
            throw new IllegalStateException("request " + this + " is in flight; change it after its event is reaped");
        }
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        b.append(op.opcode == null ? "EMPTY" : op.opcode.name()).append("(");
        if (op.file != null) {
            b.append(op.file.name()).append(", ");
        }
        if (op.segCount > 0) {
            b.append("offset=").append(op.offset).append(", length=").append(op.length).append(", ");
        }
        b.append("userData=").append(op.userData).append(")");
        return b.toString();
    }
}
