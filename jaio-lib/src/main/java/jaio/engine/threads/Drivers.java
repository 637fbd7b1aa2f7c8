package jaio.engine.threads;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jaio.Capability;
import jaio.Errno;
import jaio.Opcode;
import jaio.RequestFlag;
import jaio.engine.WorkerPool;
import jaio.spi.BufferAccess;
import jaio.spi.Capabilities;
import jaio.spi.Execution;
import jaio.spi.Op;

/**
 * Immutable once built, so any thread may read it: the thread-pool engine's opcodes, one
 * {@link OpDriver} per {@link Opcode}. An opcode this table lacks is absent from the
 * capability report, so the context refuses it at submission. Adding an opcode is a driver
 * file and a line in {@link #table}.
 */
final class Drivers {
    private static final OpDriver[] TABLE = table();
    /** {@link OpDriver#inline()} by opcode, read on every submission without a call. */
    private static final boolean[] INLINE = inline(TABLE);

    /** A worker that runs any op through the table; it holds nothing, so all threads share it. */
    static final WorkerPool.Worker WORKER = Drivers::iterate;

    private Drivers() {}

    private static OpDriver[] table() {
        OpDriver[] t = new OpDriver[Opcode.values().length];
        put(t, new TransferDriver(), Opcode.PREAD, Opcode.PWRITE, Opcode.PREADV, Opcode.PWRITEV);
        put(t, new SyncDriver(), Opcode.FSYNC, Opcode.FDSYNC);
        put(t, new NoopDriver(), Opcode.NOOP);
        return t;
    }

    private static void put(OpDriver[] t, OpDriver d, Opcode... opcodes) {
        for (Opcode o : opcodes) {
            t[o.ordinal()] = d;
        }
    }

    private static boolean[] inline(OpDriver[] t) {
        boolean[] in = new boolean[t.length];
        for (int i = 0; i < t.length; i++) {
            in[i] = t[i] != null && t[i].inline();
        }
        return in;
    }

    /** Whether {@code o}'s first iteration runs on the submitting thread. */
    static boolean inline(Opcode o) {
        return INLINE[o.ordinal()];
    }

    /** One iteration of {@code op} by its opcode's driver. */
    static long iterate(Op op) throws Exception {
        OpDriver d = TABLE[op.opcode.ordinal()];
        // The context refuses what the report lacks; this only guards a caller below it.
        return d == null ? -Errno.EOPNOTSUPP : d.iterate(op);
    }

    /** The capability report of an engine with up to {@code workers} worker threads, from the table. */
    static Capabilities capabilities(int workers) {
        Map<Opcode, Execution> ops = new EnumMap<>(Opcode.class);
        Set<OpDriver> drivers = new LinkedHashSet<>();
        for (Opcode o : Opcode.values()) {
            OpDriver d = TABLE[o.ordinal()];
            if (d != null) {
                ops.put(o, d.execution());
                drivers.add(d);
            }
        }
        EnumSet<RequestFlag> flags = EnumSet.noneOf(RequestFlag.class);
        List<String> features = new ArrayList<>(List.of("system calls on the descriptor (FileChannel positional I/O without one)",
                "up to " + workers + " worker threads, started on demand"));
        for (OpDriver d : drivers) {
            flags.addAll(d.flags());
            features.addAll(d.features());
        }
        return new Capabilities("threads", ops, flags, BufferAccess.THREAD_ACCESSIBLE, false, false, features, true)
                .withMechanisms(EnumSet.noneOf(Capability.class), Map.of(
                        Capability.SHARED_RING, "events wait in jaio's queue: taking them costs no system call",
                        Capability.PREAD_PWRITE, "pread, pwrite (read, write on pipes) on a worker",
                        Capability.VECTORED, "pread, pwrite a buffer at a time",
                        Capability.SYNC, "fsync, fdatasync on a worker",
                        Capability.NOOP_TIMEOUT, "NOOP by jaio",
                        Capability.REQUEST_FLAGS, "fsync or fdatasync after the write",
                        Capability.THREADS, "system calls on a bounded pool, started on demand"));
    }
}
