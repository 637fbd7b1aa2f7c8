package jaio.linux;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * Stateless, any thread: the socket calls of libc (socket, bind, listen, connect, accept4,
 * socket options and names, send, recv, sendmsg, recvmsg, shutdown, socketpair) and the
 * constants that go with them, from the kernel's uapi headers (linux/socket.h, linux/in.h,
 * linux/tcp.h, asm-generic/socket.h). Each returns {@code >= 0} or {@code -errno}.
 */
public final class Net {
    public static final int AF_UNIX = 1;
    public static final int AF_INET = 2;
    public static final int AF_INET6 = 10;

    public static final int SOCK_STREAM = 1;
    public static final int SOCK_NONBLOCK = 0x800;
    public static final int SOCK_CLOEXEC = 0x80000;

    public static final int SOL_SOCKET = 1;
    public static final int SO_REUSEADDR = 2;
    public static final int SO_TYPE = 3;
    public static final int SO_ERROR = 4;
    public static final int SO_SNDBUF = 7;
    public static final int SO_RCVBUF = 8;
    public static final int SO_KEEPALIVE = 9;
    public static final int SO_LINGER = 13;
    public static final int SO_REUSEPORT = 15;
    public static final int IPPROTO_TCP = 6;
    public static final int TCP_NODELAY = 1;
    public static final int IPPROTO_IPV6 = 41;
    public static final int IPV6_V6ONLY = 26;

    public static final int MSG_DONTWAIT = 0x40;
    public static final int MSG_WAITALL = 0x100;
    public static final int MSG_NOSIGNAL = 0x4000;
    public static final int MSG_MORE = 0x8000;

    public static final int SHUT_RD = 0;
    public static final int SHUT_WR = 1;
    public static final int SHUT_RDWR = 2;

