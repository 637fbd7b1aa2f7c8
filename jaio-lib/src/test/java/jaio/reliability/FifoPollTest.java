package jaio.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import jaio.CancelResult;
import jaio.Engine;
import jaio.Errno;
import jaio.Event;
import jaio.IoBuffers;
import jaio.IoContext;
import jaio.IoFile;
import jaio.Opcode;
import jaio.Poll;
import jaio.Request;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * POLL on a FIFO opened for reading and writing (which the kernel's aio poll refuses with
 * EINVAL) waits for readiness on every engine that offers POLL, as on io_uring, and can be
 * cancelled while it waits.
 */
class FifoPollTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @MethodSource("jaio.testkit.TestEngines#all")
    void aPollOnAReadWriteFifoWaitsForData(Engine engine) throws Exception {
        Path fifo = dir.resolve("fifo");
        Process p = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assumeTrue(p.waitFor() == 0, "mkfifo(1) failed");
        try (IoContext ctx = IoContext.open(8, engine);
             IoFile f = IoFile.open(fifo, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            assumeTrue(ctx.engineInfo().operations().containsKey(Opcode.POLL), engine.shortName() + " has no POLL");
            Request poll = Request.poll(f, Poll.IN);
            assertEquals(1, ctx.submit(poll));
            assertNull(ctx.await(poll, Duration.ofMillis(100)), "nothing to read yet: the poll waits");
            Request w = Request.pwrite(f, IoBuffers.allocate(3), 0);
            ctx.submit(w);
            Event e = ctx.await(poll, Duration.ofSeconds(10));
            assertNotNull(e, "the poll saw the data");
            assertTrue((e.result() & Poll.IN) != 0, e.toString());
            assertEquals(3, ctx.await(w, Duration.ofSeconds(10)).result());
            // Drained, then a poll that is cancelled while it waits.
            Request r = Request.pread(f, IoBuffers.allocate(3), 0);
            ctx.submit(r);
            assertEquals(3, ctx.await(r, Duration.ofSeconds(10)).result());
            Request again = Request.poll(f, Poll.IN);
            ctx.submit(again);
            assertNull(ctx.await(again, Duration.ofMillis(50)));
            assertEquals(CancelResult.CANCELED, ctx.cancel(again));
            assertEquals(-Errno.ECANCELED, ctx.await(again, Duration.ofSeconds(10)).result());
            if (engine == Engine.KAIO) {
                assertTrue(ctx.stats().punted() >= 2, "native AIO waited on a worker: " + ctx.stats());
            }
        }
        Files.deleteIfExists(fifo);
    }
}
