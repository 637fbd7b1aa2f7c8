package jaio.engine.uring;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jaio.Capability;
import jaio.Opcode;
import jaio.RequestFlag;
import jaio.linux.IoUring;
import jaio.spi.BufferAccess;
import jaio.spi.Capabilities;
import jaio.spi.Execution;

/**
 * Stateless: the capability report of the io_uring engine, from what {@link UringProbe} found;
 * the opcode map comes from the engine's opcode table ({@link UringOpcodes}).
 */
final class UringCapabilities {
    private UringCapabilities() {}

    /**
     * @param probe   what the kernel allows
     * @param options what this context uses of it: null for the machine's report
     */
    static Capabilities of(UringProbe probe, Options options) {
        Map<Opcode, Execution> ops = UringOpcodes.TABLE.carried(probe);
        Set<RequestFlag> flags = EnumSet.of(RequestFlag.NOWAIT, RequestFlag.DSYNC, RequestFlag.SYNC, RequestFlag.PARTIAL, RequestFlag.MORE);

        List<String> f = new ArrayList<>();
        f.add("io_uring_setup/io_uring_enter/io_uring_register through syscall(2); kernel " + UringProbe.kernel());
        f.add("setup flags: " + setupFlags(options != null ? options.setupFlags : probe.flagSet())
                + "; features: " + features(probe.features()));
        f.add("buffered and O_DIRECT transfers, FSYNC/FDSYNC, NOOP" + (ops.containsKey(Opcode.POLL) ? ", POLL" : "")
                + (ops.containsKey(Opcode.TIMEOUT) ? ", TIMEOUT" : "") + ": kernel, async (the kernel runs what would"
                + " block on its own io-wq workers)");
        f.add(options != null && options.singleIssuer ? singleIssuer(options.setupFlags, options.indexRefused)
                : "submission: SQEs of a batch written under a lock, then one io_uring_enter for the batch, from any thread");
        f.add("reaping: CQEs taken from the mapped ring without a system call; waits for at least N in the kernel"
                + " (IORING_ENTER_GETEVENTS with EXT_ARG timeout); submit-and-wait in one io_uring_enter");
        f.add("short transfers continued from where they stopped (retry machinery); a read of a pipe, socket or"
                + " eventfd gives what is there");
        if (ops.containsKey(Opcode.RECV)) {
            f.add("sockets: IORING_OP_ACCEPT, CONNECT, RECV, SEND, RECVMSG, SENDMSG, SHUTDOWN"
                    + (ops.containsKey(Opcode.CLOSE) ? ", CLOSE" : "") + "; a socket that is not ready is waited for"
                    + " by the kernel's own poll (FAST_POLL), or, where the non-blocking socket answers EAGAIN, by a"
                    + " POLL_ADD after which the operation runs again; no io-wq worker waits for a socket");
        }
        f.add("cancel: IORING_OP_ASYNC_CANCEL, whose answer (stopped, running, not found) cancel() waits for;"
                + (probe.cancelAny() ? " close cancels everything with one IORING_ASYNC_CANCEL_ANY"
                        : " close cancels request by request (no IORING_ASYNC_CANCEL_ANY before Linux 5.19)"));
        f.add("completion ring overflow: kept by the kernel (IORING_FEAT_NODROP) and flushed when reaping");
        f.add("priority: SQE ioprio, best-effort class level 7 - priority");
        f.add("HIPRI: not offered (needs an IORING_SETUP_IOPOLL ring, which only polled O_DIRECT devices take)");
        if (ops.containsKey(Opcode.TIMEOUT)) {
            f.add("TIMEOUT: IORING_OP_TIMEOUT for the delay; the completion count is kept by jaio (the kernel's own count"
                    + " would include retry iterations and internal completions)");
        }
        if (options != null) {
            f.add(!options.registerFiles ? "registered files: off (IoContext.Builder.registerFiles)"
                    : options.filesRefused != null ? "registered files: refused by the kernel (" + options.filesRefused
                            + "); requests use descriptors"
                    : "registered files: on (IOSQE_FIXED_FILE; a slot per file on first use, " + options.fileSlots + " slots)");
            f.add(options.buffers == 0 ? "registered buffers: none (IoContext.Builder.registeredBuffers)"
                    : options.buffersRefused != null ? "registered buffers: " + options.buffers + " allocated, refused by"
                            + " the kernel (" + options.buffersRefused + "); used as plain buffers"
                    : "registered buffers: " + options.buffers + " (READ_FIXED/WRITE_FIXED for PREAD/PWRITE inside one)");
            f.add(options.sqPoll ? "SQPOLL: a kernel thread polls the submission ring (sleeps after "
                    + options.sqPollIdleMillis + " ms idle)"
                    : options.sqPollRefused != null ? "SQPOLL: refused by the kernel (" + options.sqPollRefused
                            + "); submissions use io_uring_enter"
                    : "SQPOLL: off (IoContext.Builder.sqPoll)");
        }
        f.add("notify eventfd: written by jaio once per completed request (a kernel-registered eventfd would also count"
                + " retry iterations and internal completions)");
        return new Capabilities("uring", ops, flags, BufferAccess.NATIVE_STABLE, true, false, f)
                .withMechanisms(EnumSet.of(Capability.SUBMIT_AND_WAIT, Capability.SHARED_RING, Capability.BUFFERS),
                        notes());
    }

