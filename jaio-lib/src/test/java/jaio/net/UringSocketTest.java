package jaio.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import jaio.Engine;
import jaio.Errno;
import jaio.IoContext;
import jaio.IoSocket;
import jaio.Request;
import jaio.testkit.TestEngines;
import jaio.testkit.TestFiles;
import jaio.testkit.TestFiles.EventCopy;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What only io_uring shows: sockets that are not ready wait in the kernel's poll (FAST_POLL),
 * not on io-wq worker threads, which would appear in this process as "iou-wrk-" tasks.
 */
class UringSocketTest {
    @TempDir
    Path dir;

    @BeforeEach
    void available() {
        TestEngines.assumeAvailable(Engine.IO_URING);
    }

    @Test
    void pendingReceivesAndAcceptsHoldNoKernelWorker() throws Exception {
        List<IoSocket> all = new ArrayList<>();
        try (IoContext ctx = Sockets.context(Engine.IO_URING, 512); IoSocket l = Sockets.listener(Sockets.Kind.TCP4, dir)) {
            for (int i = 0; i < 100; i++) {
                IoSocket[] p = Sockets.connect(ctx, l);
                all.add(p[0]);
                all.add(p[1]);
            }
            int before = kernelWorkers();
            List<Request> pending = new ArrayList<>();
            for (IoSocket s : all) {
                Request r = Request.recv(s, ByteBuffer.allocateDirect(16));
                assertEquals(1, ctx.submit(r));
                pending.add(r);
            }
            for (int i = 0; i < 50; i++) {
                Request a = Request.accept(l);
                assertEquals(1, ctx.submit(a));
                pending.add(a);
            }
            Thread.sleep(100);
            int during = kernelWorkers();
            assertTrue(during - before <= 2, "250 waiting socket requests, kernel workers " + before + " -> " + during);
            assertEquals(250, ctx.stats().inFlight());
            for (IoSocket s : all) {
                s.close();
            }
            l.close();
            for (EventCopy e : TestFiles.reap(ctx, pending.size())) {
                // Cancelled, or end of stream: its peer was closed (and cancelled) first.
                assertTrue(e.result() == -Errno.ECANCELED || e.result() == 0, e.toString());
            }
        } finally {
            for (IoSocket s : all) {
                s.close();
            }
        }
    }

    /** io-wq workers of this process: tasks named iou-wrk-*. */
    private static int kernelWorkers() throws IOException {
        int n = 0;
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path t : (Iterable<Path>) tasks::iterator) {
                try {
                    if (Files.readString(t.resolve("comm")).startsWith("iou-wrk")) {
                        n++;
                    }
                } catch (IOException e) {
                    // The task ended meanwhile.
                }
            }
        }
        return n;
    }
}
