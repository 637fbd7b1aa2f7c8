package jaio.engine.kaio;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jaio.Errno;
import jaio.linux.Aio;
import jaio.linux.AioRing;
import jaio.linux.Fs;
import jaio.linux.IoEvent;
import jaio.linux.Iocb;
import jaio.linux.LibC;
import jaio.linux.Native;
import jaio.linux.Timespec;

/**
 * What this machine's kernel allows for native AIO, found with a real round trip (E5):
 * io_setup and io_destroy, the mapped ring's header, IOCB_CMD_POLL (4.19) on an eventfd and
 * RWF_NOWAIT (4.14) on an empty pipe.
 *
 * @param available whether io_setup works here
 * @param reason    why not, or what was found
 * @param ring      whether the mapped ring's header is one jaio can read without system calls
 * @param ringInfo  the header words, for reports
 * @param poll      whether IOCB_CMD_POLL works
 * @param nowait    whether RWF_NOWAIT works (else buffered transfers go straight to workers)
 */
record KaioProbe(boolean available, String reason, boolean ring, String ringInfo, boolean poll, boolean nowait) {

    static KaioProbe run() {
        if (!Native.LINUX) {
            return no(Native.UNAVAILABLE_REASON);
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(ValueLayout.JAVA_LONG);
            int r = Aio.ioSetup(4, out);
            if (r < 0) {
                return no("io_setup: " + Errno.describe(r) + hint(r));
            }
            long ctx = out.get(ValueLayout.JAVA_LONG, 0);
            try {
                MemorySegment ring = AioRing.map(ctx, a);
                boolean ringOk = AioRing.compatible(ring);
                String info = AioRing.describe(ring);
                boolean poll = probePoll(ctx, a);
                boolean nowait = probeNowait(ctx, a);
                return new KaioProbe(true, "io_setup/io_destroy round trip ok", ringOk, info, poll, nowait);
            } finally {
                Aio.ioDestroy(ctx);
            }
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            return no("native AIO bindings failed: " + e);
        }
    }

    private static KaioProbe no(String reason) {
        return new KaioProbe(false, reason, false, "", false, false);
    }

    /** A short explanation of io_setup's usual errors, for reports. */
    static String hint(int negErrno) {
        return switch (-negErrno) {
            case Errno.ENOSYS -> " (kernel built without CONFIG_AIO)";
            case Errno.EAGAIN -> " (fs.aio-max-nr reached: see /proc/sys/fs/aio-nr and /proc/sys/fs/aio-max-nr)";
            case Errno.EPERM -> " (blocked by a seccomp filter? container runtimes' default profiles may)";
            case Errno.ENOMEM -> " (out of memory for the ring)";
            default -> "";
        };
    }

    /** Submits one iocb and reaps its event; returns the result, or the submission error. */
    private static long roundTrip(long ctx, Arena a, MemorySegment iocb) {
        MemorySegment ptr = a.allocate(ValueLayout.JAVA_LONG);
        ptr.set(ValueLayout.JAVA_LONG, 0, iocb.address());
        long r = Aio.ioSubmit(ctx, 1, ptr, 0);
        if (r < 0) {
            return r;
        }
        MemorySegment ev = a.allocate(IoEvent.LAYOUT);
        MemorySegment ts = a.allocate(Timespec.LAYOUT);
        Timespec.set(ts, 1_000_000_000L);
        long n = Aio.ioGetevents(ctx, 1, 1, ev, ts);
        return n == 1 ? IoEvent.res(ev, 0) : -Errno.ETIMEDOUT;
    }

    /** POLL on an eventfd that is readable: completes at once with POLLIN when supported. */
    private static boolean probePoll(long ctx, Arena a) {
        int efd = LibC.eventfd(1, LibC.EFD_NONBLOCK);
        if (efd < 0) {
            return false;
        }
        try {
            MemorySegment iocb = a.allocate(Iocb.LAYOUT);
            Iocb.set(iocb, 0, 1, Aio.IOCB_CMD_POLL, efd, LibC.POLLIN, 0, 0, 0, 0, 0, 0);
            long r = roundTrip(ctx, a, iocb);
            return r > 0 && (r & LibC.POLLIN) != 0;
        } finally {
            LibC.close(efd);
        }
    }

    /** A RWF_NOWAIT read of an empty pipe: -EAGAIN in its event when the kernel knows the flag. */
    private static boolean probeNowait(long ctx, Arena a) {
        int[] fds = new int[2];
        if (LibC.pipe2(fds, 0) < 0) {
            return false;
        }
        try {
            MemorySegment iocb = a.allocate(Iocb.LAYOUT);
            MemorySegment buf = a.allocate(8);
            Iocb.set(iocb, 0, 2, Aio.IOCB_CMD_PREAD, fds[0], buf.address(), 1, 0, Fs.RWF_NOWAIT, 0, 0, 0);
            return roundTrip(ctx, a, iocb) == -Errno.EAGAIN;
        } finally {
            LibC.close(fds[0]);
            LibC.close(fds[1]);
        }
    }
}
