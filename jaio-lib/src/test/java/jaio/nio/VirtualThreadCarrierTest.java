package jaio.nio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.locks.LockSupport;
import jaio.Engine;
import jaio.IoContext;
import jaio.testkit.TestEngines;
import jaio.testkit.TestFiles;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * J3: virtual threads waiting on jaio never hold a carrier. With one carrier, a ticking virtual
 * thread runs while 64 others wait on requests that cannot complete; and 64 virtual threads
 * doing random reads record no jdk.VirtualThreadPinned event.
 */
@Timeout(240)
class VirtualThreadCarrierTest {
    @TempDir
    Path dir;

    /** Engines that wait on pipes and FIFOs (the portable engine refuses POLL and positional FIFO reads). */
    static List<Engine> waitingEngines() {
        return List.of(Engine.IO_URING, Engine.KAIO);
    }

    @ParameterizedTest
    @MethodSource("waitingEngines")
    void aVirtualThreadTicksWhile64WaitOnOneCarrier(Engine engine) throws Exception {
        TestEngines.assumeAvailable(engine);
        Forked.Result r = Forked.run(List.of("-Djdk.virtualThreadScheduler.parallelism=1",
                "-Djdk.virtualThreadScheduler.maxPoolSize=1"), CarrierProbe.class, engine.shortName());
        String out = r.output();
        assertEquals(0, r.exit(), out);
        assertTrue(out.contains("ticks=50 tickerDone=true"), "the ticker ran on the one carrier: " + out);
        assertTrue(out.contains("finishedWhileTicking=0"), "the 64 were really waiting: " + out);
        assertTrue(out.contains("finished=64"), "and all finished once released: " + out);
    }

    /** The same through the context API: awaits and getEvents on a context whose caller reaps (a core change of J3). */
    @ParameterizedTest
    @MethodSource("waitingEngines")
    void virtualThreadsInAwaitAndGetEventsDoNotHoldTheCarrier(Engine engine) throws Exception {
        TestEngines.assumeAvailable(engine);
        Forked.Result r = Forked.run(List.of("-Djdk.virtualThreadScheduler.parallelism=1",
                "-Djdk.virtualThreadScheduler.maxPoolSize=1"), CarrierProbe.class, engine.shortName(), "core");
        String out = r.output();
        assertEquals(0, r.exit(), out);
        assertTrue(out.contains("ticks=50 tickerDone=true"), "the ticker ran on the one carrier: " + out);
        assertTrue(out.contains("finishedWhileTicking=0"), "the 64 were really waiting: " + out);
        assertTrue(out.contains("finished=64"), "and all finished once released: " + out);
    }

    /** Parks a virtual thread inside a class initializer, which pins it: the control that shows the recording sees pinning. */
    static final class PinsWhileInitializing {
        static {
            LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
        }

        static void touch() {}
    }

    @ParameterizedTest
    @MethodSource("jaio.testkit.TestEngines#all")
    void noPinnedEventDuring64VirtualThreadsDoingRandomReads(Engine engine) throws Exception {
        TestEngines.assumeAvailable(engine);
        Path file = TestFiles.patterned(dir, "r.dat", 4 << 20);
        Path jfr = dir.resolve("pinned.jfr");
        try (IoContext ctx = IoContext.builder().capacity(128).engine(engine).selfReaping().open();
             FileChannel ch = JaioFileChannel.open(ctx, file, Set.of(StandardOpenOption.READ));
             Recording rec = new Recording()) {
            rec.enable("jdk.VirtualThreadPinned").withThreshold(Duration.ZERO).withStackTrace();
            // Warm up first: a virtual thread waiting for a class that another thread is
            // initializing is pinned (the JDK's rule, not a wait of jaio's), so the classes of
            // the read path are initialized before the recording starts.
            runReaders(ch, 1, 50);
            runReaders(ch, 4, 50);
            rec.start();
            runReaders(ch, 64, 100);
            rec.stop();
            rec.dump(jfr);
        }
        List<RecordedEvent> pinned = RecordingFile.readAllEvents(jfr).stream()
                .filter(e -> e.getEventType().getName().equals("jdk.VirtualThreadPinned")).toList();
        assertEquals(List.of(), pinned.stream().map(e -> String.valueOf(e.getStackTrace())).toList(), "pinned during jaio reads");
    }

    /** {@code threads} virtual threads, each doing {@code reads} checked random 4 KiB reads. */
    private static void runReaders(FileChannel ch, int threads, int reads) throws InterruptedException {
        List<Thread> ts = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            long seed = i;
            ts.add(Thread.ofVirtual().start(() -> {
                SplittableRandom rnd = new SplittableRandom(seed);
                ByteBuffer b = ByteBuffer.allocateDirect(4096);
                for (int k = 0; k < reads; k++) {
                    long off = rnd.nextLong(1024) * 4096;
                    b.clear();
                    try {
                        if (ch.read(b, off) != 4096 || b.get(7) != TestFiles.pattern(off + 7, 0)) {
                            throw new AssertionError("bad read at " + off);
                        }
                    } catch (IOException e) {
                        throw new AssertionError(e);
                    }
                }
            }));
        }
        for (Thread t : ts) {
            t.join();
        }
    }

    @org.junit.jupiter.api.Test
    void theRecordingSeesPinningWhenItHappens() throws Exception {
        Path jfr = dir.resolve("control.jfr");
        try (Recording rec = new Recording()) {
            rec.enable("jdk.VirtualThreadPinned").withThreshold(Duration.ZERO);
            rec.start();
            Thread.ofVirtual().start(PinsWhileInitializing::touch).join();
            rec.stop();
            rec.dump(jfr);
        }
        long n = RecordingFile.readAllEvents(jfr).stream()
                .filter(e -> e.getEventType().getName().equals("jdk.VirtualThreadPinned")).count();
        assertTrue(n >= 1, "the control pins once");
    }
}
