package jaio.spi;

import java.lang.foreign.MemorySegment;
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
 * iterations goes through a lock or a volatile write. {@link #cancelRequested} is volatile:
 * the cancelling thread publishes it to the thread running the next iteration.
 */
public class Op {
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
    /** Set by cancel: stop at the next iteration. */
    public volatile boolean cancelRequested;
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
        cancelRequested = false;
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

    @Override
    public String toString() {
        return opcode + "(userData=" + userData + (file != null ? ", file=" + file.name() : "") + ")";
    }
}
