package jaio;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import jaio.spi.Capabilities;
import jaio.spi.Execution;

/**
 * Derives {@link EngineInfo#support()} from an engine's capability report: operations from its
 * opcode map and flags, engines by kind, request priority from whether it reaches the kernel,
 * the ring, submit-and-wait and registered memory from what the engine says the kernel does,
 * and everything a context does for every engine as jaio's own. The engine's notes name the
 * mechanisms.
 */
final class SupportTable {

    private SupportTable() {}

    static Map<Capability, Support> of(Engine engine, Capabilities caps) {
        Map<Capability, Support> m = new EnumMap<>(Capability.class);
        for (Capability c : Capability.values()) {
            m.put(c, support(c, engine, caps));
        }
        return m;
    }

    private static Support support(Capability c, Engine engine, Capabilities caps) {
        String note = caps.notes().getOrDefault(c, "");
        return switch (c) {
            case OPEN_CLOSE, BATCH_SUBMIT, FLOW_CONTROL, REAPING, AT_LEAST_N, AWAIT_ONE, CANCEL, RESIZE,
                 CALLBACKS_NOTIFY, GROUP_WAIT, RETRY, AUTO, PRIORITY_DELIVERY, CONCURRENCY ->
                    new Support(Support.Kind.LIBRARY, note);
            case SUBMIT_AND_WAIT -> kernelOrLibrary(c, caps, note, "a submit, then a wait");
            case SHARED_RING -> kernelOrLibrary(c, caps, note, "");
            case BUFFERS -> kernelOrLibrary(c, caps, note, "aligned buffers from IoBuffers, held while in flight;"
                    + " nothing registered");
            case PREAD_PWRITE -> operations(caps, note, Opcode.PREAD, Opcode.PWRITE);
            case VECTORED -> operations(caps, note, Opcode.PREADV, Opcode.PWRITEV);
            case SYNC -> operations(caps, note, Opcode.FSYNC, Opcode.FDSYNC);
            case POLL -> operations(caps, note, Opcode.POLL);
            case NOOP_TIMEOUT -> operations(caps, note, Opcode.NOOP, Opcode.TIMEOUT);
            case REQUEST_FLAGS -> flags(caps, note);
            case IO_URING -> engine(engine == Engine.IO_URING, Support.Kind.KERNEL, note);
            case NATIVE_AIO -> engine(engine == Engine.KAIO, kind(caps, Opcode.PREAD), note);
            case THREADS -> engine(engine == Engine.THREADS, Support.Kind.WORKER, note);
            case KERNEL_PRIORITY -> caps.kernelPriority() ? new Support(Support.Kind.KERNEL, note)
                    : new Support(Support.Kind.NONE, "priority orders delivery only: P2");
            case OBSERVABILITY -> new Support(Support.Kind.LIBRARY, "ContextStats; jaio.nio: JFR events"
                    + " (jaio.IoRequest, jaio.ContextStatistics), an MXBean per context, the diagnosis mode");
            case COMPLETABLE_FUTURE -> new Support(Support.Kind.LIBRARY, "jaio.nio.AsyncFile");
            case JDK_CHANNELS -> new Support(Support.Kind.LIBRARY, "jaio.nio: JaioAsynchronousFileChannel,"
                    + " JaioFileChannel, JaioFileSystemProvider");
            case VIRTUAL_THREADS -> new Support(Support.Kind.LIBRARY, "virtual threads park in Java (jaio.nio's"
                    + " channels and futures, getEvents, await); a platform thread waits in the kernel");
            case ORDERING -> new Support(Support.Kind.LIBRARY, "jaio's chain runner: soft and hard links, link timeouts,"
                    + " barriers; one member at a time reaches the engine");
            case NETWORK -> operations(caps, note, Opcode.ACCEPT, Opcode.CONNECT, Opcode.RECV, Opcode.SEND,
                    Opcode.RECVMSG, Opcode.SENDMSG, Opcode.SHUTDOWN, Opcode.CLOSE);
            case SENDFILE -> operations(caps, note, Opcode.SENDFILE);
            case FILE_SERVER -> caps.supports(Opcode.SENDFILE) && caps.supports(Opcode.ACCEPT)
                    ? new Support(Support.Kind.LIBRARY, "examples/, ./jaio serve: one context, one thread, bodies by"
                    + " SENDFILE") : new Support(Support.Kind.NONE, "needs ACCEPT and SENDFILE");
            // The POSIX facade (jaio.posix) runs over any context: the same code for every engine.
            case POSIX_AIO -> new Support(Support.Kind.LIBRARY, "jaio.posix.PosixAio over the context");
            case LIO_LISTIO -> new Support(Support.Kind.LIBRARY, "one batched submit per list");
            case SIGEVENT -> new Support(Support.Kind.LIBRARY, "SIGEV_NONE, SIGEV_THREAD, SIGEV_KEVENT as a NOOP event"
                    + " posted into the caller's context; aio_waitcomplete");
            case BENCH_TOOL, VERIFY -> new Support(Support.Kind.LIBRARY, "bench tool");
        };
    }

    private static Support kernelOrLibrary(Capability c, Capabilities caps, String note, String otherwise) {
        if (caps.inKernel().contains(c)) {
            return new Support(Support.Kind.KERNEL, note);
        }
        return new Support(Support.Kind.LIBRARY, note.isEmpty() ? otherwise : note);
    }

    /** The engine row of the table: the engine itself, or none for the others. */
    private static Support engine(boolean self, Support.Kind kind, String note) {
        return self ? new Support(kind, note) : new Support(Support.Kind.NONE, "");
    }

    /** A group of opcodes: how the first one the engine has runs, and which it lacks. */
    private static Support operations(Capabilities caps, String note, Opcode... group) {
        Support.Kind kind = null;
        List<String> missing = new ArrayList<>();
        for (Opcode o : group) {
            if (!caps.supports(o)) {
                missing.add(o.name());
            } else if (kind == null) {
                kind = kind(caps, o);
            }
        }
        if (kind == null) {
            return new Support(Support.Kind.NONE, "not offered");
        }
        return new Support(kind, join(note, missing.isEmpty() ? "" : "no " + String.join(", ", missing)));
    }

    /** Flags ride with the transfers, so they are carried the way a write is. */
    private static Support flags(Capabilities caps, String note) {
        List<String> on = new ArrayList<>();
        List<String> off = new ArrayList<>();
        for (RequestFlag f : RequestFlag.values()) {
            (caps.supports(f) ? on : off).add(f.name());
        }
        if (on.isEmpty()) {
            return new Support(Support.Kind.NONE, "no request flags");
        }
        String which = String.join(", ", on) + (off.isEmpty() ? "" : "; no " + String.join(", ", off));
        return new Support(kind(caps, Opcode.PWRITE), join(which, note));
    }

    private static Support.Kind kind(Capabilities caps, Opcode o) {
        Execution e = caps.opcodes().get(o);
        if (e == null) {
            return Support.Kind.NONE;
        }
        return switch (e) {
            case KERNEL_ASYNC, KERNEL_POLL_THEN_CALL -> Support.Kind.KERNEL;
            case POLLER -> Support.Kind.WORKER;
            case KERNEL_NOWAIT_THEN_WORKER -> Support.Kind.KERNEL_THEN_WORKER;
            case WORKER -> Support.Kind.WORKER;
            case INLINE -> Support.Kind.LIBRARY;
        };
    }

    private static String join(String a, String b) {
        return a.isEmpty() ? b : b.isEmpty() ? a : a + "; " + b;
    }
}
