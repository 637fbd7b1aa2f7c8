package jaio.engine.uring;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import jaio.Errno;
import jaio.linux.IoUring;
import jaio.linux.IoUringProbe;
import jaio.linux.IoUringRings;
import jaio.linux.IoUringSqe;
import jaio.linux.Native;

/**
 * What this machine allows for io_uring, found with a real round trip (E5): setup with
 * the best flags the kernel takes, the features it reports, the opcode probe
 * (IORING_REGISTER_PROBE), whether ASYNC_CANCEL takes IORING_ASYNC_CANCEL_ANY, and one NOP
 * submitted and reaped through the mapped rings.
 *
 * <p>jaio needs IORING_FEAT_NODROP (a full completion ring never loses an event) and
 * IORING_FEAT_EXT_ARG (the kernel waits for at least N completions with a timeout), so Linux
 * 5.11 or newer; on an older kernel the engine is unavailable and automatic selection moves
 * on to native AIO.
 *
 * @param available  whether the engine can run here
 * @param reason     why not, or what was found
 * @param flagSet    the setup flags this kernel takes (one of {@link UringInstance#FLAG_SETS})
 * @param features   the IORING_FEAT_* bits
 * @param opcodes    which IORING_OP_* values the kernel supports (index by opcode)
 * @param cancelAny  whether one ASYNC_CANCEL can cancel every request (IORING_ASYNC_CANCEL_ANY,
 *                   Linux 5.19), which close uses
 */
