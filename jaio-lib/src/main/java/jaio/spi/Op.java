package jaio.spi;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import jaio.Opcode;
import jaio.RequestFlag;

/**
 * One request as an engine sees it: what to do, on which descriptors and memory, and where
 * its iterations stand. The context owns the rest of the request's state (its place in the
 * completion queue, its owner, its life-cycle) in a subclass the engines never see.
 *
 * <p>Threading: the description fields are written by the submitting thread while the op is
 * not in flight, and read by the engine after submission; the engine's hand-off (a lock or a
 * volatile write) publishes them. The progress fields belong to whichever thread runs the
 * current iteration: only one iteration runs at a time (E4), and each hand-off between
 * iterations goes through a lock or a volatile write. The cancel word is a CAS-guarded
 * volatile: the cancelling thread and the thread running the next iteration settle through
 * it which of them decides how the op ends (see {@link #takeCancel}).
 */
public class Op {
    /** Cancel word: nobody asked to cancel this submission. */
    public static final int CANCEL_NONE = 0;
    /** Cancel word: a cancel was asked; the op may still end by it or run to its end. */
    public static final int CANCEL_REQUESTED = 1;
    /** Cancel word: the op ends by the cancel, with -ECANCELED (an engine or the retry took it). */
    public static final int CANCEL_TAKEN = 2;
    /** Cancel word: the canceller stopped waiting and answered NOT_CANCELED; the op runs to its end. */
    public static final int CANCEL_DECLINED = 3;

    private static final VarHandle CANCEL;

