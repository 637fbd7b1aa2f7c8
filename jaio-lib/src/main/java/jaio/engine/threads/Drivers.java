package jaio.engine.threads;

import jaio.engine.Worker;
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
import jaio.linux.Native;
import jaio.spi.BufferAccess;
import jaio.spi.Capabilities;
import jaio.spi.Execution;
import jaio.spi.Op;

/**
 * Immutable once built, so any thread may read it: one thread-pool engine's opcodes, one
 * {@link OpDriver} per {@link Opcode}. The drivers that wait (POLL, TIMEOUT, sockets and
 * streams) share the engine's {@link Poller}; the table describing the engine for its
 * capability report is built without one. An opcode this table lacks is absent from the
 * capability report, so the context refuses it at submission. Adding an opcode is a driver
 * file and a line in {@link #table}.
 */
final class Drivers {
    private final OpDriver[] table;
    /** {@link OpDriver#inline()} by opcode, read on every submission without a call. */
    private final boolean[] inline;
    private final StreamDriver streams;

    /** A worker that runs any op through the table; it holds nothing, so all threads share it. */
    final Worker worker = new Worker() {
        @Override
        public long iterate(Op op) throws Exception {
            return Drivers.this.iterate(op);
        }

        @Override
        public long iterateQuick(Op op) throws Exception {
            OpDriver d = table[op.opcode.ordinal()];
            return d == null ? Worker.WOULD_WAIT : d.iterateQuick(op);
        }
    };

    /** @param poller the engine's poller; null for a table that only describes the engine */
    Drivers(Poller poller) {
        this.streams = Native.LINUX ? new StreamDriver(poller, false) : null;
        this.table = table(poller, streams);
        this.inline = inline(table);
    }

    private static OpDriver[] table(Poller poller, StreamDriver streams) {
        OpDriver[] t = new OpDriver[Opcode.values().length];
        put(t, new TransferDriver(streams), Opcode.PREAD, Opcode.PWRITE, Opcode.PREADV, Opcode.PWRITEV);
        put(t, new SyncDriver(), Opcode.FSYNC, Opcode.FDSYNC);
        put(t, new NoopDriver(), Opcode.NOOP);
        if (streams != null) {
            // The poller waits in ppoll(2) and the calls are Linux's.
            put(t, new PollDriver(poller), Opcode.POLL);
            put(t, new TimeoutDriver(poller), Opcode.TIMEOUT);
            put(t, streams, Opcode.ACCEPT, Opcode.CONNECT, Opcode.RECV, Opcode.SEND, Opcode.RECVMSG, Opcode.SENDMSG,
                    Opcode.SENDFILE);
            put(t, new StreamDriver(poller, true), Opcode.SHUTDOWN, Opcode.CLOSE);
        }
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
    boolean inline(Opcode o) {
        return inline[o.ordinal()];
    }

    /** The driver of sockets and streams, which the poller resumes; null off Linux. */
    StreamDriver streams() {
        return streams;
    }

    /** Whether a thread waiting for events may run {@code op}'s next iteration (see {@link OpDriver#runsOnWaiter}). */
    boolean runsOnWaiter(Op op) {
        OpDriver d = table[op.opcode.ordinal()];
        return d != null && d.runsOnWaiter(op);
    }

    /** One iteration of {@code op} by its opcode's driver. */
    long iterate(Op op) throws Exception {
        OpDriver d = table[op.opcode.ordinal()];
        // The context refuses what the report lacks; this only guards a caller below it.
        return d == null ? -Errno.EOPNOTSUPP : d.iterate(op);
    }

    /** The capability report of an engine with up to {@code workers} worker threads, from the table. */
    static Capabilities capabilities(int workers) {
        OpDriver[] table = new Drivers(null).table;
        Map<Opcode, Execution> ops = new EnumMap<>(Opcode.class);
        Set<OpDriver> drivers = new LinkedHashSet<>();
        for (Opcode o : Opcode.values()) {
            OpDriver d = table[o.ordinal()];
            if (d != null) {
                ops.put(o, d.execution());
                drivers.add(d);
            }
        }
        EnumSet<RequestFlag> flags = EnumSet.noneOf(RequestFlag.class);
        List<String> features = new ArrayList<>(List.of("system calls on the descriptor (FileChannel positional I/O without one)",
                "up to " + workers + " worker threads, started on demand",
                "buffered writes: one per file at a time, the next as it ends (the file system serializes them"
                        + " anyway); side by side for 10 ms after a sync starts, and always for O_DIRECT writes and"
                        + " writes that sync themselves"));
        for (OpDriver d : drivers) {
            flags.addAll(d.flags());
            features.addAll(d.features());
        }
        Map<Capability, String> notes = new EnumMap<>(Map.of(
                Capability.SHARED_RING, "events wait in jaio's queue: taking them costs no system call",
                Capability.PREAD_PWRITE, "pread, pwrite on a worker (pipes and sockets: non-blocking read, write)",
                Capability.VECTORED, "pread, pwrite a buffer at a time",
                Capability.SYNC, "fsync, fdatasync on a worker",
                Capability.NOOP_TIMEOUT, ops.containsKey(Opcode.TIMEOUT) ? "NOOP by jaio; TIMEOUT on the poller's timer"
                        : "NOOP by jaio",
                Capability.REQUEST_FLAGS, "fsync or fdatasync after the write",
                Capability.THREADS, "system calls on a bounded pool, started on demand"));
        if (ops.containsKey(Opcode.POLL)) {
            notes.put(Capability.POLL, "ppoll on one poller thread");
            notes.put(Capability.NETWORK, "non-blocking accept4, connect, recv, send, recvmsg, sendmsg; readiness on"
                    + " one poller thread (ppoll), never a thread per connection");
            notes.put(Capability.SENDFILE, "sendfile(2) without blocking, the poller while the socket is full;"
                    + " zero copy from the page cache");
        }
        return new Capabilities("threads", ops, flags, BufferAccess.THREAD_ACCESSIBLE, false, false, features, true)
                .withMechanisms(EnumSet.noneOf(Capability.class), notes);
    }
}