    /** How io_uring carries each capability, for EngineInfo.support(): the same on every kernel it runs on. */
    private static Map<Capability, String> notes() {
        Map<Capability, String> n = new EnumMap<>(Capability.class);
        n.put(Capability.AT_LEAST_N, "the kernel waits for N: IORING_ENTER_GETEVENTS");
        n.put(Capability.CANCEL, "IORING_OP_ASYNC_CANCEL");
        n.put(Capability.SUBMIT_AND_WAIT, "one io_uring_enter");
        n.put(Capability.SHARED_RING, "SQ and CQ rings mapped from the kernel");
        n.put(Capability.PREAD_PWRITE, "IORING_OP_READ, IORING_OP_WRITE; _FIXED in registered buffers");
        n.put(Capability.VECTORED, "IORING_OP_READV, IORING_OP_WRITEV");
        n.put(Capability.SYNC, "IORING_OP_FSYNC, IORING_FSYNC_DATASYNC for FDSYNC");
        n.put(Capability.POLL, "IORING_OP_POLL_ADD");
        n.put(Capability.NETWORK, "IORING_OP_ACCEPT, CONNECT, RECV, SEND, RECVMSG, SENDMSG, SHUTDOWN, CLOSE;"
                + " readiness waited for in the kernel (FAST_POLL, else POLL_ADD), no worker per socket");
        n.put(Capability.SENDFILE, "IORING_OP_SPLICE file to pipe to socket, zero copy from the page cache;"
                + " a full socket waits on POLL_ADD; io-wq unbounded workers capped at " + IoUringEngine.IOWQ_UNBOUNDED
                + " (IORING_REGISTER_IOWQ_MAX_WORKERS)");
        n.put(Capability.NOOP_TIMEOUT, "IORING_OP_NOP, IORING_OP_TIMEOUT");
        n.put(Capability.REQUEST_FLAGS, "SQE rw_flags");
        n.put(Capability.IO_URING, "io_uring_setup, io_uring_enter, io_uring_register");
        n.put(Capability.KERNEL_PRIORITY, "SQE ioprio");
        n.put(Capability.BUFFERS, "on request, registered buffers: READ_FIXED, WRITE_FIXED;"
                + " registered files: IOSQE_FIXED_FILE");
        return n;
    }

    /** What a context uses, for its report. */
    record Options(boolean registerFiles, int fileSlots, String filesRefused, int buffers, String buffersRefused,
                   boolean sqPoll, int sqPollIdleMillis, String sqPollRefused, boolean singleIssuer, int setupFlags,
                   String indexRefused) {}