    static {
        try {
            CANCEL = MethodHandles.lookup().findVarHandle(Op.class, "cancelState", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Highest delivery priority; 0 is the default and the lowest. */
    public static final int MAX_PRIORITY = 7;

    /** {@link #linkMode}: the op is not linked to the next one. */
    public static final int LINK_NONE = 0;
    /** {@link #linkMode}: the next op starts only when this one ended well (a soft link). */
    public static final int LINK_SOFT = 1;
    /** {@link #linkMode}: the next op starts when this one ended, whatever its result. */
    public static final int LINK_HARD = 2;

    // ---- description: set while the op is not in flight ----

    public Opcode opcode;
    /** The descriptor the op works on (a file, pipe end, eventfd or socket), or null. */
    public FileHandle file;
    /**
     * A second descriptor, or null. SENDFILE: the regular file sent ({@link #file} is the
     * socket, so that everything a socket request needs, readiness and close, applies).
     */
    public FileHandle file2;
    /** The user's memory, one segment per buffer; only the first {@link #segCount} are used. */
    public MemorySegment[] segs = new MemorySegment[1];
    public int segCount;
    /** User objects kept reachable while in flight (the ByteBuffers behind the segments). */
    public Object[] keep = new Object[1];
    /** {@link Memory} kind of each segment, computed when the buffers are set. */
    public byte[] kinds = new byte[1];
    public long offset;
    /** The second descriptor's offset (splice, sendfile), or -1 for its current position. */
    public long offset2 = -1;
    /** Total bytes of the segments, or of the transfer for ops without memory (sendfile). */
    public long length;
    /** The caller's word, returned in the event; engines use it only in messages. */
    public long userData;
    public int priority;
    /** Bits of {@link jaio.RequestFlag}. */
    public int flags;
    /** Socket operations: the MSG_* flags of send(2) and recv(2). */
    public int msgFlags;
    /** Socket operations: a socket address in native memory (connect, sendto), or null. */
    public MemorySegment address;
    /** Socket operations: the length of {@link #address}'s socket address. */
    public int addressLength;
    /** SHUTDOWN: SHUT_RD, SHUT_WR or SHUT_RDWR. */
    public int how;
    /** POLL: the poll(2) event mask. */
    public int pollEvents;
    /** TIMEOUT: the delay in nanoseconds. */
    public long timeoutNanos;
    /** TIMEOUT: complete after this many other completions (0: only the delay counts). */
    public int timeoutCount;
    /** The next op of a chain, started when this one ended (see {@link #linkMode}), or null. */
    public Op link;
    /** How this op is linked to {@link #link}: LINK_NONE, LINK_SOFT or LINK_HARD. */
    public int linkMode;

    // ---- per submission ----

    /**
     * The memory engines use: {@link #segs} itself, or library bounce memory when the user's
     * memory cannot be handed to the engine directly. Same length as segs.
     */
    public MemorySegment[] ioSegs;
    /** ByteBuffer views of ioSegs for engines that need them, built lazily. */
    private ByteBuffer[] views;
    private MemorySegment[] viewsOf;

    /** Bytes transferred so far (E4). */
    public long done;
    /** Iterations run so far. */
    public int iterations;
    /** Iterations in a row that made no progress. */
    public int stalls;
    /** The cancel word: CANCEL_NONE, _REQUESTED, _TAKEN or _DECLINED; through CANCEL. */
    @SuppressWarnings("unused")
    private volatile int cancelState;
    /** Final result: bytes, or -errno. */
    public long result;
    /** Second result word: for errors after partial progress, the bytes transferred. */
    public long result2;
    /**
     * ACCEPT: the accepted connection, made a library-owned descriptor by the op's finishing
     * hook before the event is posted; null until then, and once the user took it.
     */
    public FileHandle accepted;

    // ---- the descriptor's list of ops in flight on it (sockets: see FileHandle#track) ----

    Op fnext;
    Op fprev;

    // ---- engine scratch: owned by the engine while the op is in flight ----

    public Op enext;
    public Op eprev;
    /** The engine's slot for this op (its index in the engine's table), or -1. */
    public int slot = -1;
    public Object engineData;
    public long engineWord;
    public int engineState;

    /** Sets a single user segment (PREAD, PWRITE). */
    public final void setSingle(MemorySegment seg, Object keepAlive) {
        clearBuffers();
        segs[0] = seg;
        keep[0] = keepAlive;
        kinds[0] = Memory.classify(seg);
        segCount = 1;
        length = seg.byteSize();
    }

    /** Sets several user segments (PREADV, PWRITEV). */
    public final void setVector(MemorySegment[] s, Object[] keepAlive) {
        clearBuffers();
        if (segs.length < s.length) {
            segs = new MemorySegment[s.length];
            keep = new Object[s.length];
            kinds = new byte[s.length];
        }
        long total = 0;
        for (int i = 0; i < s.length; i++) {
            segs[i] = s[i];
            keep[i] = keepAlive == null ? null : keepAlive[i];
            kinds[i] = Memory.classify(s[i]);
            total += s[i].byteSize();
        }
        segCount = s.length;
        length = total;
    }

    /** Drops every buffer reference (opcodes without data). */
    public final void clearBuffers() {
        for (int i = 0; i < segCount; i++) {
            segs[i] = null;
            keep[i] = null;
        }
        segCount = 0;
        length = 0;
        views = null;
        viewsOf = null;
    }

    /** Whether this opcode moves data from memory to the file (PWRITE, PWRITEV). */
    public final boolean isWrite() {
        return opcode == Opcode.PWRITE || opcode == Opcode.PWRITEV;
    }

    /** Whether this opcode moves data from the file to memory (PREAD, PREADV). */
    public final boolean isRead() {
        return opcode == Opcode.PREAD || opcode == Opcode.PREADV;
    }

    /** Whether this opcode receives from a socket into memory (RECV, RECVMSG). */
    public final boolean isRecv() {
        return opcode == Opcode.RECV || opcode == Opcode.RECVMSG;
    }

    /** Whether this opcode sends memory to a socket (SEND, SENDMSG). */
    public final boolean isSend() {
        return opcode == Opcode.SEND || opcode == Opcode.SENDMSG;
    }

    /** Whether this op transfers data (and so takes part in short-transfer retry). */
    public final boolean isTransfer() {
        return isRead() || isWrite() || isRecv() || isSend() || opcode == Opcode.SENDFILE;
    }

    /**
     * Whether the transfer ends with whatever one iteration moved: a receive, and a read of a
     * stream (a pipe, FIFO, socket, eventfd or device), which gives what is there as read(2)
     * does, and a send flagged PARTIAL. Only regular files and block devices are continued
     * to the full length (and sends, which by default send everything).
     */
    public final boolean takesWhatIsThere() {
        return isRecv() || (isRead() && file.kind() != FileHandle.Kind.FILE)
                || (isSend() && (flags & RequestFlag.PARTIAL.bit()) != 0);
    }

    /** The file offset where the next iteration starts. */
    public final long nextOffset() {
        return offset + done;
    }

    /** Bytes left to transfer. */
    public final long remaining() {
        return length - done;
    }

    /**
     * A ByteBuffer view of {@code ioSegs[i]}, positioned at 0 with the segment's size as its
     * limit. Built once per buffer set and reused across submissions. The caller positions it.
     */
    public final ByteBuffer view(int i) {
        if (views == null || viewsOf != ioSegs || views.length < segCount) {
            views = new ByteBuffer[segCount];
            viewsOf = ioSegs;
        }
        ByteBuffer v = views[i];
        if (v == null || v.capacity() != ioSegs[i].byteSize()) {
            v = ioSegs[i].asByteBuffer();
            views[i] = v;
        }
        return v;
    }

    /** Forgets the cached views (the memory behind ioSegs changed). */
    public final void invalidateViews() {
        views = null;
        viewsOf = null;
    }

    /** Resets progress and engine scratch for a new submission. */
    public void resetProgress() {
        done = 0;
        iterations = 0;
        stalls = 0;
        cancelState = CANCEL_NONE;
        result = 0;
        result2 = 0;
        slot = -1;
        enext = null;
        eprev = null;
        engineData = null;
        engineWord = 0;
        engineState = 0;
        accepted = null;
    }

    /** Whether a cancel asks this op to stop (requested or taken, not declined). */
    public final boolean cancelRequested() {
        int s = cancelState;
        return s == CANCEL_REQUESTED || s == CANCEL_TAKEN;
    }

    /** The cancel word (CANCEL_NONE ... CANCEL_DECLINED). */
    public final int cancelState() {
        return cancelState;
    }

    /**
     * Asks the op to stop at its next iteration; false when a cancel is asked or taken already.
     * A cancel declined before (its canceller answered NOT_CANCELED and is gone) does not stop
     * a new one: otherwise an op whose first cancel came at a moment no engine could act on
     * (between a non-blocking attempt and its wait in the kernel) could never be cancelled.
     */
    public final boolean requestCancel() {
        return CANCEL.compareAndSet(this, CANCEL_NONE, CANCEL_REQUESTED)
                || CANCEL.compareAndSet(this, CANCEL_DECLINED, CANCEL_REQUESTED);
    }

    /**
     * Called by whoever would end the op because of a cancel (the retry between iterations,
     * an engine that stopped it): true when a cancel is asked and the op must now end with
     * -ECANCELED; false when none was asked or the canceller already answered NOT_CANCELED,
     * and the op goes on. Once true, the op's event is -ECANCELED, so the canceller may
     * answer CANCELED.
     */
    public final boolean takeCancel() {
        int s = cancelState;
        return s == CANCEL_TAKEN || (s == CANCEL_REQUESTED && CANCEL.compareAndSet(this, CANCEL_REQUESTED, CANCEL_TAKEN));
    }

    /**
     * For the canceller that stops waiting: true when nobody took the cancel, which is now
     * declined (the op runs to its end); false when it was taken (the op ends -ECANCELED).
     */
    public final boolean declineCancel() {
        return CANCEL.compareAndSet(this, CANCEL_REQUESTED, CANCEL_DECLINED);
    }

    /** Ends the op by a cancel whatever was asked (close, and the engine's own queue removal). */
    public final void forceCancel() {
        cancelState = CANCEL_TAKEN;
    }

    @Override
    public String toString() {
        return opcode + "(userData=" + userData + (file != null ? ", file=" + file.name() : "") + ")";
    }
}
