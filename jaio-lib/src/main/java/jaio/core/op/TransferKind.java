package jaio.core.op;

import java.lang.foreign.MemorySegment;
import jaio.Errno;
import jaio.RequestFlag;
import jaio.spi.BufferAccess;
import jaio.spi.Capabilities;
import jaio.spi.FileHandle;
import jaio.spi.Memory;
import jaio.spi.Op;

/**
 * PREAD, PWRITE, PREADV and PWRITEV (O1, O2): a file open for the direction, a sane
 * offset, and buffers the engine can use for the whole request (alive, writable for a read,
 * reachable from the thread that completes it, aligned for O_DIRECT). Stateless: one
 * instance reads, one writes.
 */
public final class TransferKind extends OpKind {
    /** Linux's IOV_MAX: the most buffers one vectored request may carry. */
    public static final int MAX_BUFFERS = 1024;

    static final TransferKind READ = new TransferKind(true);
    static final TransferKind WRITE = new TransferKind(false);

    private final boolean read;

    private TransferKind(boolean read) {
        super(false);
        this.read = read;
    }

    @Override
    public Refusal check(Op op, Capabilities caps) {
        Refusal r = openFile(op);
        if (r != null) {
            return r;
        }
        FileHandle f = op.file;
        if (read && !f.readable()) {
            return new Refusal(Errno.EBADF, "file " + f.name() + " is not open for reading");
        }
        if (!read && !f.writable()) {
            return new Refusal(Errno.EBADF, "file " + f.name() + " is not open for writing");
        }
        if (f.kind() == FileHandle.Kind.SOCKET) {
            return new Refusal(Errno.EINVAL, f.name() + " is a socket: use RECV and SEND (Request.recv, Request.send)");
        }
        if ((op.flags & RequestFlag.PARTIAL.bit()) != 0) {
            return new Refusal(Errno.EINVAL, "PARTIAL applies to SEND and SENDMSG, not to " + op.opcode);
        }
        if (op.offset < 0) {
            return new Refusal(Errno.EINVAL, "negative offset " + op.offset);
        }
        if (op.segCount > MAX_BUFFERS) {
            return new Refusal(Errno.EINVAL, op.segCount + " buffers in one request (at most " + MAX_BUFFERS + ")");
        }
        if (op.length > Long.MAX_VALUE - op.offset) {
            return new Refusal(Errno.EINVAL, "offset + length overflows");
        }
        int memAlign = caps.directAtStoreBlock() ? f.storeAlign() : f.memAlign();
        int offAlign = caps.directAtStoreBlock() ? f.storeAlign() : f.offsetAlign();
        if (offAlign > 1 && (op.offset % offAlign) != 0) {
            return new Refusal(Errno.EINVAL, "O_DIRECT file " + f.name() + " needs offsets aligned to "
                    + offAlign + " bytes; offset " + op.offset + " is not");
        }
        for (int i = 0; i < op.segCount; i++) {
            r = checkBuffer(op, i, f, caps.buffers(), memAlign, offAlign, read);
            if (r != null) {
                return r;
            }
        }
        return null;
    }

    /**
     * The buffer checks of a socket transfer (RECV, SEND and their vectored forms): the same
     * as a file's, without alignment.
     */
    static Refusal checkBuffers(Op op, Capabilities caps, boolean read) {
        if (op.segCount > MAX_BUFFERS) {
            return new Refusal(Errno.EINVAL, op.segCount + " buffers in one request (at most " + MAX_BUFFERS + ")");
        }
        for (int i = 0; i < op.segCount; i++) {
            Refusal r = checkBuffer(op, i, op.file, caps.buffers(), 1, 1, read);
            if (r != null) {
                return r;
            }
        }
        return null;
    }

    private static Refusal checkBuffer(Op op, int i, FileHandle f, BufferAccess access, int memAlign, int offAlign,
                                       boolean read) {
        MemorySegment s = op.segs[i];
        byte kind = op.kinds[i];
        if (!s.scope().isAlive()) {
            return new Refusal(Errno.EFAULT, "buffer " + i + " belongs to an arena that is closed");
        }
        if (read && s.isReadOnly()) {
            return new Refusal(Errno.EFAULT, "buffer " + i + " is read-only; a read needs a writable buffer");
        }
        if (s.byteSize() > Integer.MAX_VALUE) {
            return new Refusal(Errno.EINVAL, "buffer " + i + " is larger than 2 GiB - 1; split the request");
        }
        if (kind == Memory.CONFINED) {
            if (read) {
                return new Refusal(Errno.EFAULT, "buffer " + i + " is a confined arena's segment: another thread"
                        + " completes the read and may not touch it; use Arena.ofShared(), Arena.ofAuto() or IoBuffers");
            }
            if (!s.isAccessibleBy(Thread.currentThread())) {
                return new Refusal(Errno.EFAULT, "buffer " + i + " is confined to another thread");
            }
        }
        if (offAlign > 1 && (s.byteSize() % offAlign) != 0) {
            return new Refusal(Errno.EINVAL, "O_DIRECT file " + f.name() + " needs buffer lengths that are multiples of "
                    + offAlign + " bytes; buffer " + i + " has " + s.byteSize());
        }
        boolean inPlace = !copied(kind, access);
        if (inPlace && memAlign > 1 && s.isNative() && (s.address() % memAlign) != 0) {
            return new Refusal(Errno.EINVAL, "O_DIRECT file " + f.name() + " needs buffer addresses aligned to "
                    + memAlign + " bytes; buffer " + i + " is at 0x" + Long.toHexString(s.address())
                    + " (IoBuffers.allocateAligned gives aligned memory)");
        }
        return null;
    }

    /**
     * Whether memory of this {@link Memory} kind is copied through library memory for an
     * engine with this access (so its address never reaches the engine and needs no alignment).
     */
    public static boolean copied(byte kind, BufferAccess access) {
        return switch (access) {
            case NATIVE_STABLE -> kind != Memory.STABLE;
            case THREAD_ACCESSIBLE -> kind == Memory.CONFINED || kind == Memory.HEAP_NO_VIEW;
        };
    }
}
