package jaio.posix;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.Objects;
import jaio.IoFile;
import jaio.Request;

/**
 * An asynchronous I/O control block: C's {@code struct aiocb}. The fields the caller sets keep
 * their C names, as fluent accessors ({@code cb.aio_offset = 0;} becomes
 * {@code cb.aio_offset(0);}):
 * <ul>
 *   <li>{@code aio_fildes}: the file;</li>
 *   <li>{@code aio_offset}: the file offset of a read or write;</li>
 *   <li>{@code aio_buf}: the memory, a {@link ByteBuffer} (the transfer starts at its
 *       position; its position and limit are never moved) or a {@link MemorySegment} (the
 *       transfer starts at its first byte);</li>
 *   <li>{@code aio_nbytes}: how many bytes to transfer, at most what the buffer holds from
 *       where the transfer starts;</li>
 *   <li>{@code aio_reqprio}: how far below the default to put the request's I/O priority,
 *       0 to {@link PosixAio#AIO_PRIO_DELTA_MAX};</li>
 *   <li>{@code aio_sigevent}: how completion is announced (null or
 *       {@link Sigevent#none()}: not at all);</li>
 *   <li>{@code aio_lio_opcode}: for {@link PosixAio#lio_listio}: {@link PosixAio#LIO_READ}
 *       (the default, as in a zeroed C struct), {@link PosixAio#LIO_WRITE} or
 *       {@link PosixAio#LIO_NOP}.</li>
 * </ul>
 *
 * <p>A block is in progress from the call that accepted it until its request completed; then
 * it holds the result until {@link PosixAio#aio_return} (or {@link PosixAio#aio_waitcomplete})
 * takes it, after which it may be submitted again. What the request uses is read from the
 * fields when it is submitted, so changing them while it is in progress changes nothing for
 * it (the buffer's contents excepted: the kernel reads or fills them). Submitting a block that
 * is in progress fails with EINVAL. Resubmitting a block with the same file, buffer and
 * length reuses its jaio {@link Request}, so a steady loop allocates nothing.
 *
 * <p>Set the fields on one thread, or hand the block over safely; the facade's calls on it are
 * thread safe.
 */
public final class Aiocb {
    // ---- the caller's fields
    private IoFile fildes;
    private long offset;
    private Object buf;
    private long nbytes;
    private int reqprio;
    private Sigevent sigevent;
    private int lioOpcode = PosixAio.LIO_READ;

    // ---- the facade's state. state is volatile: ret and err are written before it moves to
    // DONE, so a reader that sees DONE sees them (aio_error reads without a lock).
    static final int IDLE = 0;
    static final int IN_PROGRESS = 1;
    static final int DONE = 2;
    volatile int state;
    long ret;
    int err;
    /** Bumped at each acceptance, so a wait can tell this submission from a later one. */
    int gen;

    // Guarded by the owner's BlockTable lock.
    PosixAio owner;
    /** Which list of the owner's table holds the block: none, in progress, or done. */
    byte where;
    Aiocb prev;
    Aiocb next;
    long seq;
    /** A deferred aio_fsync: how many earlier writes it still waits for, and its list link. */
    int waitFor;
    boolean deferred;
    Aiocb nextDeferred;

    // Written by the accepting thread before the request starts; read when it completes.
    IoFile file;
    boolean write;
    Sigevent sig;
    LioList lio;

    // The jaio request and what it was last prepared with (touched by the accepting thread only).
    Request request;
    Request[] one;
    int cOp = -1;
    IoFile cFile;
    Object cBuf;
    int cPos;
    long cLen;
    int cPrio;
    PosixAio cOwner;

    /** A zeroed block, as {@code struct aiocb cb = {0};}. */
    public Aiocb() {}

    public Aiocb aio_fildes(IoFile fildes) {
        this.fildes = fildes;
        return this;
    }

    public IoFile aio_fildes() {
        return fildes;
    }

    public Aiocb aio_offset(long offset) {
        this.offset = offset;
        return this;
    }

    public long aio_offset() {
        return offset;
    }

    /** The transfer's memory: from the buffer's position, which is never moved. */
    public Aiocb aio_buf(ByteBuffer buf) {
        this.buf = buf;
        return this;
    }

    /** The transfer's memory: from the segment's first byte. */
    public Aiocb aio_buf(MemorySegment buf) {
        this.buf = buf;
        return this;
    }

    /** The buffer, a ByteBuffer or a MemorySegment, or null. */
    public Object aio_buf() {
        return buf;
    }

    public Aiocb aio_nbytes(long nbytes) {
        this.nbytes = nbytes;
        return this;
    }

    public long aio_nbytes() {
        return nbytes;
    }

    public Aiocb aio_reqprio(int reqprio) {
        this.reqprio = reqprio;
        return this;
    }

    public int aio_reqprio() {
        return reqprio;
    }

    public Aiocb aio_sigevent(Sigevent sigevent) {
        this.sigevent = sigevent;
        return this;
    }

    /** The sigevent; null reads as {@link Sigevent#none()}. */
    public Sigevent aio_sigevent() {
        return sigevent;
    }

    public Aiocb aio_lio_opcode(int opcode) {
        this.lioOpcode = opcode;
        return this;
    }

    public int aio_lio_opcode() {
        return lioOpcode;
    }

    @Override
    public String toString() {
        String s = switch (state) {
            case IN_PROGRESS -> "in progress";
            case DONE -> err != 0 ? "done, " + jaio.Errno.name(err) : "done, " + ret;
            default -> "idle";
        };
        return "Aiocb[" + (fildes == null ? "no file" : Objects.toString(fildes.path(), "fd")) + " @" + offset
                + " +" + nbytes + ", " + s + "]";
    }
}
