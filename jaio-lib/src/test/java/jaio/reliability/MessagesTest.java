package jaio.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import jaio.Engine;
import jaio.Event;
import jaio.IoBuffers;
import jaio.IoContext;
import jaio.IoFile;
import jaio.IoSocket;
import jaio.Request;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** What a user reads when a call is wrong: the method, the parameter, the limit, the file. */
class MessagesTest {
    private static final Map<Engine, Integer> LARGEST = Map.of(Engine.IO_URING, 65536, Engine.KAIO, 4194304,
            Engine.THREADS, 16777216);

    @ParameterizedTest
    @MethodSource("jaio.testkit.TestEngines#all")
    void aCapacityTooLargeNamesTheEnginesLargest(Engine engine) throws IOException {
        int max = LARGEST.get(engine);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> IoContext.open(Integer.MAX_VALUE, engine));
        assertTrue(e.getMessage().contains("at most " + max + " events"), e.getMessage());
        assertTrue(e.getMessage().contains(engine.shortName()), e.getMessage());
        // One more than the largest is refused the same way; the growth of a context too.
        assertThrows(IllegalArgumentException.class, () -> IoContext.open(max + 1, engine));
        try (IoContext ctx = IoContext.open(8, engine)) {
            IllegalArgumentException g = assertThrows(IllegalArgumentException.class, () -> ctx.resize(max + 1));
            assertTrue(g.getMessage().contains("at most " + max), g.getMessage());
        }
    }

    @Test
    void theAutomaticEngineRefusesACapacityNoEngineTakes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> IoContext.open(Integer.MAX_VALUE));
        assertTrue(e.getMessage().contains("at most"), e.getMessage());
    }

    @Test
    void nullArgumentsNameTheMethodAndTheParameter() throws IOException {
        Path p = Files.createTempFile("jaio-msg", ".dat");
        try (IoContext ctx = IoContext.open(8, Engine.THREADS); IoFile f = IoFile.open(p)) {
            npe("Request.pread: dst", () -> Request.pread(f, (ByteBuffer) null, 0));
            npe("Request.pread: dst", () -> Request.pread(f, (MemorySegment) null, 0));
            npe("Request.pwrite: src", () -> Request.pwrite(f, (ByteBuffer) null, 0));
            npe("Request.pread: file", () -> Request.pread(null, IoBuffers.allocate(8), 0));
            npe("Request.preadv: file", () -> Request.preadv(null, new ByteBuffer[0], 0));
            npe("Request.preadv/pwritev: buffers", () -> Request.preadv(f, (ByteBuffer[]) null, 0));
            npe("Request.preadv/pwritev: buffers[1]",
                    () -> Request.preadv(f, new ByteBuffer[] {ByteBuffer.allocate(1), null}, 0));
            npe("Request.fsync/fdsync: file", () -> Request.fsync(null));
            npe("Request.timeout: delay", () -> Request.timeout(null, 0));
            npe("Request.poll: file", () -> Request.poll((IoFile) null, 1));
            npe("Request.poll: socket", () -> Request.poll((IoSocket) null, 1));
            npe("IoContext.submit: requests", () -> ctx.submit((Request[]) null));
            npe("IoContext.submit: requests", () -> ctx.submit(null, 0, 0));
            npe("IoContext.submit: requests[0] is null", () -> ctx.submit(new Request[1]));
            npe("IoContext.getEvents: events", () -> ctx.getEvents(0, null));
            npe("IoContext.getEvents: events", () -> ctx.getEvents(0, 0, null, 0, java.util.concurrent.TimeUnit.SECONDS));
            npe("IoContext.getEvents: timeout", () -> ctx.getEvents(0, new Event[] {new Event()}, null));
            npe("IoContext.await: request", () -> ctx.await(null, Duration.ZERO));
            npe("IoContext.await: timeout", () -> ctx.await(Request.noop(), null));
            npe("IoContext.cancel: request", () -> ctx.cancel(null));
            npe("IoContext.submitAndWait: events",
                    () -> ctx.submitAndWait(new Request[0], 0, 0, 0, null, Duration.ZERO));
        } finally {
            Files.deleteIfExists(p);
        }
    }

    @Test
    void theSizeOfAClosedFileNamesTheFile() throws IOException {
        Path p = Files.createTempFile("jaio-msg-closed", ".dat");
        try {
            IoFile f = IoFile.open(p);
            f.close();
            ClosedChannelException e = assertThrows(ClosedChannelException.class, f::size);
            assertTrue(e.getMessage() != null && e.getMessage().contains(p.getFileName().toString()),
                    String.valueOf(e.getMessage()));
        } finally {
            Files.deleteIfExists(p);
        }
    }

    private static void npe(String message, Executable call) {
        NullPointerException e = assertThrows(NullPointerException.class, call);
        assertEquals(message, e.getMessage());
    }
}
