package jaio.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import jaio.Engine;
import jaio.EngineInfo;
import jaio.Errno;
import jaio.Event;
import jaio.InvalidRequestException;
import jaio.IoBuffers;
import jaio.IoContext;
import jaio.IoFile;
import jaio.Request;
import jaio.engine.kaio.KaioContextPool;
import jaio.engine.uring.UringRingPool;
import jaio.testkit.TestEngines;
import jaio.testkit.TestFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Isolated;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The machine misbehaves under jaio: a full file system, a file cut or removed under its
 * reads, a file and a buffer's arena closed while requests use them, system limits too
 * small, an engine disabled by its sysctl, waiting threads interrupted. Each ends in a
 * clear error or a fallback the engine report explains, never a crash, a hang or a lost
 * event. What needs root (mounts, sysctls, raising a limit back) is skipped elsewhere; the
 * sysctls are changed for milliseconds and always restored.
 */
@Isolated
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FaultTest {
    @TempDir
    Path dir;

    static boolean root() {
        return "0".equals(System.getProperty("jaio.test.uid", uid()));
    }

    private static String uid() {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (l.startsWith("Uid:")) {
                    return l.split("\\s+")[1];
                }
            }
        } catch (IOException e) {
            return "?";
        }
        return "?";
    }

    @ParameterizedTest
    @MethodSource("jaio.testkit.TestEngines#all")
    void aFullTmpfsGivesEnospcAndTheContextKeepsWorking(Engine engine) throws Exception {
        assumeTrue(root(), "mounting a small tmpfs needs root");
        Path mnt = Files.createDirectory(dir.resolve("small"));
        String refused = attempt("mount", "-t", "tmpfs", "-o", "size=1m", "jaio-fault", mnt.toString());
        assumeTrue(refused == null, () -> "mount refused a tmpfs (a container without CAP_SYS_ADMIN?): " + refused);
        try (IoContext ctx = IoContext.open(16, engine)) {
            Path p = mnt.resolve("fill.dat");
            long enospc = 0;
            long written = 0;
            try (IoFile f = IoFile.open(p, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.READ)) {
                MemorySegment buf = IoBuffers.allocate(64 * 1024);
                for (int i = 0; i < 64 && enospc == 0; i++) {
                    Event e = one(ctx, Request.pwrite(f, buf, written));
                    if (e.result() == -Errno.ENOSPC) {
                        enospc++;
                    } else {
                        assertTrue(e.result() > 0, "a write on the filling tmpfs: " + e);
                        written += e.result();
                    }
                }
                assertEquals(1, enospc, "the 1 MiB tmpfs filled up with ENOSPC after " + written + " bytes");
                // The context and the file work on: reads of what was written.
                Event r = one(ctx, Request.pread(f, IoBuffers.allocate(4096), 0));
                assertEquals(4096, r.result(), r.toString());
                Event s = one(ctx, Request.fsync(f));
                assertEquals(0, s.result(), s.toString());
            }
        } finally {
            run("umount", mnt.toString());
        }
    }

    @ParameterizedTest
    @MethodSource("jaio.testkit.TestEngines#all")
    void aFileTruncatedAndUnlinkedUnderItsReads(Engine engine) throws Exception {
        Path p = TestFiles.patterned(dir, "cut.dat", 4 << 20);
        try (IoContext ctx = IoContext.open(256, engine);
             IoFile f = IoFile.open(p, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            List<Request> rs = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                Request r = Request.pread(f, IoBuffers.allocate(16384), (long) (i % 256) * 16384);
                assertEquals(1, ctx.submit(r));
                rs.add(r);
                if (i == 60) {
                    f.truncate(1 << 20);
                }
                if (i == 120) {
                    Files.delete(p);
                }
            }
            for (Request r : rs) {
                Event e = ctx.await(r, Duration.ofSeconds(20));
                assertNotNull(e, "every read has its event");
                assertTrue(e.result() >= 0 && e.result() <= 16384, "a read of a cut file: bytes or end of file, " + e);
            }
            assertEquals(0, one(ctx, Request.pread(f, IoBuffers.allocate(16), 2 << 20)).result(),
                    "past the new end: end of file");
        }
    }

    @ParameterizedTest
    @MethodSource("jaio.testkit.TestEngines#all")
    void theFileAndTheBuffersArenaClosedWhileRequestsAreInFlight(Engine engine) throws Exception {
        Path p = TestFiles.patterned(dir, "closing.dat", 1 << 20);
        for (int round = 0; round < 20; round++) {
            try (IoContext ctx = IoContext.open(64, engine)) {
                IoFile f = IoFile.open(p, StandardOpenOption.READ);
                Arena arena = Arena.ofShared();
                List<Request> rs = new ArrayList<>();
                for (int i = 0; i < 32; i++) {
                    Request r = Request.pread(f, arena.allocate(4096, 4096), (long) i * 4096);
                    assertEquals(1, ctx.submit(r));
                    rs.add(r);
                }
                f.close();
                try {
                    arena.close();
                } catch (IllegalStateException inUse) {
                    // An arena whose memory a system call holds cannot close: that is also fine.
                }
                for (Request r : rs) {
                    Event e = ctx.await(r, Duration.ofSeconds(20));
                    assertNotNull(e, "every read has its event");
                    assertTrue(e.result() == 4096 || e.result() == -Errno.EFAULT, e.toString());
                }
                InvalidRequestException later = assertThrows(InvalidRequestException.class,
                        () -> ctx.submit(Request.pread(f, IoBuffers.allocate(16), 0)));
                assertEquals(Errno.EBADF, later.errno());
            }
        }
    }

    @Test
    void anExhaustedAioMaxNrIsAClearError() throws Exception {
        assumeTrue(root(), "changing fs.aio-max-nr needs root");
        TestEngines.assumeAvailable(Engine.KAIO);
        // A parked context would be taken without io_setup: start with none.
        KaioContextPool.destroyAll();
        Path max = Path.of("/proc/sys/fs/aio-max-nr");
        String saved = readSysctl(max);
        IOException e;
        try {
            long used = Long.parseLong(readSysctl(Path.of("/proc/sys/fs/aio-nr")));
            sysctl(max, Long.toString(used));
            e = assertThrows(IOException.class, () -> IoContext.open(64, Engine.KAIO).close());
        } finally {
            sysctl(max, saved);
        }
        assertTrue(e.getMessage().contains("EAGAIN") && e.getMessage().contains("fs.aio-max-nr"), e.getMessage());
        try (IoContext again = IoContext.open(64, Engine.KAIO)) {
            assertTrue(again.isOpen());
        }
    }

    /**
     * Parked contexts hold fs.aio-max-nr's budget: an io_setup that finds it spent gives them
     * back and tries again, so a context of another size still opens.
     */
    @Test
    void anExhaustedAioMaxNrFirstGivesBackTheParkedContexts() throws Exception {
        assumeTrue(root(), "changing fs.aio-max-nr needs root");
        TestEngines.assumeAvailable(Engine.KAIO);
        KaioContextPool.destroyAll();
        try (IoContext big = IoContext.open(1024, Engine.KAIO)) {
            assertTrue(big.isOpen());
        }
        assertEquals(1, KaioContextPool.parked(), "the closed context is parked");
        Path max = Path.of("/proc/sys/fs/aio-max-nr");
        String saved = readSysctl(max);
        try {
            long used = Long.parseLong(readSysctl(Path.of("/proc/sys/fs/aio-nr")));
            sysctl(max, Long.toString(used));
            // 128 events: no room, until the parked context's 1152 are given back.
            try (IoContext small = IoContext.open(64, Engine.KAIO)) {
                assertTrue(small.isOpen());
                assertEquals(0, KaioContextPool.parked(), "the parked context was destroyed to make room");
            }
        } finally {
            sysctl(max, saved);
        }
        KaioContextPool.destroyAll();
    }

    @Test
    void ioUringDisabledBySysctlIsAClearErrorAndAutoFallsBack() throws Exception {
        assumeTrue(root(), "changing kernel.io_uring_disabled needs root");
        Path sysctl = Path.of("/proc/sys/kernel/io_uring_disabled");
        assumeTrue(Files.exists(sysctl), "this kernel has no kernel.io_uring_disabled");
        TestEngines.assumeAvailable(Engine.IO_URING);
        // A parked ring is one that exists already, which the sysctl does not stop: start with none.
        UringRingPool.destroyAll();
        String saved = readSysctl(sysctl);
        IOException e;
        IoContext auto;
        try {
            sysctl(sysctl, "2");
            e = assertThrows(IOException.class, () -> IoContext.open(8, Engine.IO_URING).close());
            auto = IoContext.open(8);
        } finally {
            sysctl(sysctl, saved);
        }
        try (IoContext a = auto) {
            assertTrue(e.getMessage().contains("EPERM") && e.getMessage().contains("io_uring_disabled"), e.getMessage());
            assertTrue(a.engine() != Engine.IO_URING, a.engine().toString());
            EngineInfo info = a.engineInfo();
            assertTrue(info.passedOver().stream().anyMatch(s -> s.startsWith("uring") && s.contains("io_uring_disabled")),
                    "the pass-over list says why: " + info.passedOver());
        }
    }

    @Test
    void aTinyLockedMemoryLimitIsAClearErrorOrNoMatter() throws Exception {
        assumeTrue(root(), "the locked-memory limit matters to root's registered buffers as to anyone's; run as CI does");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/prlimit")), "prlimit(1) is not installed");
        TestEngines.assumeAvailable(Engine.IO_URING);
        String pid = Long.toString(ProcessHandle.current().pid());
        String[] saved = run("prlimit", "--pid", pid, "--memlock", "--raw", "--noheadings", "--output", "SOFT,HARD")
                .trim().split("\\s+");
        try {
            // Only the soft limit: raising it back never needs a capability.
            run("prlimit", "--pid", pid, "--memlock=65536:" + saved[1]);
            try (IoContext plain = IoContext.open(64, Engine.IO_URING)) {
                assertEquals(0, one(plain, Request.noop()).result(), "rings are not charged to the limit since 5.12");
            } catch (IOException refused) {
                assertTrue(refused.getMessage().contains("ENOMEM") && refused.getMessage().contains("ulimit -l"),
                        refused.getMessage());
            }
            try (IoContext big = IoContext.builder().engine(Engine.IO_URING).registeredBuffers(8, 1 << 20).open()) {
                assertEquals(0, one(big, Request.noop()).result());
            } catch (IOException refused) {
                assertTrue(refused.getMessage().contains("ENOMEM") || refused.getMessage().contains("memlock")
                        || refused.getMessage().contains("ulimit"), refused.getMessage());
            }
        } finally {
            run("prlimit", "--pid", pid, "--memlock=" + saved[0] + ":" + saved[1]);
        }
    }

    @ParameterizedTest
    @MethodSource("jaio.testkit.TestEngines#all")
    void interruptsOfWaitingThreadsLoseNoEvent(Engine engine) throws Exception {
        int total = 20_000;
        AtomicInteger reaped = new AtomicInteger();
        AtomicBoolean stop = new AtomicBoolean();
        try (IoContext ctx = IoContext.open(128, engine)) {
            List<Thread> reapers = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                reapers.add(Thread.ofPlatform().name("fault-reap-" + i).start(() -> {
                    Event[] evs = TestFiles.events(16);
                    while (reaped.get() < total) {
                        int n = ctx.getEvents(1, evs.length, evs, 10, TimeUnit.MILLISECONDS);
                        reaped.addAndGet(n);
                    }
                }));
            }
            Thread interrupter = Thread.ofPlatform().start(() -> {
                while (!stop.get()) {
                    reapers.forEach(Thread::interrupt);
                    Thread.onSpinWait();
                }
            });
            int sent = 0;
            while (sent < total) {
                sent += ctx.submit(Request.noop());
            }
            for (Thread t : reapers) {
                t.join(TimeUnit.SECONDS.toMillis(30));
                assertTrue(!t.isAlive(), "a reaper is still waiting: events were lost, " + reaped.get() + " of " + total);
            }
            stop.set(true);
            interrupter.join();
            assertEquals(total, reaped.get());
            assertEquals(0, ctx.stats().unreaped());
        }
    }

    /**
     * Writes a sysctl in one write(2) from the shell: the JDK's file writing may split it, and
     * the kernel takes only the first part (kernel.sysctl_writes_strict).
     */
    private static void sysctl(Path p, String value) throws IOException, InterruptedException {
        String refused = attempt("sh", "-c", "echo " + value + " > " + p);
        assumeTrue(refused == null, () -> "cannot write " + p + " (read-only /proc/sys?): " + refused);
        assertEquals(value, readSysctl(p), "sysctl " + p + " is now");
    }

    /**
     * A sysctl's value. Not Files.readString: for these files (size 0) it returned the first
     * character only ("6" for 65536) on the JDK this was written on; a line reader reads it whole.
     */
    static String readSysctl(Path p) throws IOException {
        return Files.readAllLines(p).get(0).trim();
    }

    private static Event one(IoContext ctx, Request r) {
        assertEquals(1, ctx.submit(r));
        Event e = ctx.await(r, Duration.ofSeconds(20));
        assertNotNull(e, "no event in 20 s for " + r);
        return e;
    }

    /** Runs a command: null when it succeeded, else its exit status and output. */
    private static String attempt(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        int rc = p.waitFor();
        return rc == 0 ? null : "exit " + rc + ": " + out.trim();
    }

    private static String run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), String.join(" ", cmd) + ": " + out);
        return out;
    }
}