record UringProbe(boolean available, String reason, int flagSet, int features, boolean[] opcodes,
                  boolean cancelAny) {

    /** Opcodes without which the engine does not run. */
    static final int[] REQUIRED = {IoUring.IORING_OP_NOP, IoUring.IORING_OP_READ, IoUring.IORING_OP_WRITE,
        IoUring.IORING_OP_READV, IoUring.IORING_OP_WRITEV, IoUring.IORING_OP_FSYNC, IoUring.IORING_OP_ASYNC_CANCEL};

    private static final long NOP_DATA = 0x6a61696fL;

    static UringProbe run() {
        if (!Native.LINUX) {
            return no(Native.UNAVAILABLE_REASON);
        }
        try (Arena a = Arena.ofShared()) {
            UringInstance.Attempt at = null;
            int chosen = -1;
            for (int f : UringInstance.FLAG_SETS) {
                at = UringInstance.create(4, 8, new int[] {f}, false, 0, a);
                if (at.ring() != null) {
                    chosen = f;
                    break;
                }
                if (at.errno() != -Errno.EINVAL) {
                    break;
                }
            }
            if (at == null || at.ring() == null) {
                return no(at.call() + ": " + Errno.describe(at.errno()) + hint(at.errno()));
            }
            UringInstance ring = at.ring();
            try {
                return examine(ring, chosen, a);
            } finally {
                ring.close();
            }
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            return no("io_uring bindings failed: " + e);
        }
    }

    private static UringProbe examine(UringInstance ring, int flagSet, Arena a) {
        if (!ring.has(IoUring.IORING_FEAT_NODROP)) {
            return no("kernel " + kernel() + " lacks IORING_FEAT_NODROP (Linux 5.5): a full completion ring could lose events");
        }
        if (!ring.has(IoUring.IORING_FEAT_EXT_ARG)) {
            return no("kernel " + kernel() + " lacks IORING_FEAT_EXT_ARG (Linux 5.11): no kernel wait with a timeout");
        }
        MemorySegment probe = a.allocate(IoUringProbe.bytes(IoUringProbe.MAX_OPS));
        int r = IoUring.register(ring.fd, IoUring.IORING_REGISTER_PROBE, probe.address(), IoUringProbe.MAX_OPS);
        if (r < 0) {
            return no("IORING_REGISTER_PROBE: " + Errno.describe(r) + " (Linux 5.6 or newer is needed)");
        }
        boolean[] ops = new boolean[IoUringProbe.MAX_OPS];
        for (int op = 0; op < ops.length; op++) {
            ops[op] = IoUringProbe.supports(probe, op);
        }
        List<String> missing = new ArrayList<>();
        for (int op : REQUIRED) {
            if (!ops[op]) {
                missing.add(UringCapabilities.opName(op));
            }
        }
        if (!missing.isEmpty()) {
            return no("the kernel's opcode probe lacks " + missing);
        }
        int[] res = new int[1];
        String trip = roundTrip(ring, IoUring.IORING_OP_NOP, 0, 0, res);
        if (trip == null && res[0] != 0) {
            trip = "a NOP completed with " + Errno.describe(res[0]);
        }
        if (trip != null) {
            return no(trip);
        }
        // Nothing to cancel: -ENOENT where the kernel knows CANCEL_ANY, -EINVAL where it does not.
        String cancel = roundTrip(ring, IoUring.IORING_OP_ASYNC_CANCEL, 0,
                IoUring.IORING_ASYNC_CANCEL_ANY | IoUring.IORING_ASYNC_CANCEL_ALL, res);
        boolean any = cancel == null && (res[0] == -Errno.ENOENT || res[0] == 0);
        return new UringProbe(true, "io_uring_setup and a NOP round trip ok", flagSet, ring.features, ops, any);
    }

    /**
     * Submits one SQE and reaps its CQE into {@code res[0]}; null when that worked, else what
     * went wrong.
     */
    private static String roundTrip(UringInstance ring, int opcode, long addr, int opFlags, int[] res) {
        IoUringRings q = ring.rings;
        long sqe = q.nextSqe();
        IoUringSqe.set(q.sqes, sqe, opcode, 0, 0, -1, 0, addr, 0, opFlags, NOP_DATA, 0);
        q.advanceSq();
        q.publishSq();
        int r = IoUring.enter(ring.fd, 1, 1, IoUring.IORING_ENTER_GETEVENTS, 0, 0);
        if (r < 0) {
            return "io_uring_enter: " + Errno.describe(r) + hint(r);
        }
        if (q.cqReady() != 1) {
            return "one SQE submitted through io_uring_enter posted " + q.cqReady() + " completions instead of 1";
        }
        long cqe = q.cqe(0);
        long data = q.cqeUserData(cqe);
        res[0] = q.cqeRes(cqe);
        q.consumeCq(1);
        if (data != NOP_DATA) {
            return "a completion came back with user_data " + data + " (expected " + NOP_DATA + ")";
        }
        return null;
    }

    private static UringProbe no(String reason) {
        return new UringProbe(false, reason, 0, 0, new boolean[IoUringProbe.MAX_OPS], false);
    }

    boolean op(int opcode) {
        return opcodes[opcode];
    }

    /** A short explanation of io_uring_setup's usual errors, for reports. */
    static String hint(int negErrno) {
        return switch (-negErrno) {
            case Errno.ENOSYS -> " (kernel without io_uring: CONFIG_IO_URING off, or older than 5.1)";
            case Errno.EPERM -> permHint(sysctl());
            case Errno.ENOMEM -> " (locked-memory limit too low for the rings: see ulimit -l; kernels before 5.12"
                    + " charge rings to RLIMIT_MEMLOCK)";
            case Errno.EINVAL -> " (this kernel refuses every flag set jaio tries)";
            default -> "";
        };
    }

    /** EPERM's cause, from the value of kernel.io_uring_disabled (-1 when unknown). */
    static String permHint(int disabled) {
        return switch (disabled) {
            case 2 -> " (disabled for everyone by sysctl kernel.io_uring_disabled=2)";
            case 1 -> " (restricted by sysctl kernel.io_uring_disabled=1 to root and kernel.io_uring_group)";
            default -> " (blocked by a seccomp filter, e.g. a container runtime's default profile, or a security module)";
        };
    }

    private static int sysctl() {
        try {
            return Integer.parseInt(Files.readString(Path.of("/proc/sys/kernel/io_uring_disabled")).trim());
        } catch (Exception e) {
            return -1;
        }
    }

    static String kernel() {
        return System.getProperty("os.version");
    }
}
