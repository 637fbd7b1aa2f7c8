package jaio.linux;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;

/**
 * struct msghdr from include/linux/socket.h (56 bytes on 64-bit Linux): what sendmsg(2) and
 * recvmsg(2) read, here always without a name or control data, only an iovec array.
 */
public final class MsgHdr {
    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
            ADDRESS.withName("msg_name"),
            JAVA_INT.withName("msg_namelen"),
            MemoryLayout.paddingLayout(4),
            ADDRESS.withName("msg_iov"),
            JAVA_LONG.withName("msg_iovlen"),
            ADDRESS.withName("msg_control"),
            JAVA_LONG.withName("msg_controllen"),
            JAVA_INT.withName("msg_flags"),
            MemoryLayout.paddingLayout(4));

    /** sizeof(struct msghdr). */
    public static final long SIZE = LAYOUT.byteSize();

    public static final long MSG_NAME = LAYOUT.byteOffset(groupElement("msg_name"));
    public static final long MSG_NAMELEN = LAYOUT.byteOffset(groupElement("msg_namelen"));
    public static final long MSG_IOV = LAYOUT.byteOffset(groupElement("msg_iov"));
    public static final long MSG_IOVLEN = LAYOUT.byteOffset(groupElement("msg_iovlen"));
    public static final long MSG_CONTROL = LAYOUT.byteOffset(groupElement("msg_control"));
    public static final long MSG_CONTROLLEN = LAYOUT.byteOffset(groupElement("msg_controllen"));
    public static final long MSG_FLAGS = LAYOUT.byteOffset(groupElement("msg_flags"));

    private MsgHdr() {}

    /** Fills the msghdr at {@code msg} to carry {@code iovcnt} iovecs at {@code iov}, nothing else. */
    public static void set(MemorySegment msg, MemorySegment iov, int iovcnt) {
        msg.set(JAVA_LONG, MSG_NAME, 0L);
        msg.set(JAVA_INT, MSG_NAMELEN, 0);
        msg.set(JAVA_LONG, MSG_IOV, iov.address());
        msg.set(JAVA_LONG, MSG_IOVLEN, iovcnt);
        msg.set(JAVA_LONG, MSG_CONTROL, 0L);
        msg.set(JAVA_LONG, MSG_CONTROLLEN, 0L);
        msg.set(JAVA_INT, MSG_FLAGS, 0);
    }
}
