package jaio;

import java.lang.foreign.MemorySegment;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import jaio.core.CoreOp;
import jaio.engine.Sockets;
import jaio.spi.FileHandle;
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
 *
 * <p><b>Chains and barriers (P4).</b> Requests of one batch can be chained: after
 * {@link #link()} the next request of the batch starts only when this one ended well (result
 * not negative and, for a transfer, every byte moved: a transfer cut short by end of file or a
 * stream counts as failed); after {@link #hardLink()} it starts whatever the result. When a soft
 * link breaks, every later member completes with -ECANCELED unstarted. A
 * {@link #linkTimeout(Duration)} right after a linked request cancels it when its delay runs
 * out first. A {@link #barrier()} starts only after every request submitted before it has
 * ended, and nothing submitted after it starts before it has ended. Each member yields one
 * event, in chain order. A chain is accepted or refused whole (an invalid member, or a chain
 * longer than the capacity, refuses it at submission). A member waiting for its turn that is
 * cancelled ends with -ECANCELED in its place. Link mode and barrier are kept when the request
 * is prepared again, like its flags. The semantics are the same on every engine: jaio's chain
 * runner hands each member to the engine when the one before it has ended, so a short
 * transfer is still continued (E4) before the chain looks at its result.
 */
public final class Request {
    final RequestOp op = new RequestOp(this);
    private final LastSegment last = new LastSegment();

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

    /**
     * A link timeout (P4), right after the request linked to it, which is cancelled when
     * {@code delay} runs out first. Its event follows that request's: -ETIME when it fired,
     * else -ECANCELED (the kernel's convention). The guarded request's result and link mode
     * decide whether the chain goes on; link the timeout itself to continue the chain past it.
     */
    public static Request linkTimeout(Duration delay) {
        return new Request().prepLinkTimeout(delay);
    }

    /** Completes once {@code socket} is ready for any of {@code events}; the result is the ready mask (O4). */
    public static Request poll(IoSocket socket, int events) {
        return new Request().prepPoll(socket, events);
    }

    // ------------------------------------------------------------------ sockets (O5)

    /**
     * Accepts a connection on a listening socket. The result is the new descriptor's number
     * (or -errno); {@link Event#acceptedSocket()} hands over the new socket, which the library
     * owns until then (it is closed when this request is submitted again without it being
     * taken, or when the context closes).
     */
    public static Request accept(IoSocket listener) {
        return new Request().prepSocket(Opcode.ACCEPT, listener);
    }

    /**
     * Connects {@code socket} to {@code remote}; result 0, or -ECONNREFUSED, -ETIMEDOUT,
     * -ENETUNREACH ...
     *
     * @throws IllegalArgumentException when the address does not suit the socket's family
     */
    public static Request connect(IoSocket socket, SocketAddress remote) {
        return new Request().prepConnect(socket, remote);
    }

    /** Receives into {@code dst} what the socket has (at least one byte); 0 at end of stream. */
    public static Request recv(IoSocket socket, ByteBuffer dst) {
        return new Request().prepSocketData(Opcode.RECV, socket, MemorySegment.ofBuffer(Objects.requireNonNull(dst, "Request.recv: dst")), dst);
    }

    /** Receives into {@code dst} what the socket has (at least one byte); 0 at end of stream. */
    public static Request recv(IoSocket socket, MemorySegment dst) {
        return new Request().prepSocketData(Opcode.RECV, socket, Objects.requireNonNull(dst, "Request.recv: dst"), dst);
    }

    /**
     * Sends all of {@code src} (continued across short sends), or with
     * {@link RequestFlag#PARTIAL} what one send takes. An error after some bytes went is
     * reported with those bytes in {@link Event#result2()}.
     */
    public static Request send(IoSocket socket, ByteBuffer src) {
        return new Request().prepSocketData(Opcode.SEND, socket, MemorySegment.ofBuffer(Objects.requireNonNull(src, "Request.send: src")), src);
    }

    /** Sends all of {@code src}, as {@link #send(IoSocket, ByteBuffer)}. */
    public static Request send(IoSocket socket, MemorySegment src) {
        return new Request().prepSocketData(Opcode.SEND, socket, Objects.requireNonNull(src, "Request.send: src"), src);
    }

    /** Receives into several buffers, filling each in turn, what the socket has (recvmsg). */
    public static Request recvmsg(IoSocket socket, ByteBuffer[] dsts) {
        return new Request().prepSocketVector(Opcode.RECVMSG, socket, Args.segments(dsts), dsts);
    }

    /** Receives into several segments, filling each in turn, what the socket has (recvmsg). */
    public static Request recvmsg(IoSocket socket, MemorySegment[] dsts) {
        return new Request().prepSocketVector(Opcode.RECVMSG, socket, Args.checked(dsts), null);
    }

    /** Sends several buffers, one after another, all of them unless flagged PARTIAL (sendmsg). */
    public static Request sendmsg(IoSocket socket, ByteBuffer[] srcs) {
        return new Request().prepSocketVector(Opcode.SENDMSG, socket, Args.segments(srcs), srcs);
    }

    /** Sends several segments, one after another, all of them unless flagged PARTIAL (sendmsg). */
    public static Request sendmsg(IoSocket socket, MemorySegment[] srcs) {
        return new Request().prepSocketVector(Opcode.SENDMSG, socket, Args.checked(srcs), null);
    }

    /**
     * Shuts down the input, the output or both of a connected socket; result 0, or -ENOTCONN.
     * The peer reads end of stream after the output is shut down (a half-close).
     */
    public static Request shutdown(IoSocket socket, boolean input, boolean output) {
        if (!input && !output) {
            throw new IllegalArgumentException("shutdown of neither direction");
        }
        Request r = new Request().prepSocket(Opcode.SHUTDOWN, socket);
        r.op.how = input && output ? Sockets.SHUT_RDWR : input ? Sockets.SHUT_RD : Sockets.SHUT_WR;
        return r;
    }

    /**
     * Closes {@code socket} as a request: the socket is closed for new requests when this one
     * is submitted, the requests in flight on it are cancelled, and the descriptor is closed
     * once the last of them ended (by the kernel's IORING_OP_CLOSE on io_uring when this
     * request is the last user); result 0.
     */
    public static Request close(IoSocket socket) {
        return new Request().prepSocket(Opcode.CLOSE, socket);
    }

    /**
     * Sends {@code count} bytes of {@code file} from {@code offset} (64-bit) to {@code socket}
     * (O6), continued until all is sent, end of file (then the result is what was sent) or an
     * error (-errno, what was sent in {@link Event#result2()}); zero copy from the page cache,
     * as the capability report says per engine.
     */
    public static Request sendfile(IoFile file, long offset, long count, IoSocket socket) {
        return new Request().prepSendfile(file, offset, count, socket);
    }

    // ------------------------------------------------------------------ re-preparing

    public Request prepSendfile(IoFile file, long offset, long count, IoSocket socket) {
        Objects.requireNonNull(file, "Request.sendfile: file");
        Objects.requireNonNull(socket, "Request.sendfile: socket");
        ensureIdle();
        op.clearBuffers();
        op.opcode = Opcode.SENDFILE;
        op.file = socket.handle;
        op.file2 = file.handle;
        op.offset = offset;
        op.length = count;
        op.address = null;
        return this;
    }

    public Request prepPread(IoFile file, ByteBuffer dst, long offset) {
        return prepData(Opcode.PREAD, file, last.of(Objects.requireNonNull(dst, "Request.pread: dst")), dst, offset);
    }

    public Request prepPread(IoFile file, MemorySegment dst, long offset) {
        return prepData(Opcode.PREAD, file, Objects.requireNonNull(dst, "Request.pread: dst"), dst, offset);
    }

    public Request prepPwrite(IoFile file, ByteBuffer src, long offset) {
        return prepData(Opcode.PWRITE, file, last.of(Objects.requireNonNull(src, "Request.pwrite: src")), src, offset);
    }

    public Request prepPwrite(IoFile file, MemorySegment src, long offset) {
        return prepData(Opcode.PWRITE, file, Objects.requireNonNull(src, "Request.pwrite: src"), src, offset);
    }

    public Request prepPreadv(IoFile file, ByteBuffer[] dsts, long offset) {
        return prepVector(Opcode.PREADV, file, Args.segments(dsts), dsts, offset);
    }

    public Request prepPreadv(IoFile file, MemorySegment[] dsts, long offset) {
        return prepVector(Opcode.PREADV, file, Args.checked(dsts), null, offset);
    }

    public Request prepPwritev(IoFile file, ByteBuffer[] srcs, long offset) {
        return prepVector(Opcode.PWRITEV, file, Args.segments(srcs), srcs, offset);
    }

    public Request prepPwritev(IoFile file, MemorySegment[] srcs, long offset) {
        return prepVector(Opcode.PWRITEV, file, Args.checked(srcs), null, offset);
    }

    public Request prepSync(Opcode fsyncOrFdsync, IoFile file) {
        if (fsyncOrFdsync != Opcode.FSYNC && fsyncOrFdsync != Opcode.FDSYNC) {
            throw new IllegalArgumentException("prepSync takes FSYNC or FDSYNC, not " + fsyncOrFdsync);
        }
        bufferless(fsyncOrFdsync, Objects.requireNonNull(file, "Request.fsync/fdsync: file").handle);
        return this;
    }

    public Request prepNoop() {
        bufferless(Opcode.NOOP, null);
        return this;
    }

    public Request prepTimeout(Duration delay, int count) {
        Objects.requireNonNull(delay, "Request.timeout: delay");
        bufferless(Opcode.TIMEOUT, null).timeoutNanos = Args.saturatedNanos(delay);
        op.timeoutCount = count;
        return this;
    }

    public Request prepLinkTimeout(Duration delay) {
        Objects.requireNonNull(delay, "Request.linkTimeout: delay");
        bufferless(Opcode.LINK_TIMEOUT, null).timeoutNanos = Args.saturatedNanos(delay);
        return this;
    }

    public Request prepPoll(IoFile file, int events) {
        bufferless(Opcode.POLL, Objects.requireNonNull(file, "Request.poll: file").handle).pollEvents = events;
        return this;
    }

    public Request prepPoll(IoSocket socket, int events) {
        bufferless(Opcode.POLL, Objects.requireNonNull(socket, "Request.poll: socket").handle).pollEvents = events;
        return this;
    }

    /** An opcode that moves no bytes, on {@code h} (or none): the op, for the opcode's own fields. */
    private RequestOp bufferless(Opcode code, FileHandle h) {
        ensureIdle();
        op.clearBuffers();
        op.opcode = code;
        op.file = h;
        op.offset = 0;
        return op;
    }

    /** Prepares ACCEPT, SHUTDOWN (both directions) or CLOSE on {@code socket}. */
    public Request prepSocket(Opcode acceptShutdownOrClose, IoSocket socket) {
        if (acceptShutdownOrClose != Opcode.ACCEPT && acceptShutdownOrClose != Opcode.SHUTDOWN
                && acceptShutdownOrClose != Opcode.CLOSE) {
            throw new IllegalArgumentException("prepSocket takes ACCEPT, SHUTDOWN or CLOSE, not " + acceptShutdownOrClose);
        }
        bufferless(acceptShutdownOrClose, Objects.requireNonNull(socket, "Request.accept/shutdown/close: socket").handle)
                .how = Sockets.SHUT_RDWR;
        op.address = null;
        return this;
    }

    public Request prepConnect(IoSocket socket, SocketAddress remote) {
        Objects.requireNonNull(socket, "Request.connect: socket");
        MemorySegment a = socket.encode(Objects.requireNonNull(remote, "Request.connect: remote"));
        ensureIdle();
        op.clearBuffers();
        op.opcode = Opcode.CONNECT;
        op.file = socket.handle;
        op.offset = 0;
        op.address = a;
        op.addressLength = (int) a.byteSize();
        return this;
    }

    /** Prepares RECV or SEND of one buffer. */
    public Request prepSocketData(Opcode recvOrSend, IoSocket socket, ByteBuffer buf) {
        return prepSocketData(recvOrSend, socket, MemorySegment.ofBuffer(Objects.requireNonNull(buf, "Request.recv/send: buffer")), buf);
    }

    /** Prepares RECV or SEND of one segment. */
    public Request prepSocketData(Opcode recvOrSend, IoSocket socket, MemorySegment seg) {
        return prepSocketData(recvOrSend, socket, Objects.requireNonNull(seg, "Request.recv/send: segment"), seg);
    }

    private Request prepSocketData(Opcode code, IoSocket socket, MemorySegment seg, Object keep) {
        if (code != Opcode.RECV && code != Opcode.SEND) {
            throw new IllegalArgumentException("takes RECV or SEND, not " + code);
        }
        ensureIdle();
        op.opcode = code;
        op.file = Objects.requireNonNull(socket, "Request.recv/send: socket").handle;
        op.setSingle(seg, keep);
        op.offset = 0;
        op.address = null;
        return this;
    }

    private Request prepSocketVector(Opcode code, IoSocket socket, MemorySegment[] segs, Object[] keep) {
        ensureIdle();
        op.opcode = code;
        op.file = Objects.requireNonNull(socket, "Request.recv/send: socket").handle;
        op.setVector(segs, keep);
        op.offset = 0;
        op.address = null;
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

    /** Links this request to the next one of its batch (P4, IOSQE_IO_LINK): see the class comment. */
    public Request link() {
        ensureIdle();
        op.linkMode = Op.LINK_SOFT;
        return this;
    }

    /** Links this request to the next one of its batch whatever its result (P4, IOSQE_IO_HARDLINK). */
    public Request hardLink() {
        ensureIdle();
        op.linkMode = Op.LINK_HARD;
        return this;
    }

    /** Ends the chain at this request: it is linked to nothing. */
    public Request unlink() {
        ensureIdle();
        op.linkMode = Op.LINK_NONE;
        return this;
    }

    /**
     * Makes this request a barrier (P4, IOSQE_IO_DRAIN), or ({@code false}) an ordinary one
     * again: a barrier starts only after everything submitted to the context before it has
     * ended, and what is submitted after it waits until it has ended. It may head a chain.
     */
    public Request barrier(boolean on) {
        ensureIdle();
        op.barrier = on;
        return this;
    }

    /** {@code barrier(true)}. */
    public Request barrier() {
        return barrier(true);
    }

    /** Whether this request is linked to the next one of its batch (softly or hard). */
    public boolean isLinked() {
        return op.linkMode != Op.LINK_NONE;
    }

    /** Whether this request is hard-linked to the next one. */
    public boolean isHardLinked() {
        return op.linkMode == Op.LINK_HARD;
    }

    /** Whether this request is a barrier. */
    public boolean isBarrier() {
        return op.barrier;
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
        return Args.describe(op);
    }
}
