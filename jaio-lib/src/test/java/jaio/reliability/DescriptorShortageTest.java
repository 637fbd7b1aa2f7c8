package jaio.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import jaio.Engine;
import jaio.EngineInfo;
import jaio.Errno;
import jaio.Event;
import jaio.IoBuffers;
import jaio.IoContext;
import jaio.engine.kaio.KaioContextPool;
import jaio.engine.uring.UringRingPool;
import jaio.IoFile;
import jaio.Request;
import jaio.testkit.TestProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * This process runs out of descriptors (its soft RLIMIT_NOFILE lowered with prlimit(1) to a
 * few above what it holds, then used up): the automatic engine fails with EMFILE and says
 * why instead of opening the context on another engine (the shortage is a leak or a limit to
 * raise, better heard at once), and a context opened before keeps working.
 */
@Isolated
class DescriptorShortageTest {
    @Test
    void aDescriptorShortageIsReportedNotHidden() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/prlimit")), "prlimit(1) is not installed");
        EngineInfo uring = EngineInfo.probe(Engine.IO_URING);
        EngineInfo kaio = EngineInfo.probe(Engine.KAIO);
        // Native AIO needs no descriptor of its own: the shortage shows on io_uring's ring.
        assumeTrue(uring.available(), "io_uring is not available here: " + uring.reason());
        Path p = Files.createTempFile("jaio-emfile", ".dat");
        Files.write(p, new byte[4096]);
        long pid = ProcessHandle.current().pid();
        String[] soft = limits(pid);
        List<IoFile> hog = new ArrayList<>();
        // Loading a class takes a descriptor too: load what the short spell needs first.
        for (EngineInfo i : List.of(uring, kaio, EngineInfo.probe(Engine.THREADS))) {
            if (i.available()) {
                IoContext.open(8, i.engine()).close();
            }
        }
        assertTrue(Errno.describe(Errno.EMFILE).contains("EMFILE"));
        Class.forName("jaio.spi.SetupException");
        try (IoContext warm = IoContext.open(8, Engine.THREADS); IoFile w = IoFile.open(p)) {
            Request r = Request.pread(w, IoBuffers.allocate(4096), 0);
            warm.submit(r);
            assertEquals(4096, warm.await(r, Duration.ofSeconds(10)).result());
        }
        assertThrows(IOException.class, () -> {
            throw new IOException("warm-up");
        });
        // The warm-up's rings are parked for reuse, and a parked ring needs no new descriptor:
        // give them back, so that the open below has to set one up.
        UringRingPool.destroyAll();
        KaioContextPool.destroyAll();
        try (IoContext before = IoContext.open(8, Engine.THREADS); IoFile f = IoFile.open(p)) {
            long held = TestProcess.openFds();
            prlimit(pid, (held + 16) + ":" + soft[1]);
            try {
                // A context that an earlier test left to close on another thread may park its ring
                // meanwhile, which the open below would take with no new descriptor: give such rings
                // back and take the descriptors they held, until none is parked.
                boolean out = false;
                for (int tries = 0; tries < 5; tries++) {
                    out = fill(hog, p);
                    if (!out || UringRingPool.parked() == 0 && KaioContextPool.parked() == 0) {
                        break;
                    }
                    UringRingPool.destroyAll();
                    KaioContextPool.destroyAll();
                }
                assertTrue(out, "the lowered limit did not bite");
                IOException e = assertThrows(IOException.class, () -> {
                    try (IoContext c = IoContext.open(8)) {
                        throw new AssertionError("opened on " + c.engine() + " although descriptors ran out (parked"
                                + " rings: " + UringRingPool.parked() + ")");
                    }
                });
                assertTrue(e.getMessage().contains("EMFILE") && e.getMessage().contains("descriptors ran out"),
                        e.getMessage());
                // The context opened before works on: the thread pool needs no new descriptor.
                Request r = Request.pread(f, IoBuffers.allocate(4096), 0);
                before.submit(r);
                Event ev = before.await(r, Duration.ofSeconds(10));
                assertEquals(4096, ev.result(), ev.toString());
            } finally {
                for (IoFile h : hog) {
                    h.close();
                }
                prlimit(pid, soft[0] + ":" + soft[1]);
            }
            // Descriptors back: the automatic engine opens a kernel engine again.
            try (IoContext after = IoContext.open(8)) {
                assertTrue(after.engine() != Engine.THREADS, after.engine().toString());
            }
        } finally {
            Files.deleteIfExists(p);
        }
    }

    /** The soft and hard RLIMIT_NOFILE of {@code pid}. */
    /** Opens descriptors into {@code hog} until none is left (at most 64 more): whether none is. */
    private static boolean fill(List<IoFile> hog, Path p) {
        int limit = hog.size() + 64;
        try {
            while (hog.size() < limit) {
                hog.add(IoFile.open(p));
            }
        } catch (IOException full) {
            // The limit is reached, or the last descriptor or two are left.
        }
        try {
            while (hog.size() < limit) {
                hog.add(IoFile.eventFd());
            }
        } catch (IOException full) {
            // Every descriptor is taken.
            return true;
        }
        return false;
    }

    private static String[] limits(long pid) throws IOException, InterruptedException {
        String out = run("prlimit", "--pid", Long.toString(pid), "--nofile", "--raw", "--noheadings",
                "--output", "SOFT,HARD").trim();
        return out.split("\\s+");
    }

    private static void prlimit(long pid, String softHard) throws IOException, InterruptedException {
        run("prlimit", "--pid", Long.toString(pid), "--nofile=" + softHard);
    }

    private static String run(String... cmd) throws IOException, InterruptedException {
        Process pr = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(pr.getInputStream().readAllBytes());
        assertEquals(0, pr.waitFor(), String.join(" ", cmd) + ": " + out);
        return out;
    }
}
