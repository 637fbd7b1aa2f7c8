package jaio.linux;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Stateless, any thread: socket addresses in the kernel's layouts, struct sockaddr_in
 * (linux/in.h, 16 bytes), sockaddr_in6 (linux/in6.h, 28 bytes) and sockaddr_un (linux/un.h,
 * 110 bytes), to and from the JDK's address types. Ports and IPv4/IPv6 addresses are in
 * network byte order.
 */
public final class SockAddr {
    public static final StructLayout IN = MemoryLayout.structLayout(
            JAVA_SHORT.withName("sin_family"),
            JAVA_SHORT.withOrder(ByteOrder.BIG_ENDIAN).withName("sin_port"),
            MemoryLayout.sequenceLayout(4, JAVA_BYTE).withName("sin_addr"),
            MemoryLayout.paddingLayout(8));
    public static final StructLayout IN6 = MemoryLayout.structLayout(
            JAVA_SHORT.withName("sin6_family"),
            JAVA_SHORT.withOrder(ByteOrder.BIG_ENDIAN).withName("sin6_port"),
            JAVA_INT.withName("sin6_flowinfo"),
            MemoryLayout.sequenceLayout(16, JAVA_BYTE).withName("sin6_addr"),
            JAVA_INT.withName("sin6_scope_id"));
    public static final StructLayout UN = MemoryLayout.structLayout(
            JAVA_SHORT.withName("sun_family"),
            MemoryLayout.sequenceLayout(108, JAVA_BYTE).withName("sun_path"));

    /** Room for any of them (sizeof(struct sockaddr_storage) is more than enough). */
    public static final int MAX_SIZE = 128;

    private static final long IN_PORT = IN.byteOffset(groupElement("sin_port"));
    private static final long IN_ADDR = IN.byteOffset(groupElement("sin_addr"));
    private static final long IN6_PORT = IN6.byteOffset(groupElement("sin6_port"));
    private static final long IN6_ADDR = IN6.byteOffset(groupElement("sin6_addr"));
    private static final long IN6_SCOPE = IN6.byteOffset(groupElement("sin6_scope_id"));
    private static final long UN_PATH = UN.byteOffset(groupElement("sun_path"));
    private static final int UN_PATH_MAX = 108;
    private static final java.lang.foreign.ValueLayout.OfShort PORT = JAVA_SHORT.withOrder(ByteOrder.BIG_ENDIAN);

    private SockAddr() {}

    /**
     * The kernel form of {@code address} in memory of {@code arena}, exactly as long as the
     * address (its byteSize is the socklen_t to pass). An IPv4 address given to an IPv6 socket
     * ({@code family} AF_INET6) is written as IPv4-mapped.
     *
     * @throws IllegalArgumentException for an unresolved host, a Unix path too long, or an
     *         address type the socket's family cannot take
     */
    public static MemorySegment encode(SocketAddress address, int family, Arena arena) {
        if (address instanceof UnixDomainSocketAddress u) {
            if (family != Net.AF_UNIX) {
                throw new IllegalArgumentException("a Unix domain address for an internet socket: " + u);
            }
            byte[] p = u.getPath().toString().getBytes(StandardCharsets.UTF_8);
            if (p.length >= UN_PATH_MAX) {
                throw new IllegalArgumentException("Unix socket path longer than " + (UN_PATH_MAX - 1) + " bytes: " + u);
            }
            // Unnamed (empty path): just the family, as the kernel reports it.
            MemorySegment s = arena.allocate(UN_PATH + p.length + (p.length == 0 ? 0 : 1), 8);
            s.set(JAVA_SHORT, 0, (short) Net.AF_UNIX);
            MemorySegment.copy(p, 0, s, JAVA_BYTE, UN_PATH, p.length);
            return s;
        }
        if (!(address instanceof InetSocketAddress in)) {
            throw new IllegalArgumentException("unsupported address type " + address.getClass().getName());
        }
        if (in.isUnresolved()) {
            throw new IllegalArgumentException("unresolved address " + in);
        }
        if (family == Net.AF_UNIX) {
            throw new IllegalArgumentException("an internet address for a Unix domain socket: " + in);
        }
        InetAddress a = in.getAddress();
        if (family == Net.AF_INET) {
            if (!(a instanceof Inet4Address)) {
                throw new IllegalArgumentException("an IPv6 address for an IPv4 socket: " + in);
            }
            MemorySegment s = arena.allocate(IN);
            s.set(JAVA_SHORT, 0, (short) Net.AF_INET);
            s.set(PORT, IN_PORT, (short) in.getPort());
            MemorySegment.copy(a.getAddress(), 0, s, JAVA_BYTE, IN_ADDR, 4);
            return s;
        }
        byte[] b = a.getAddress();
        if (b.length == 4) {
            byte[] mapped = new byte[16];
            mapped[10] = (byte) 0xFF;
            mapped[11] = (byte) 0xFF;
            System.arraycopy(b, 0, mapped, 12, 4);
            b = mapped;
        }
        MemorySegment s = arena.allocate(IN6);
        s.set(JAVA_SHORT, 0, (short) Net.AF_INET6);
        s.set(PORT, IN6_PORT, (short) in.getPort());
        MemorySegment.copy(b, 0, s, JAVA_BYTE, IN6_ADDR, 16);
        s.set(JAVA_INT, IN6_SCOPE, a instanceof Inet6Address i6 ? i6.getScopeId() : 0);
        return s;
    }

    /** The address the kernel wrote into {@code s} ({@code len} bytes), or null for an unknown family. */
    public static SocketAddress decode(MemorySegment s, int len) {
        int family = s.get(JAVA_SHORT, 0);
        try {
            if (family == Net.AF_INET) {
                byte[] b = s.asSlice(IN_ADDR, 4).toArray(JAVA_BYTE);
                return new InetSocketAddress(InetAddress.getByAddress(b), s.get(PORT, IN_PORT) & 0xFFFF);
            }
            if (family == Net.AF_INET6) {
                byte[] b = s.asSlice(IN6_ADDR, 16).toArray(JAVA_BYTE);
                int scope = s.get(JAVA_INT, IN6_SCOPE);
                InetAddress a = scope != 0 ? Inet6Address.getByAddress(null, b, scope) : InetAddress.getByAddress(b);
                return new InetSocketAddress(a, s.get(PORT, IN6_PORT) & 0xFFFF);
            }
        } catch (UnknownHostException e) {
            throw new AssertionError("a raw address of the right length is always accepted", e);
        }
        if (family == Net.AF_UNIX) {
            int n = 0;
            int max = Math.max(0, len - (int) UN_PATH);
            while (n < max && s.get(JAVA_BYTE, UN_PATH + n) != 0) {
                n++;
            }
            byte[] p = s.asSlice(UN_PATH, n).toArray(JAVA_BYTE);
            return UnixDomainSocketAddress.of(new String(p, StandardCharsets.UTF_8));
        }
        return null;
    }
}
