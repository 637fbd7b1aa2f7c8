package jaio.core;

import java.lang.foreign.MemorySegment;
import jaio.Errno;
import jaio.Opcode;
import jaio.RequestFlag;
import jaio.spi.BufferAccess;
import jaio.spi.Capabilities;
import jaio.spi.FileHandle;
import jaio.spi.Memory;

/**
 * Checks a request against the context's engine before anything is queued (SPEC C2). It
 * reads the op and changes nothing, so a refused request leaves no state behind.
 */
final class Validator {
    /** Linux's IOV_MAX: the most buffers one vectored request may carry. */
    static final int MAX_BUFFERS = 1024;

    /** Why a request was refused. */
    record Problem(int errno, String reason) {}

    private Validator() {}

    /** Null when {@code op} may be submitted to an engine with {@code caps}, else the problem. */
    static Problem check(CoreOp op, Capabilities caps) {
        Opcode code = op.opcode;
        if (code == null) {
            return new Problem(Errno.EINVAL, "request has no operation (use one of Request's factories)");
        }
        if (op.state() != CoreOp.IDLE) {
            return new Problem(Errno.EBUSY, "request is already in flight; reuse it after its event is reaped");
        }
        if (!caps.supports(code)) {
            return new Problem(Errno.EOPNOTSUPP, "the " + caps.engine() + " engine cannot run " + code
                    + " (it supports " + caps.opcodes().keySet() + ")");
        }
        if (op.flags != 0) {
            for (RequestFlag f : RequestFlag.values()) {
                if ((op.flags & f.bit()) != 0 && !caps.supports(f)) {
                    return new Problem(Errno.EOPNOTSUPP, "the " + caps.engine() + " engine does not support flag " + f
                            + " (it supports " + caps.flags() + ")");
                }
            }
        }
        switch (code) {
            case NOOP:
                return null;
            case TIMEOUT:
                if (op.timeoutNanos < 0) {
                    return new Problem(Errno.EINVAL, "negative timeout");
                }
                if (op.timeoutCount < 0) {
                    return new Problem(Errno.EINVAL, "negative completion count " + op.timeoutCount);
                }
                return null;
            default:
                break;
        }
        FileHandle f = op.file;
        if (f == null) {
            return new Problem(Errno.EBADF, "request has no file");
        }
        if (!f.isOpen()) {
            return new Problem(Errno.EBADF, "file " + f.name() + " is closed");
        }
        switch (code) {
            case FSYNC, FDSYNC:
                if (f.kind() != FileHandle.Kind.FILE) {
                    return new Problem(Errno.EINVAL, f.name() + " is not a regular file; sync needs one");
                }
                return null;
            case POLL:
                if (op.pollEvents == 0) {
                    return new Problem(Errno.EINVAL, "poll with an empty event mask");
                }
                return null;
            default:
                break;
        }
        if (op.isRead() && !f.readable()) {
            return new Problem(Errno.EBADF, "file " + f.name() + " is not open for reading");
        }
        if (op.isWrite() && !f.writable()) {
            return new Problem(Errno.EBADF, "file " + f.name() + " is not open for writing");
        }
        if (op.offset < 0) {
            return new Problem(Errno.EINVAL, "negative offset " + op.offset);
        }
        if (op.segCount > MAX_BUFFERS) {
            return new Problem(Errno.EINVAL, op.segCount + " buffers in one request (at most " + MAX_BUFFERS + ")");
        }
        if (op.length > Long.MAX_VALUE - op.offset) {
            return new Problem(Errno.EINVAL, "offset + length overflows");
        }
        int memAlign = caps.directAtStoreBlock() ? f.storeAlign() : f.memAlign();
        int offAlign = caps.directAtStoreBlock() ? f.storeAlign() : f.offsetAlign();
        if (offAlign > 1 && (op.offset % offAlign) != 0) {
            return new Problem(Errno.EINVAL, "O_DIRECT file " + f.name() + " needs offsets aligned to "
                    + offAlign + " bytes; offset " + op.offset + " is not");
        }
        for (int i = 0; i < op.segCount; i++) {
            MemorySegment s = op.segs[i];
            byte kind = op.kinds[i];
            if (!s.scope().isAlive()) {
                return new Problem(Errno.EFAULT, "buffer " + i + " belongs to an arena that is closed");
            }
            if (op.isRead() && s.isReadOnly()) {
                return new Problem(Errno.EFAULT, "buffer " + i + " is read-only; a read needs a writable buffer");
            }
            if (s.byteSize() > Integer.MAX_VALUE) {
                return new Problem(Errno.EINVAL, "buffer " + i + " is larger than 2 GiB - 1; split the request");
            }
            if (kind == Memory.CONFINED) {
                if (op.isRead()) {
                    return new Problem(Errno.EFAULT, "buffer " + i + " is a confined arena's segment: another thread"
                            + " completes the read and may not touch it; use Arena.ofShared(), Arena.ofAuto() or IoBuffers");
                }
                if (!s.isAccessibleBy(Thread.currentThread())) {
                    return new Problem(Errno.EFAULT, "buffer " + i + " is confined to another thread");
                }
            }
            if (offAlign > 1 && (s.byteSize() % offAlign) != 0) {
                return new Problem(Errno.EINVAL, "O_DIRECT file " + f.name() + " needs buffer lengths that are multiples of "
                        + offAlign + " bytes; buffer " + i + " has " + s.byteSize());
            }
            boolean inPlace = !bounced(kind, caps.buffers());
            if (inPlace && memAlign > 1 && s.isNative() && (s.address() % memAlign) != 0) {
                return new Problem(Errno.EINVAL, "O_DIRECT file " + f.name() + " needs buffer addresses aligned to "
                        + memAlign + " bytes; buffer " + i + " is at 0x" + Long.toHexString(s.address())
                        + " (IoBuffers.allocateAligned gives aligned memory)");
            }
        }
        return null;
    }

    /** Whether memory of this kind is copied through library memory for this engine. */
    static boolean bounced(byte kind, BufferAccess access) {
        return switch (access) {
            case NATIVE_STABLE -> kind != Memory.STABLE;
            case THREAD_ACCESSIBLE -> kind == Memory.CONFINED || kind == Memory.HEAP_NO_VIEW;
        };
    }
}
