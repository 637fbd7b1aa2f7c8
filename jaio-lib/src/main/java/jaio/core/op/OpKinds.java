package jaio.core.op;

import java.util.EnumMap;
import java.util.Map;
import jaio.Opcode;

/**
 * The one table from an opcode to its {@link OpKind}. A new opcode is a new kind in its own
 * file (or an existing kind reused) and one line here; OpKindsTest fails while an opcode has
 * none. Immutable once initialised; any thread may read it.
 */
public final class OpKinds {
    private static final OpKind[] BY_OPCODE = table();

    /**
     * Whether any kind has a finishing step. A constant once the class is initialised, so the
     * completion path skips the table entirely while no kind needs it.
     */
    public static final boolean ANY_FINISHES = anyFinishes();

    private OpKinds() {}

    private static OpKind[] table() {
        Map<Opcode, OpKind> t = new EnumMap<>(Opcode.class);
        t.put(Opcode.PREAD, TransferKind.READ);
        t.put(Opcode.PREADV, TransferKind.READ);
        t.put(Opcode.PWRITE, TransferKind.WRITE);
        t.put(Opcode.PWRITEV, TransferKind.WRITE);
        t.put(Opcode.FSYNC, SyncKind.INSTANCE);
        t.put(Opcode.FDSYNC, SyncKind.INSTANCE);
        t.put(Opcode.POLL, PollKind.INSTANCE);
        t.put(Opcode.NOOP, NoopKind.INSTANCE);
        t.put(Opcode.TIMEOUT, TimeoutKind.INSTANCE);
        t.put(Opcode.LINK_TIMEOUT, LinkTimeoutKind.INSTANCE);
        t.put(Opcode.SENDFILE, SendfileKind.INSTANCE);
        t.put(Opcode.ACCEPT, SocketKind.Accept.INSTANCE);
        t.put(Opcode.CONNECT, SocketKind.Connect.INSTANCE);
        t.put(Opcode.RECV, SocketKind.Stream.RECV);
        t.put(Opcode.RECVMSG, SocketKind.Stream.RECV);
        t.put(Opcode.SEND, SocketKind.Stream.SEND);
        t.put(Opcode.SENDMSG, SocketKind.Stream.SEND);
        t.put(Opcode.SHUTDOWN, SocketKind.Plain.INSTANCE);
        t.put(Opcode.CLOSE, SocketKind.Plain.INSTANCE);
        OpKind[] a = new OpKind[Opcode.values().length];
        for (Map.Entry<Opcode, OpKind> e : t.entrySet()) {
            a[e.getKey().ordinal()] = e.getValue();
        }
        return a;
    }

    private static boolean anyFinishes() {
        for (OpKind k : BY_OPCODE) {
            if (k != null && k.finishes()) {
                return true;
            }
        }
        return false;
    }

    /** The kind of {@code code}, or null for an opcode no kind describes yet. */
    public static OpKind of(Opcode code) {
        return BY_OPCODE[code.ordinal()];
    }
}