    private static final MethodHandle SOCKET = Native.capturing("socket",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle SOCKETPAIR = Native.capturing("socketpair",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle BIND = Native.capturing("bind",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle LISTEN = Native.capturing("listen",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle CONNECT = Native.capturing("connect",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle ACCEPT4 = Native.capturing("accept4",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
    private static final MethodHandle SETSOCKOPT = Native.capturing("setsockopt",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle GETSOCKOPT = Native.capturing("getsockopt",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle GETSOCKNAME = Native.capturing("getsockname",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle GETPEERNAME = Native.capturing("getpeername",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle SEND = Native.capturing("send",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    private static final MethodHandle RECV = Native.capturing("recv",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    private static final MethodHandle SENDMSG = Native.capturing("sendmsg",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle RECVMSG = Native.capturing("recvmsg",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle SHUTDOWN = Native.capturing("shutdown",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));

    /** One int and a socklen_t per thread, for options and address lengths. */
    private static final ThreadLocal<MemorySegment> SCRATCH = ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(16, 8));

    private Net() {}

    /** socket(2) with SOCK_CLOEXEC added. */
    public static int socket(int domain, int type, int protocol) {
        try {
            MemorySegment st = Native.capture();
            int r = (int) SOCKET.invokeExact(st, domain, type | SOCK_CLOEXEC, protocol);
            return r < 0 ? -Native.errno(st) : r;
        } catch (Throwable t) {
            throw LibC.rethrow(t);
        }
    }

    /** socketpair(2) with SOCK_CLOEXEC added; fds receives both ends. */
    public static int socketpair(int domain, int type, int protocol, int[] fds) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment pair = a.allocate(JAVA_INT, 2);
            MemorySegment st = Native.capture();
            int r = (int) SOCKETPAIR.invokeExact(st, domain, type | SOCK_CLOEXEC, protocol, pair);
            if (r < 0) {
                return -Native.errno(st);
            }
            fds[0] = pair.getAtIndex(JAVA_INT, 0);
            fds[1] = pair.getAtIndex(JAVA_INT, 1);
            return 0;
        } catch (Throwable t) {
            throw LibC.rethrow(t);
        }
    }

    /** bind(2) to the address in {@code addr} ({@code len} bytes). */
    public static int bind(int fd, MemorySegment addr, int len) {
        try {
            MemorySegment st = Native.capture();
            int r = (int) BIND.invokeExact(st, fd, addr, len);
            return r < 0 ? -Native.errno(st) : r;
        } catch (Throwable t) {
            throw LibC.rethrow(t);
        }
    }

    public static int listen(int fd, int backlog) {
        try {
            MemorySegment st = Native.capture();
            int r = (int) LISTEN.invokeExact(st, fd, backlog);
            return r < 0 ? -Native.errno(st) : r;
        } catch (Throwable t) {
            throw LibC.rethrow(t);
        }
    }

    /** connect(2); on a non-blocking socket -EINPROGRESS means: wait for POLLOUT, then read SO_ERROR. */
    public static int connect(int fd, MemorySegment addr, int len) {
        try {
            MemorySegment st = Native.capture();
            int r = (int) CONNECT.invokeExact(st, fd, addr, len);
            return r < 0 ? -Native.errno(st) : r;
        } catch (Throwable t) {
            throw LibC.rethrow(t);
        }
    }

    /** accept4(2) without the peer's address; returns the new descriptor. */
    public static int accept4(int fd, int flags) {
        try {
            MemorySegment st = Native.capture();
            int r = (int) ACCEPT4.invokeExact(st, fd, MemorySegment.NULL, MemorySegment.NULL, flags | SOCK_CLOEXEC);
            return r < 0 ? -Native.errno(st) : r;
        } catch (Throwable t) {
            throw LibC.rethrow(t);
        }
    }

    /** setsockopt(2) of an int-valued option. */
    public static int setIntOption(int fd, int level, int name, int value) {
        MemorySegment s = SCRATCH.get();
        s.set(JAVA_INT, 0, value);
        try {
            MemorySegment st = Native.capture();
            int r = (int) SETSOCKOPT.invokeExact(st, fd, level, name, s, 4);
            return r < 0 ? -Native.errno(st) : r;
        } catch (Throwable t) {
            throw LibC.rethrow(t);
        }
    }

    /** setsockopt(2) of SO_LINGER: {@code seconds < 0} turns lingering off. */
    public static int setLinger(int fd, int seconds) {
        MemorySegment s = SCRATCH.get();
        s.set(JAVA_INT, 0, seconds < 0 ? 0 : 1);
        s.set(JAVA_INT, 4, Math.max(0, seconds));
        try {
            MemorySegment st = Native.capture();
            int r = (int) SETSOCKOPT.invokeExact(st, fd, SOL_SOCKET, SO_LINGER, s, 8);
            return r < 0 ? -Native.errno(st) : r;
        } catch (Throwable t) {
            throw LibC.rethrow(t);
        }
    }

    /**
     * getsockopt(2) of an int-valued option: the value (never negative for the options jaio
     * reads), or -errno. SO_ERROR gives the pending error as a positive errno, 0 for none.
     */
    public static int getIntOption(int fd, int level, int name) {
        MemorySegment s = SCRATCH.get();
        s.set(JAVA_INT, 0, 0);
        s.set(JAVA_INT, 8, 4);
        try {
            MemorySegment st = Native.capture();
            int r = (int) GETSOCKOPT.invokeExact(st, fd, level, name, s, s.asSlice(8));
            return r < 0 ? -Native.errno(st) : s.get(JAVA_INT, 0);
        } catch (Throwable t) {
            throw LibC.rethrow(t);
        }
    }

    /** getsockname(2) into {@code addr} (of {@link SockAddr#MAX_SIZE} bytes); returns the address's length. */
    public static int getsockname(int fd, MemorySegment addr) {
        return name(GETSOCKNAME, fd, addr);
    }

    /** getpeername(2) into {@code addr}; returns the address's length, -ENOTCONN when not connected. */
    public static int getpeername(int fd, MemorySegment addr) {
        return name(GETPEERNAME, fd, addr);
    }

    private static int name(MethodHandle h, int fd, MemorySegment addr) {
        MemorySegment s = SCRATCH.get();
        s.set(JAVA_INT, 8, (int) addr.byteSize());
        try {
            MemorySegment st = Native.capture();
            int r = (int) h.invokeExact(st, fd, addr, s.asSlice(8));
            return r < 0 ? -Native.errno(st) : s.get(JAVA_INT, 8);
        } catch (Throwable t) {
            throw LibC.rethrow(t);
        }
    }

    /** send(2) of {@code len} bytes at {@code addr}. */
    public static long send(int fd, long addr, long len, int flags) {
        try {
            MemorySegment st = Native.capture();
            long r = (long) SEND.invokeExact(st, fd, MemorySegment.ofAddress(addr), len, flags);
            return r < 0 ? -Native.errno(st) : r;
        } catch (Throwable t) {
            throw LibC.rethrow(t);
        }
    }

    /** recv(2) into {@code len} bytes at {@code addr}. */
    public static long recv(int fd, long addr, long len, int flags) {
        try {
            MemorySegment st = Native.capture();
            long r = (long) RECV.invokeExact(st, fd, MemorySegment.ofAddress(addr), len, flags);
            return r < 0 ? -Native.errno(st) : r;
        } catch (Throwable t) {
            throw LibC.rethrow(t);
        }
    }

    /** sendmsg(2) of the msghdr at {@code msg}. */
    public static long sendmsg(int fd, MemorySegment msg, int flags) {
        try {
            MemorySegment st = Native.capture();
            long r = (long) SENDMSG.invokeExact(st, fd, msg, flags);
            return r < 0 ? -Native.errno(st) : r;
        } catch (Throwable t) {
            throw LibC.rethrow(t);
        }
    }

    /** recvmsg(2) into the msghdr at {@code msg}. */
    public static long recvmsg(int fd, MemorySegment msg, int flags) {
        try {
            MemorySegment st = Native.capture();
            long r = (long) RECVMSG.invokeExact(st, fd, msg, flags);
            return r < 0 ? -Native.errno(st) : r;
        } catch (Throwable t) {
            throw LibC.rethrow(t);
        }
    }

    public static int shutdown(int fd, int how) {
        try {
            MemorySegment st = Native.capture();
            int r = (int) SHUTDOWN.invokeExact(st, fd, how);
            return r < 0 ? -Native.errno(st) : r;
        } catch (Throwable t) {
            throw LibC.rethrow(t);
        }
    }
}
