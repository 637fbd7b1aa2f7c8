package jaio.engine;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.BindException;
import java.net.ConnectException;
import java.net.SocketAddress;
import java.net.SocketException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import jaio.Errno;
import jaio.linux.LibC;
import jaio.linux.Native;
import jaio.linux.Net;
import jaio.linux.SockAddr;
import jaio.spi.FileHandle;

/**
 * Stateless, any thread: the socket descriptors jaio owns and the few synchronous calls made
 * on them (create, bind, listen, options, names). The public socket type calls in here, so
 * that no public class touches the bindings. Every socket is non-blocking (SOCK_NONBLOCK):
 * the engines that wait for readiness themselves (native AIO, the thread pool) must never
 * block inside a system call, and io_uring waits for readiness in the kernel either way.
 */
public final class Sockets {
    /** Address families and option names, for the public layer (which does not see the bindings). */
    public static final int AF_INET = Net.AF_INET;
    public static final int AF_INET6 = Net.AF_INET6;
    public static final int AF_UNIX = Net.AF_UNIX;
    public static final int SOL_SOCKET = Net.SOL_SOCKET;
    public static final int SO_REUSEADDR = Net.SO_REUSEADDR;
    public static final int SO_REUSEPORT = Net.SO_REUSEPORT;
    public static final int SO_KEEPALIVE = Net.SO_KEEPALIVE;
    public static final int SO_SNDBUF = Net.SO_SNDBUF;
    public static final int SO_RCVBUF = Net.SO_RCVBUF;
    public static final int IPPROTO_TCP = Net.IPPROTO_TCP;
    public static final int TCP_NODELAY = Net.TCP_NODELAY;
    public static final int SHUT_RD = Net.SHUT_RD;
    public static final int SHUT_WR = Net.SHUT_WR;
    public static final int SHUT_RDWR = Net.SHUT_RDWR;

    /** SO_DOMAIN from asm-generic/socket.h: the socket's address family. */
    private static final int SO_DOMAIN = 39;

    private Sockets() {}

    /**
     * A new stream socket of {@code family} (AF_INET, AF_INET6 or AF_UNIX).
     *
     * @throws UnsupportedOperationException off Linux
     */
    public static FileHandle open(int family) throws IOException {
        Native.requireLinux();
        int fd = Net.socket(family, Net.SOCK_STREAM | Net.SOCK_NONBLOCK, 0);
        if (fd < 0) {
            throw new SocketException("socket: " + Errno.describe(fd));
        }
        return handle(fd);
    }

    /** A connected pair of Unix domain stream sockets. */
    public static FileHandle[] pair() throws IOException {
        Native.requireLinux();
        int[] fds = new int[2];
        int r = Net.socketpair(Net.AF_UNIX, Net.SOCK_STREAM | Net.SOCK_NONBLOCK, 0, fds);
        if (r < 0) {
            throw new SocketException("socketpair: " + Errno.describe(r));
        }
        return new FileHandle[] {handle(fds[0]), handle(fds[1])};
    }

    private static FileHandle handle(int fd) {
        return new FileHandle("socket[" + fd + "]", FileHandle.Kind.SOCKET, true, true, false, false, false, fd,
                1, 1, 1, null, null, Sockets::closeNative);
    }

    private static void closeNative(int fd, FileChannel unused) {
        LibC.close(fd);
    }

    /** The socket's address family (AF_INET, AF_INET6, AF_UNIX). */
    public static int family(FileHandle h) throws IOException {
        return option(h, Net.SOL_SOCKET, SO_DOMAIN, "SO_DOMAIN");
    }

    /**
     * The kernel form of {@code address} for a socket of {@code family}, in memory that lives
     * as long as the returned segment is reachable.
     *
     * @throws IllegalArgumentException when the family cannot take the address
     */
    public static MemorySegment address(SocketAddress address, int family) {
        return SockAddr.encode(address, family, Arena.ofAuto());
    }

    public static void bind(FileHandle h, SocketAddress local, int family) throws IOException {
        MemorySegment a = address(local, family);
        int fd = use(h);
        try {
            check(h, "bind " + local, Net.bind(fd, a, (int) a.byteSize()));
        } finally {
            h.release();
        }
    }

    public static void listen(FileHandle h, int backlog) throws IOException {
        int fd = use(h);
        try {
            check(h, "listen", Net.listen(fd, backlog));
        } finally {
            h.release();
        }
    }

    /** setsockopt of an int option (booleans as 0 or 1). */
    public static void setOption(FileHandle h, int level, int name, int value, String what) throws IOException {
        int fd = use(h);
        try {
            check(h, "setsockopt(" + what + ")", Net.setIntOption(fd, level, name, value));
        } finally {
            h.release();
        }
    }

    /** SO_LINGER: seconds, or negative for off. */
    public static void setLinger(FileHandle h, int seconds) throws IOException {
        int fd = use(h);
        try {
            check(h, "setsockopt(SO_LINGER)", Net.setLinger(fd, seconds));
        } finally {
            h.release();
        }
    }

    /** getsockopt of an int option. */
    public static int option(FileHandle h, int level, int name, String what) throws IOException {
        int fd = use(h);
        try {
            return check(h, "getsockopt(" + what + ")", Net.getIntOption(fd, level, name));
        } finally {
            h.release();
        }
    }

    /** The local address, or null when the socket is not bound. */
    public static SocketAddress localAddress(FileHandle h) throws IOException {
        return name(h, true);
    }

    /** The peer's address, or null when the socket is not connected. */
    public static SocketAddress remoteAddress(FileHandle h) throws IOException {
        return name(h, false);
    }

    private static SocketAddress name(FileHandle h, boolean local) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment s = a.allocate(SockAddr.MAX_SIZE, 8);
            int fd = use(h);
            try {
                int r = local ? Net.getsockname(fd, s) : Net.getpeername(fd, s);
                if (r == -Errno.ENOTCONN) {
                    return null;
                }
                check(h, local ? "getsockname" : "getpeername", r);
                return SockAddr.decode(s, r);
            } finally {
                h.release();
            }
        }
    }

    /** Takes a reference for a synchronous call; the caller releases it. */
    private static int use(FileHandle h) throws IOException {
        if (!h.acquire()) {
            throw new ClosedChannelException();
        }
        return h.fd();
    }

    private static int check(FileHandle h, String call, int r) throws IOException {
        if (r >= 0) {
            return r;
        }
        String msg = h.name() + ": " + call + ": " + Errno.describe(r);
        throw switch (-r) {
            case Errno.EADDRINUSE -> new BindException(msg);
            case Errno.ECONNREFUSED -> new ConnectException(msg);
            default -> new SocketException(msg);
        };
    }
}
