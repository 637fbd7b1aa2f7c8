package jaio.engine.kaio;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jaio.Capability;
import jaio.Opcode;
import jaio.RequestFlag;
import jaio.spi.BufferAccess;
import jaio.spi.Capabilities;
import jaio.spi.Execution;

/**
 * Stateless: the capability report of the native AIO engine, from what {@link KaioProbe}
 * found; the opcode map comes from the engine's opcode table ({@link KaioOpcodes}).
 */
final class KaioCapabilities {
    private KaioCapabilities() {}

    /**
     * @param probe      what the kernel allows
     * @param ring       whether completions are read from the mapped ring
     * @param ringInfo   the ring header's words
     * @param workers    the bound on punt workers
     */
    static Capabilities of(KaioProbe probe, boolean ring, String ringInfo, int workers) {
        Map<Opcode, Execution> ops = KaioOpcodes.TABLE.carried(probe);

        Set<RequestFlag> flags = EnumSet.of(RequestFlag.DSYNC, RequestFlag.SYNC, RequestFlag.PARTIAL, RequestFlag.MORE);
        if (probe.nowait()) {
            flags.add(RequestFlag.NOWAIT);
        }

        List<String> f = new ArrayList<>();
        f.add("io_setup/io_submit/io_getevents/io_cancel/io_destroy through syscall(2); kernel "
                + System.getProperty("os.version"));
        f.add(ring ? "completions reaped from the user-mapped ring without a system call (" + ringInfo + ")"
                : "ring header not recognised (" + ringInfo + "): completions reaped with io_getevents");
        f.add("O_DIRECT transfers: kernel, async");
        f.add(probe.nowait()
                ? "buffered transfers: RWF_NOWAIT in the kernel (page-cache hits complete inside io_submit);"
                        + " what would block goes to up to " + workers + " worker threads (preadv2/pwritev2),"
                        + " and so do writes to files that refuse RWF_NOWAIT (ext4's buffered writes); the thread"
                        + " about to wait for events runs one itself while nothing else is in the kernel"
                : "buffered transfers: RWF_NOWAIT not supported here, so they run on up to " + workers
                        + " worker threads (native AIO would block inside io_submit)");
        f.add("buffered writes on the workers: one per file at a time, the next as it ends (the file system"
                + " serializes them anyway); side by side for 10 ms after a sync starts, and always for"
                + " O_DIRECT writes and writes that sync themselves");
        if (probe.nowait() && probe.poll()) {
            f.add("pipes, sockets, eventfds: a transfer that would block waits with IOCB_CMD_POLL, then runs again");
        }
        f.add("FSYNC/FDSYNC: kernel workqueue, async; one submitted while nothing else is in flight runs as"
                + " fsync(2)/fdatasync(2) on the thread that waits for it (or a worker)");
        if (probe.poll()) {
            f.add("sockets (ACCEPT, CONNECT, RECV, SEND, RECVMSG, SENDMSG, SHUTDOWN, CLOSE): a non-blocking call at"
                    + " once; what would block waits with IOCB_CMD_POLL, then the call runs again without blocking"
                    + " (never a blocking socket call inside io_submit, never a thread per socket)");
        }
        f.add(probe.poll() ? "POLL: IOCB_CMD_POLL, one-shot, cancellable with io_cancel"
                : "POLL: IOCB_CMD_POLL not supported by this kernel (4.19+)");
        f.add("NOOP: completed by jaio (the kernel refuses IOCB_CMD_NOOP)");
        f.add("priority: IOCB_FLAG_IOPRIO, best-effort class level 7 - priority, for transfers the kernel runs");
        f.add("HIPRI: not offered (native AIO clears IOCB_HIPRI: nothing polls for it)");
        f.add("TIMEOUT: not supported");
        f.add("resize: a larger kernel context replaces the ring once nothing is in it; until then transfers and"
                + " syncs that find the ring full run on the workers, and a POLL waits for room");
        f.add("notify eventfd: IOCB_FLAG_RESFD on asynchronous kernel completions, written by jaio for the others");
        return new Capabilities("kaio", ops, flags, BufferAccess.NATIVE_STABLE, true, true, f)
                .withMechanisms(ring ? EnumSet.of(Capability.SHARED_RING) : EnumSet.noneOf(Capability.class),
                        notes(probe, ring));
    }

    /** How native AIO carries each capability, for EngineInfo.support(). */
    private static Map<Capability, String> notes(KaioProbe probe, boolean ring) {
        Map<Capability, String> n = new EnumMap<>(Capability.class);
        String blocking = probe.nowait() ? "; what would block: a worker" : "; buffered: a worker";
        n.put(Capability.RESIZE, "a larger kernel context replaces the ring once it is empty");
        n.put(Capability.CALLBACKS_NOTIFY, "eventfd: IOCB_FLAG_RESFD for kernel completions");
        n.put(Capability.SHARED_RING, ring ? "the aio ring mapped from io_setup"
                : "ring header not recognised: completions by io_getevents");
        n.put(Capability.PREAD_PWRITE, "IOCB_CMD_PREAD, IOCB_CMD_PWRITE" + blocking + " with preadv2, pwritev2");
        n.put(Capability.VECTORED, "IOCB_CMD_PREADV, IOCB_CMD_PWRITEV" + blocking);
        n.put(Capability.SYNC, "IOCB_CMD_FSYNC, IOCB_CMD_FDSYNC");
        n.put(Capability.POLL, "IOCB_CMD_POLL");
        n.put(Capability.SENDFILE, "sendfile(2) without blocking, IOCB_CMD_POLL while the socket is full;"
                + " zero copy from the page cache");
        n.put(Capability.NETWORK, "IOCB_CMD_POLL, then accept4, connect, recv, send, recvmsg, sendmsg without blocking");
        n.put(Capability.NOOP_TIMEOUT, "NOOP by jaio: the kernel refuses IOCB_CMD_NOOP");
        n.put(Capability.REQUEST_FLAGS, "aio_rw_flags");
        n.put(Capability.NATIVE_AIO, probe.nowait() ? "O_DIRECT in the kernel; buffered: RWF_NOWAIT, else a worker"
                : "O_DIRECT in the kernel; buffered on workers (no RWF_NOWAIT here)");
        n.put(Capability.KERNEL_PRIORITY, "IOCB_FLAG_IOPRIO");
        return n;
    }
}
