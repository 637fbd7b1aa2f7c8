package jaio.engine.threads;

import jaio.engine.Worker;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import jaio.Errno;
import jaio.Opcode;
import jaio.RequestFlag;
import jaio.linux.LibC;
import jaio.spi.FileHandle;
import jaio.spi.Memory;
import jaio.spi.Op;

/**
 * Stateless, any worker thread: the thread-pool engine's I/O as system calls on the request's
 * own descriptor (pread, pwrite, read and write for pipes and eventfds, fsync, fdatasync),
 * wherever the descriptor is known. Why not FileChannel there: its errors come back as
 * exceptions whose errno must be guessed from the message (a read of a directory, a write
 * to a pipe with no reader and a zero-buffer vector all became EIO); it opens a second
 * descriptor, which fails when descriptors run out; and an interrupt of the worker closes
 * it for every later request on the file. A system call gives the kernel's own errno, as on
 * the kernel engines, and an interrupt cannot break it.
 *
 * <p>A pipe, socket or eventfd is waited for with poll(2) in slices of
 * {@link #POLL_SLICE_MILLIS}, the op going back to the queue between them, so that a cancel
 * or the close can end it there: a worker never sits in a read nobody answers (unless
 * another reader of the same pipe took the data between the poll and the read).
 *
 * <p>Heap memory cannot be passed to a system call; it goes through a per-thread native
 * scratch buffer, at most {@link #SCRATCH} bytes per iteration, and the retry continues it.
 */
final class DescriptorIo {
    /** Bytes one iteration moves through the scratch buffer (a multiple of every O_DIRECT block). */
    static final int SCRATCH = 256 * 1024;
    private static final int SYNC_BITS = RequestFlag.DSYNC.bit() | RequestFlag.SYNC.bit();
    /** How long a worker waits for a pipe or socket to be ready before the op goes back to the queue. */
    static final int POLL_SLICE_MILLIS = 20;

    /** Freed with its thread: a worker ends, its buffer goes with it. */
    private static final ThreadLocal<MemorySegment> BUFFER =
            ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(SCRATCH, 4096));

    private DescriptorIo() {}

    /** Whether {@code op}'s descriptor is known, so that this class can run it. */
    static boolean usable(Op op) {
        return op.file.fd() >= 0;
    }

    /** One iteration of a transfer: bytes moved, 0 at end of file, or -errno. */
    static long transfer(Op op) {
        if (op.segCount == 0 || op.remaining() == 0) {
            // What the kernel answers for an empty vector or a zero-length buffer.
            return 0;
        }
        int i = bufferAt(op);
        long skip = offsetIn(op, i);
        MemorySegment seg = op.ioSegs[i];
        long len = seg.byteSize() - skip;
        if (len == 0) {
            return 0;
        }
        int fd = op.file.fd();
        boolean stream = op.file.kind() != FileHandle.Kind.FILE;
        if (stream) {
            int r = LibC.poll1(fd, op.isRead() ? LibC.POLLIN : LibC.POLLOUT, POLL_SLICE_MILLIS);
            if (r == 0 || r == -Errno.EINTR) {
                // Not ready: back to the queue, where a cancel or the close finds it. Waiting
                // in slices costs no CPU, so it is not a stall that the retry bounds.
                op.stalls = 0;
                return -Errno.EAGAIN;
            }
            if (r < 0) {
                return r;
            }
        }
        long off = op.nextOffset();
        if (seg.isNative()) {
            // The whole segment as it is when it can be (a slice is an object per request).
            MemorySegment at = skip == 0 ? seg : seg.asSlice(skip, len);
            return op.isRead() ? read(fd, at, len, off, stream) : writeAndSync(op, fd, at, len, off, stream);
        }
        MemorySegment buf = BUFFER.get();
        long n = Math.min(len, SCRATCH);
        if (op.isRead()) {
            long r = read(fd, buf, n, off, stream);
            if (r > 0) {
                MemorySegment.copy(buf, 0, seg, skip, r);
            }
            return r;
        }
        MemorySegment.copy(seg, skip, buf, 0, n);
        return writeAndSync(op, fd, buf, n, off, stream);
    }

    /**
     * One iteration of a read of a file (not O_DIRECT) into native memory, only if the page
     * cache holds all of it: bytes read (0 at end of file), or {@link Worker#WOULD_WAIT}
     * when it was not read in full (nothing cached, only part, an error, or a kernel without
     * RWF_NOWAIT): the usual iteration then reads it, the part read here again, and tells any
     * error. Anything else: WOULD_WAIT, without a call.
     */
    static long readIfCached(Op op) {
        if (!op.isRead() || op.file.direct() || op.segCount == 0 || op.remaining() == 0) {
            return Worker.WOULD_WAIT;
        }
        int i = bufferAt(op);
        long skip = offsetIn(op, i);
        MemorySegment seg = op.ioSegs[i];
        long len = seg.byteSize() - skip;
        // The address goes to the kernel with no segment to hold the memory's arena open, so
        // only memory nobody can free meanwhile: the library's bounce memory, or user memory
        // of the global or an automatic arena, or a direct buffer (kept reachable by the op).
        // A shared arena's segment could be closed under the call; the usual iteration passes
        // the segment itself, which keeps the arena open or fails with EFAULT.
        if (len == 0 || !seg.isNative() || (seg == op.segs[i] && op.kinds[i] != Memory.STABLE)) {
            return Worker.WOULD_WAIT;
        }
        long r = LibC.preadNowaitUncaptured(op.file.fd(), seg.address() + skip, len, op.nextOffset());
        return r == len || r == 0 ? r : Worker.WOULD_WAIT;
    }

    /** The index of the buffer that holds {@code op}'s next byte (the last one when all are moved). */
    private static int bufferAt(Op op) {
        long skip = op.done;
        int i = 0;
        while (i < op.segCount - 1 && skip >= op.ioSegs[i].byteSize()) {
            skip -= op.ioSegs[i].byteSize();
            i++;
        }
        return i;
    }

    /** How far into buffer {@code i} (from {@link #bufferAt}) {@code op}'s next byte is. */
    private static long offsetIn(Op op, int i) {
        long skip = op.done;
        for (int k = 0; k < i; k++) {
            skip -= op.ioSegs[k].byteSize();
        }
        return skip;
    }

    /** FSYNC (data and metadata) or FDSYNC: 0 or -errno. */
    static long sync(Op op) {
        int fd = op.file.fd();
        return op.opcode == Opcode.FSYNC ? LibC.fsync(fd) : LibC.fdatasync(fd);
    }

    private static long read(int fd, MemorySegment buf, long len, long off, boolean stream) {
        return stream ? LibC.read(fd, buf, len) : LibC.pread(fd, buf, len, off);
    }

    private static long writeAndSync(Op op, int fd, MemorySegment buf, long len, long off, boolean stream) {
        long n = stream ? LibC.write(fd, buf, len) : LibC.pwrite(fd, buf, len, off);
        // A DSYNC or SYNC request is durable when its event comes: the last write syncs.
        if (n > 0 && (op.flags & SYNC_BITS) != 0 && op.done + n >= op.length) {
            int s = (op.flags & RequestFlag.SYNC.bit()) != 0 ? LibC.fsync(fd) : LibC.fdatasync(fd);
            if (s < 0) {
                return s;
            }
        }
        return n;
    }
}