    /** A single-issuer context's line: which of the flags it asked for the kernel granted. */
    private static String singleIssuer(int flags, String indexRefused) {
        String granted = setupFlags(flags & (IoUring.IORING_SETUP_SINGLE_ISSUER | IoUring.IORING_SETUP_DEFER_TASKRUN
                | IoUring.IORING_SETUP_COOP_TASKRUN | IoUring.IORING_SETUP_TASKRUN_FLAG));
        return "single issuer: only the thread that opened the context calls it; kernel granted "
                + (granted.isEmpty() ? "none of SINGLE_ISSUER, DEFER_TASKRUN, COOP_TASKRUN, TASKRUN_FLAG (ownership"
                        + " kept by jaio alone)" : granted)
                + ((flags & IoUring.IORING_SETUP_DEFER_TASKRUN) != 0 ? "; completions are posted when the owner"
                        + " enters io_uring_enter with GETEVENTS, which every reaping path does" : "")
                + (indexRefused == null
                        ? "; the owner enters the ring by its registered index (IORING_REGISTER_RING_FDS)"
                        : "; the owner enters the ring by descriptor (" + indexRefused + ")");
    }

    static String opName(int op) {
        return switch (op) {
            case IoUring.IORING_OP_NOP -> "IORING_OP_NOP";
            case IoUring.IORING_OP_READV -> "IORING_OP_READV";
            case IoUring.IORING_OP_WRITEV -> "IORING_OP_WRITEV";
            case IoUring.IORING_OP_FSYNC -> "IORING_OP_FSYNC";
            case IoUring.IORING_OP_READ -> "IORING_OP_READ";
            case IoUring.IORING_OP_WRITE -> "IORING_OP_WRITE";
            case IoUring.IORING_OP_ASYNC_CANCEL -> "IORING_OP_ASYNC_CANCEL";
            default -> "opcode " + op;
        };
    }

    static String setupFlags(int flags) {
        List<String> l = new ArrayList<>();
        name(l, flags, IoUring.IORING_SETUP_SQPOLL, "SQPOLL");
        name(l, flags, IoUring.IORING_SETUP_CQSIZE, "CQSIZE");
        name(l, flags, IoUring.IORING_SETUP_CLAMP, "CLAMP");
        name(l, flags, IoUring.IORING_SETUP_SUBMIT_ALL, "SUBMIT_ALL");
        name(l, flags, IoUring.IORING_SETUP_NO_SQARRAY, "NO_SQARRAY");
        name(l, flags, IoUring.IORING_SETUP_COOP_TASKRUN, "COOP_TASKRUN");
        name(l, flags, IoUring.IORING_SETUP_TASKRUN_FLAG, "TASKRUN_FLAG");
        name(l, flags, IoUring.IORING_SETUP_SINGLE_ISSUER, "SINGLE_ISSUER");
        name(l, flags, IoUring.IORING_SETUP_DEFER_TASKRUN, "DEFER_TASKRUN");
        return String.join(" ", l);
    }

    static String features(int feat) {
        List<String> l = new ArrayList<>();
        name(l, feat, IoUring.IORING_FEAT_SINGLE_MMAP, "SINGLE_MMAP");
        name(l, feat, IoUring.IORING_FEAT_NODROP, "NODROP");
        name(l, feat, IoUring.IORING_FEAT_SUBMIT_STABLE, "SUBMIT_STABLE");
        name(l, feat, IoUring.IORING_FEAT_FAST_POLL, "FAST_POLL");
        name(l, feat, IoUring.IORING_FEAT_POLL_32BITS, "POLL_32BITS");
        name(l, feat, IoUring.IORING_FEAT_EXT_ARG, "EXT_ARG");
        name(l, feat, IoUring.IORING_FEAT_NATIVE_WORKERS, "NATIVE_WORKERS");
        name(l, feat, IoUring.IORING_FEAT_CQE_SKIP, "CQE_SKIP");
        return String.join(" ", l);
    }

    private static void name(List<String> l, int bits, int bit, String n) {
        if ((bits & bit) != 0) {
            l.add(n);
        }
    }
}
