package jaio.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import jaio.Engine;
import jaio.Event;
import jaio.IoBuffers;
import jaio.IoContext;
import jaio.IoFile;
import jaio.Request;
import jaio.testkit.TestFiles;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Code that enumerates threads and interrupts them (a thread dump tool, a careless shutdown
 * hook) hits the engines' workers: no request may fail because of it, and the file stays
 * usable from every context.
 */
class WorkerInterruptTest {
    @ParameterizedTest
    @MethodSource("jaio.testkit.TestEngines#all")
    void interruptingEngineWorkersBreaksNoRequestAndNoFile(Engine engine) throws Exception {
        Path p = TestFiles.patterned(Files.createTempDirectory("jaio-intr"), "data", 1 << 20);
        String name = "intr" + engine.shortName();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger interrupts = new AtomicInteger();
        try (IoContext ctx = IoContext.builder().engine(engine).name(name).capacity(64).workerThreads(4).open();
             IoFile f = IoFile.open(p, StandardOpenOption.READ)) {
            Thread interrupter = Thread.ofPlatform().name("interrupter").start(() -> {
                while (!stop.get()) {
                    for (Thread t : Thread.getAllStackTraces().keySet()) {
                        if (t.getName().startsWith(name)) {
                            t.interrupt();
                            interrupts.incrementAndGet();
                        }
                    }
                    Thread.onSpinWait();
                }
            });
            try {
                for (int round = 0; round < 200; round++) {
                    Request[] rs = new Request[32];
                    for (int i = 0; i < rs.length; i++) {
                        long off = (long) ((round * 31 + i * 7) % 256) * 4096;
                        rs[i] = (i % 2 == 0 ? Request.pread(f, ByteBuffer.allocate(4096), off)
                                : Request.pread(f, IoBuffers.allocate(4096), off)).userData(off);
                    }
                    assertEquals(rs.length, ctx.submit(rs));
                    for (Request r : rs) {
                        Event e = ctx.await(r, Duration.ofSeconds(10));
                        assertEquals(4096, e.result(), e.toString());
                    }
                }
            } finally {
                stop.set(true);
                interrupter.join();
            }
            assertTrue(f.isOpen());
            // Another context reads the same file afterwards.
            try (IoContext other = IoContext.open(4, engine)) {
                MemorySegment buf = IoBuffers.allocate(4096);
                Request r = Request.pread(f, buf, 8192);
                other.submit(r);
                assertEquals(4096, other.await(r, Duration.ofSeconds(10)).result());
                assertEquals(TestFiles.pattern(8192, 0), buf.get(java.lang.foreign.ValueLayout.JAVA_BYTE, 0));
            }
        } finally {
            Files.deleteIfExists(p);
            Files.deleteIfExists(p.getParent());
        }
    }
}
