package jaio;

import java.io.Closeable;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.util.Objects;
import jaio.core.SocketClose;
import jaio.engine.Sockets;
import jaio.spi.FileHandle;

/**
 * A stream socket for jaio requests (O5): TCP over IPv4 or IPv6, or a Unix domain stream
 * socket. Any number of threads and contexts may use it at once, as with {@link IoFile}: its
 * descriptor is reference counted, and the rest never changes.
 *
 * <p>Set it up synchronously ({@link #bind}, {@link #listen}, {@link #setOption}), then drive
 * it with requests on any context: {@link Request#accept}, {@link Request#connect},
 * {@link Request#recv}, {@link Request#send} and their vectored forms, {@link Request#shutdown},
 * {@link Request#poll(IoSocket, int)} and {@link Request#close(IoSocket)}. The descriptor is a
 * real non-blocking kernel socket; the engines wait for readiness themselves (in the kernel on
 * io_uring, with a kernel POLL on native AIO, on one poller thread in the thread-pool engine).
 *
 * <p>A connection accepted by an ACCEPT request belongs to the library until its user takes it
 * with {@link Event#acceptedSocket()}; one never taken is closed when its request is reused
 * or its context closes.
 *
 * <p>{@link #close()} cancels the requests in flight on the socket (they end with
 * -ECANCELED unless they were already finishing), refuses new ones at once, and releases the
 * descriptor when the last of them has its event, so the kernel never works on a descriptor
 * number that was reused.
 */
public final class IoSocket implements Closeable {
    final FileHandle handle;
    private final int family;

    private IoSocket(FileHandle handle, int family) {
        this.handle = handle;
        this.family = family;
    }

    /**
     * Opens an unbound, unconnected stream socket of {@code family}: {@link StandardProtocolFamily#INET},
     * {@link StandardProtocolFamily#INET6} or {@link StandardProtocolFamily#UNIX}. Linux only.
     *
     * @throws IOException when the kernel refuses (descriptor limit ...)
     * @throws UnsupportedOperationException off Linux, or for another family
     */
    public static IoSocket open(ProtocolFamily family) throws IOException {
        int af = af(Objects.requireNonNull(family, "family"));
        return new IoSocket(Sockets.open(af), af);
    }

