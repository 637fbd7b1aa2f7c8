package jaio.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import org.junit.jupiter.api.Test;

/**
 * The socket structs against the kernel's ABI (struct msghdr of linux/socket.h, sockaddr_in of
 * linux/in.h, sockaddr_in6 of linux/in6.h, sockaddr_un of linux/un.h), and addresses through
 * them and back.
 */
class NetLayoutTest {
    @Test
    void structSizesAndOffsets() {
        assertEquals(56, MsgHdr.SIZE);
        assertEquals(0, MsgHdr.MSG_NAME);
        assertEquals(8, MsgHdr.MSG_NAMELEN);
        assertEquals(16, MsgHdr.MSG_IOV);
        assertEquals(24, MsgHdr.MSG_IOVLEN);
        assertEquals(32, MsgHdr.MSG_CONTROL);
        assertEquals(40, MsgHdr.MSG_CONTROLLEN);
        assertEquals(48, MsgHdr.MSG_FLAGS);
        assertEquals(16, SockAddr.IN.byteSize());
        assertEquals(28, SockAddr.IN6.byteSize());
        assertEquals(110, SockAddr.UN.byteSize());
    }

    @Test
    void addressesGoThroughTheKernelFormAndBack() throws Exception {
        try (Arena a = Arena.ofConfined()) {
            SocketAddress v4 = new InetSocketAddress(InetAddress.getByName("10.1.2.3"), 8080);
            MemorySegment s4 = SockAddr.encode(v4, Net.AF_INET, a);
            assertEquals(16, s4.byteSize());
            // Port in network byte order: 8080 = 0x1F90.
            assertEquals(0x1F, s4.get(ValueLayout.JAVA_BYTE, 2) & 0xFF);
            assertEquals(0x90, s4.get(ValueLayout.JAVA_BYTE, 3) & 0xFF);
            assertEquals(v4, SockAddr.decode(s4, 16));

            SocketAddress v6 = new InetSocketAddress(InetAddress.getByName("::1"), 443);
            assertEquals(v6, SockAddr.decode(SockAddr.encode(v6, Net.AF_INET6, a), 28));

            MemorySegment mapped = SockAddr.encode(v4, Net.AF_INET6, a);
            assertEquals(new InetSocketAddress(InetAddress.getByName("::ffff:10.1.2.3"), 8080),
                    SockAddr.decode(mapped, 28), "IPv4 given to an IPv6 socket is IPv4-mapped");

            UnixDomainSocketAddress u = UnixDomainSocketAddress.of("/tmp/x.sock");
            MemorySegment su = SockAddr.encode(u, Net.AF_UNIX, a);
            assertEquals(2 + 11 + 1, su.byteSize());
            assertEquals(u, SockAddr.decode(su, (int) su.byteSize()));

            assertThrows(IllegalArgumentException.class, () -> SockAddr.encode(u, Net.AF_INET, a));
            assertThrows(IllegalArgumentException.class, () -> SockAddr.encode(v6, Net.AF_INET, a));
            assertThrows(IllegalArgumentException.class,
                    () -> SockAddr.encode(InetSocketAddress.createUnresolved("example.org", 80), Net.AF_INET, a));
            assertThrows(IllegalArgumentException.class,
                    () -> SockAddr.encode(UnixDomainSocketAddress.of("/" + "p".repeat(120)), Net.AF_UNIX, a));
        }
    }
}
