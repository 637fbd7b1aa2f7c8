package jaio.core;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import jaio.Opcode;

/**
 * The internal state of one request: what it asks for, and where it stands. Every
 * {@code jaio.Request} owns exactly one {@code Op} for its whole life; the op is reused each
 * time the request is submitted again, so the per-request path allocates nothing.
 *
 * <p>Threading: the description fields are written by the user's thread while the op is
 * {@link #IDLE}, and read by engines after submission (the engine's hand-off publishes them).
 * The progress fields belong to whichever thread runs the current iteration; only one
 * iteration runs at a time (SPEC E4), and each hand-off between iterations goes through a
 * lock or a volatile write.
 */
public final class Op {
    /** Not in flight; may be prepared and submitted. */
    public static final int IDLE = 0;
    /** Accepted by a context; an engine is driving it. */
    public static final int INFLIGHT = 1;
    /** Its event is posted and waits to be reaped. */
    public static final int COMPLETED = 2;

    /** Highest delivery priority; 0 is the default and the lowest. */
    public static final int MAX_PRIORITY = 7;

    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(Op.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    // ---- description: set by the public Request API while IDLE ----

    /** The public request object this op belongs to. */
    public final Object owner;
    public Opcode opcode;
    public FileHandle file;
    /** The user's memory, one segment per buffer; only the first {@link #segCount} are used. */
    public MemorySegment[] segs = new MemorySegment[1];
    public int segCount;
    /** User objects kept reachable while in flight (ByteBuffers behind the segments). */
    public Object[] keep = new Object[1];
    /** {@link Memory} kind of each segment, computed when the buffers are set. */
    public byte[] kinds = new byte[1];
    public long offset;
    /** Total bytes of the segments. */
    public long length;
    public long userData;
    public Object attachment;
    public int priority;
    /** Bits of {@link jaio.RequestFlag}. */
    public int flags;
    /** POLL: the poll(2) event mask. */
    public int pollEvents;
    /** TIMEOUT: the delay in nanoseconds. */
    public long timeoutNanos;
    /** TIMEOUT: complete after this many other completions (0: only the delay counts). */
    public int timeoutCount;
    /** Run on the reaping thread when the event is reaped; a {@code jaio.CompletionCallback}. */
    public Object callback;

    // ---- per submission ----

    @SuppressWarnings("unused") // through STATE
    private volatile int state;
    /** The context that accepted this op last. */
    public volatile ContextCore ctx;
    /**
     * The memory engines use: {@link #segs} itself, or library bounce memory when the
     * user's memory cannot be handed to the engine directly. Same length as segs.
     */
    public MemorySegment[] ioSegs;
    /** Bounce memory owned by this op, parallel to segs (null entries where no bounce). */
    MemorySegment[] bounce;
    /** The engine-visible array used when some segments are bounced. */
    MemorySegment[] bounceIo;
    /** ByteBuffer views of ioSegs for engines that need them, built lazily. */
    private ByteBuffer[] views;
    private MemorySegment[] viewsOf;

    /** Bytes transferred so far (E4). */
    public long done;
    /** Iterations run so far. */
    public int iterations;
    /** Iterations in a row that made no progress. */
    public int stalls;
    /** Set by cancel: stop at the next iteration. */
    public volatile boolean cancelRequested;
    /** Final result: bytes, or -errno. */
    public long result;
    /** Second result word: for errors after partial progress, the bytes transferred. */
    public long result2;

    // ---- completion queue links (owned by CompletionQueue, under its lock) ----
    Op qnext;
    Op qprev;
    Waiter awaiter;
    /** Order of posting (for finding the oldest ready event) and the takes counted when posted. */
    long postSeq;
    long postTakes;

    // ---- engine scratch (owned by the engine while INFLIGHT) ----
    public Op enext;
    public Op eprev;
    /** The engine's slot for this op (its index in the engine's table), or -1. */
    public int slot = -1;
    public Object engineData;
    public long engineWord;
    public int engineState;

    public Op(Object owner) {
        this.owner = owner;
    }

    public int state() {
        return state;
    }

    boolean casState(int expect, int update) {
        return STATE.compareAndSet(this, expect, update);
    }

    void setState(int s) {
        state = s;
    }

    /** Sets a single user segment (PREAD, PWRITE). */
    public void setSingle(MemorySegment seg, Object keepAlive) {
        clearBuffers();
        segs[0] = seg;
        keep[0] = keepAlive;
        kinds[0] = Memory.classify(seg);
        segCount = 1;
        length = seg.byteSize();
    }

    /** Sets several user segments (PREADV, PWRITEV). */
    public void setVector(MemorySegment[] s, Object[] keepAlive) {
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
    public void clearBuffers() {
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
    public boolean isWrite() {
        return opcode == Opcode.PWRITE || opcode == Opcode.PWRITEV;
    }

    /** Whether this opcode moves data from the file to memory (PREAD, PREADV). */
    public boolean isRead() {
        return opcode == Opcode.PREAD || opcode == Opcode.PREADV;
    }

    /** Whether this op transfers data (and so takes part in short-transfer retry). */
    public boolean isTransfer() {
        return isRead() || isWrite();
    }

    /** The file offset where the next iteration starts. */
    public long nextOffset() {
        return offset + done;
    }

    /** Bytes left to transfer. */
    public long remaining() {
        return length - done;
    }

    /**
     * A ByteBuffer view of {@code ioSegs[i]}, positioned at 0 with the segment's size as its
     * limit. Built once per buffer set and reused across submissions. The caller positions it.
     */
    public ByteBuffer view(int i) {
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
    void invalidateViews() {
        views = null;
        viewsOf = null;
    }

    /** Resets progress for a new submission. */
    void resetProgress() {
        done = 0;
        iterations = 0;
        stalls = 0;
        cancelRequested = false;
        result = 0;
        result2 = 0;
        awaiter = null;
        qnext = null;
        qprev = null;
        slot = -1;
        engineData = null;
        engineWord = 0;
        engineState = 0;
    }

    @Override
    public String toString() {
        return opcode + "(userData=" + userData + (file != null ? ", file=" + file.name() : "") + ")";
    }
}