    /**
     * A listening socket on {@code local}: opened for the address's family, with
     * SO_REUSEADDR for an internet address, bound, and listening with {@code backlog}.
     *
     * @throws java.net.BindException when the address is in use
     * @throws IOException for other failures
     */
    public static IoSocket openServer(SocketAddress local, int backlog) throws IOException {
        IoSocket s = open(familyOf(local));
        try {
            if (s.family != Sockets.AF_UNIX) {
                s.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            }
            return s.bind(local).listen(backlog);
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /** A connected pair of Unix domain stream sockets (socketpair(2)). */
    public static IoSocket[] pair() throws IOException {
        FileHandle[] h = Sockets.pair();
        return new IoSocket[] {new IoSocket(h[0], Sockets.AF_UNIX), new IoSocket(h[1], Sockets.AF_UNIX)};
    }

    /** A connection the library accepted, handed to the user. */
    static IoSocket adopted(FileHandle h) {
        int af;
        try {
            af = Sockets.family(h);
        } catch (IOException e) {
            af = Sockets.AF_INET;
        }
        return new IoSocket(h, af);
    }

    private static int af(ProtocolFamily f) {
        if (f == StandardProtocolFamily.INET) {
            return Sockets.AF_INET;
        }
        if (f == StandardProtocolFamily.INET6) {
            return Sockets.AF_INET6;
        }
        if (f == StandardProtocolFamily.UNIX) {
            return Sockets.AF_UNIX;
        }
        throw new UnsupportedOperationException("protocol family " + f + " is not supported");
    }

    private static ProtocolFamily familyOf(SocketAddress a) {
        Objects.requireNonNull(a, "address");
        if (a instanceof UnixDomainSocketAddress) {
            return StandardProtocolFamily.UNIX;
        }
        if (a instanceof InetSocketAddress in && in.getAddress() != null) {
            return in.getAddress().getAddress().length == 4 ? StandardProtocolFamily.INET : StandardProtocolFamily.INET6;
        }
        throw new IllegalArgumentException("unsupported or unresolved address " + a);
    }

    /** The socket's protocol family. */
    public ProtocolFamily family() {
        return family == Sockets.AF_INET ? StandardProtocolFamily.INET
                : family == Sockets.AF_INET6 ? StandardProtocolFamily.INET6 : StandardProtocolFamily.UNIX;
    }

    /**
     * Binds to {@code local} (port 0: one the kernel picks; see {@link #localAddress()}).
     *
     * @throws java.net.BindException when the address is in use
     * @throws IllegalArgumentException when the address does not suit the socket's family
     * @throws IOException for other failures, or when closed
     */
    public IoSocket bind(SocketAddress local) throws IOException {
        Sockets.bind(handle, Objects.requireNonNull(local, "local"), family);
        return this;
    }

    /**
     * Listens for connections, with room for {@code backlog} waiting ones.
     *
     * @throws IOException when not bound suitably, or closed
     */
    public IoSocket listen(int backlog) throws IOException {
        Sockets.listen(handle, backlog);
        return this;
    }

    /**
     * Sets an option. Supported: SO_REUSEADDR, SO_REUSEPORT, SO_KEEPALIVE, SO_SNDBUF,
     * SO_RCVBUF, SO_LINGER and TCP_NODELAY of {@link StandardSocketOptions}.
     *
     * @throws UnsupportedOperationException for another option
     * @throws IOException when the kernel refuses, or the socket is closed
     */
    public <T> IoSocket setOption(SocketOption<T> option, T value) throws IOException {
        Objects.requireNonNull(value, "value");
        if (option == StandardSocketOptions.SO_LINGER) {
            Sockets.setLinger(handle, (Integer) value);
            return this;
        }
        int[] where = where(option);
        int v = value instanceof Boolean b ? (b ? 1 : 0) : (Integer) value;
        Sockets.setOption(handle, where[0], where[1], v, option.name());
        return this;
    }

    /**
     * An option's value (the kernel's: SO_SNDBUF and SO_RCVBUF read back doubled, as Linux
     * reports them).
     *
     * @throws UnsupportedOperationException for an option {@link #setOption} does not take, or SO_LINGER
     * @throws IOException when the socket is closed
     */
    @SuppressWarnings("unchecked")
    public <T> T getOption(SocketOption<T> option) throws IOException {
        int[] where = where(option);
        int v = Sockets.option(handle, where[0], where[1], option.name());
        return option.type() == Boolean.class ? (T) Boolean.valueOf(v != 0) : (T) Integer.valueOf(v);
    }

    private static int[] where(SocketOption<?> o) {
        if (o == StandardSocketOptions.SO_REUSEADDR) {
            return new int[] {Sockets.SOL_SOCKET, Sockets.SO_REUSEADDR};
        }
        if (o == StandardSocketOptions.SO_REUSEPORT) {
            return new int[] {Sockets.SOL_SOCKET, Sockets.SO_REUSEPORT};
        }
        if (o == StandardSocketOptions.SO_KEEPALIVE) {
            return new int[] {Sockets.SOL_SOCKET, Sockets.SO_KEEPALIVE};
        }
        if (o == StandardSocketOptions.SO_SNDBUF) {
            return new int[] {Sockets.SOL_SOCKET, Sockets.SO_SNDBUF};
        }
        if (o == StandardSocketOptions.SO_RCVBUF) {
            return new int[] {Sockets.SOL_SOCKET, Sockets.SO_RCVBUF};
        }
        if (o == StandardSocketOptions.TCP_NODELAY) {
            return new int[] {Sockets.IPPROTO_TCP, Sockets.TCP_NODELAY};
        }
        throw new UnsupportedOperationException("socket option " + o.name() + " is not supported");
    }

    /**
     * The address it is bound to, or null when unbound.
     *
     * @throws IOException when closed
     */
    public SocketAddress localAddress() throws IOException {
        return Sockets.localAddress(handle);
    }

    /**
     * The peer's address, or null when not connected.
     *
     * @throws IOException when closed
     */
    public SocketAddress remoteAddress() throws IOException {
        return Sockets.remoteAddress(handle);
    }

    /** The kernel form of {@code remote} for this socket (CONNECT's argument). */
    MemorySegment encode(SocketAddress remote) {
        return Sockets.address(remote, family);
    }

    /** Whether it is open (not yet closed by {@link #close()} or a CLOSE request). */
    public boolean isOpen() {
        return handle.isOpen();
    }

    /**
     * Closes the socket: new requests on it are refused at once, those in flight are cancelled
     * (each still has exactly one event, -ECANCELED unless it was already finishing), and the
     * descriptor is released when the last of them is done. Idempotent.
     */
    @Override
    public void close() {
        handle.close();
        SocketClose.cancelInFlight(handle, null);
    }

    @Override
    public String toString() {
        return "IoSocket[" + handle.name() + ", " + family() + "]";
    }
}
