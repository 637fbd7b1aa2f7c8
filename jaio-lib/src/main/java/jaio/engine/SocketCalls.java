package jaio.engine;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import jaio.Errno;
import jaio.RequestFlag;
import jaio.linux.Fs;
import jaio.linux.Iovec;
import jaio.linux.LibC;
import jaio.linux.MsgHdr;
import jaio.linux.Net;
import jaio.linux.Splice;
import jaio.spi.Op;
import jaio.spi.Retry;

/**
 * Stateless apart from a per-thread scratch (its msghdr and iovec array, confined to the
 * thread that uses it), so any thread may call it: one non-blocking iteration of a socket
 * request, or of a transfer on a pipe, eventfd or other stream, for the engines that wait for
 * readiness themselves (native AIO with a kernel POLL, the thread pool with its poller). An
 * iteration never blocks: what is not ready answers {@link #WAIT}, and the engine waits for
 * {@link #events} before it calls again. Results are those of the system calls (bytes, the new
 * descriptor, 0, or -errno), for {@link Retry#afterIteration}.
 */
public final class SocketCalls {
    /** {@link #attempt}: not ready; wait for {@link #events} and call again. */
    public static final long WAIT = -Errno.EAGAIN;

    /** {@link Op#engineWord} bit: a CONNECT is in progress; once writable, SO_ERROR tells its outcome. */
    public static final long CONNECTING = 1L << 8;

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private SocketCalls() {}

    /** The poll(2) events a request that answered {@link #WAIT} waits for. */
    public static int events(Op op) {
        return switch (op.opcode) {
            case ACCEPT, RECV, RECVMSG, PREAD, PREADV -> LibC.POLLIN;
            default -> LibC.POLLOUT;
        };
    }

    /**
     * One non-blocking iteration of {@code op}'s remainder: {@link #WAIT} when it would block,
     * else what the call returned (a CONNECT in progress is remembered in
     * {@link Op#engineWord} and answers WAIT).
     */
    /** MSG_MORE when a send is flagged {@link RequestFlag#MORE}, else 0. */
    public static int more(Op op) {
        return (op.flags & RequestFlag.MORE.bit()) != 0 ? Net.MSG_MORE : 0;
    }

    public static long attempt(Op op) {
        int fd = op.file.fd();
        return switch (op.opcode) {
            case ACCEPT -> Net.accept4(fd, Net.SOCK_NONBLOCK);
            case CONNECT -> connect(op, fd);
            case SHUTDOWN -> Net.shutdown(fd, op.how);
            case CLOSE -> op.file.closeDetaching() ? LibC.close(fd) : 0;
            case RECV -> Net.recv(fd, op.ioSegs[0].address() + op.done, op.remaining(), Net.MSG_DONTWAIT);
            case SEND -> Net.send(fd, op.ioSegs[0].address() + op.done, op.remaining(),
                    Net.MSG_DONTWAIT | Net.MSG_NOSIGNAL | more(op));
            case RECVMSG -> Net.recvmsg(fd, SCRATCH.get().msg(op), Net.MSG_DONTWAIT);
            case SENDMSG -> Net.sendmsg(fd, SCRATCH.get().msg(op), Net.MSG_DONTWAIT | Net.MSG_NOSIGNAL | more(op));
            case PREAD, PREADV, PWRITE, PWRITEV -> stream(op, fd);
            case SENDFILE -> Splice.sendfile(fd, op.file2.fd(), op.nextOffset(), op.remaining());
            default -> -Errno.EOPNOTSUPP;
        };
    }

    private static long connect(Op op, int fd) {
        if ((op.engineWord & CONNECTING) != 0) {
            int err = Net.getIntOption(fd, Net.SOL_SOCKET, Net.SO_ERROR);
            if (err < 0) {
                return err;
            }
            // Called once the socket is writable: connected (0) or failed (the error).
            return -err;
        }
        int r = Net.connect(fd, op.address, op.addressLength);
        if (r == -Errno.EINPROGRESS || r == -Errno.EAGAIN) {
            op.engineWord |= CONNECTING;
            return WAIT;
        }
        return r;
    }

    /**
     * A pipe, eventfd or other stream: preadv2/pwritev2 at the current position with
     * RWF_NOWAIT, so that a blocking pipe answers EAGAIN instead of blocking.
     */
    private static long stream(Op op, int fd) {
        MemorySegment iov = SCRATCH.get().iov;
        int n = Iovec.fillRemainder(iov, op.ioSegs, op.segCount, op.done);
        boolean read = op.isRead();
        long r = read ? LibC.preadv2(fd, iov, n, -1, Fs.RWF_NOWAIT) : LibC.pwritev2(fd, iov, n, -1, Fs.RWF_NOWAIT);
        if (r != -Errno.EOPNOTSUPP) {
            return r;
        }
        // No RWF_NOWAIT here (a FIFO opened by path, an eventfd): ask poll(2) first, and make
        // the call only when the descriptor is ready, so that it does not block.
        int ready = LibC.poll1(fd, events(op), 0);
        if (ready <= 0) {
            return ready < 0 ? ready : WAIT;
        }
        return read ? LibC.preadv2(fd, iov, n, -1, 0) : LibC.pwritev2(fd, iov, n, -1, 0);
    }

    /** One thread's msghdr and iovec array, as large as a request may carry; never freed (one per thread). */
    private static final class Scratch {
        final MemorySegment iov = Arena.ofAuto().allocate(Iovec.LAYOUT, 1024);
        final MemorySegment hdr = Arena.ofAuto().allocate(MsgHdr.LAYOUT);

        MemorySegment msg(Op op) {
            int n = Iovec.fillRemainder(iov, op.ioSegs, op.segCount, op.done);
            MsgHdr.set(hdr, iov, n);
            return hdr;
        }
    }
}
