package jaio.nio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import jaio.IoContext;
import jaio.testkit.TestFiles;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** J5: the JFR events and the per-context MXBean. */
@Timeout(120)
class ObservabilityTest {
    @TempDir
    Path dir;

    /**
     * The events of one type in the order they started: a file holds each thread's events
     * together, and a request's event is committed by whichever thread ran its callback (the
     * reaper, or a thread that waited as a helper).
     */
    private static List<RecordedEvent> events(Path jfr, String name) throws Exception {
        return RecordingFile.readAllEvents(jfr).stream().filter(e -> e.getEventType().getName().equals(name))
                .sorted(java.util.Comparator.comparing(RecordedEvent::getStartTime)).toList();
    }

    @Test
    void slowRequestEventsFollowTheThreshold() throws Exception {
        Path file = TestFiles.patterned(dir, "s.dat", 64 << 10);
        Path all = dir.resolve("all.jfr");
        Path none = dir.resolve("none.jfr");
        try (IoContext ctx = IoContext.builder().capacity(8).selfReaping().name("jfr-threshold").open();
             AsyncFile f = AsyncFile.open(ctx, file, StandardOpenOption.READ)) {
            try (Recording rec = new Recording()) {
                rec.enable("jaio.IoRequest").with("latencyThreshold", "0 ns");
                rec.start();
                for (int i = 0; i < 10; i++) {
                    f.read(ByteBuffer.allocate(4096), i * 4096L).join();
                }
                f.read(ByteBuffer.allocate(4096), 1 << 20).join(); // end of file
                rec.stop();
                rec.dump(all);
            }
            try (Recording rec = new Recording()) {
                rec.enable("jaio.IoRequest"); // the default threshold, 20 ms: these reads of a cached file are faster
                rec.start();
                for (int i = 0; i < 10; i++) {
                    f.read(ByteBuffer.allocate(4096), i * 4096L).join();
                }
                rec.stop();
                rec.dump(none);
            }
        }
        List<RecordedEvent> ev = events(all, "jaio.IoRequest");
        assertEquals(11, ev.size(), "one per request with a zero threshold");
        RecordedEvent e = ev.get(0);
        assertEquals("read", e.getString("operation"));
        assertEquals(file.toString(), e.getString("path"));
        assertEquals(4096, e.getLong("bytes"));
        assertEquals(4096, e.getLong("result"));
        assertEquals("jfr-threshold", e.getString("context"));
        assertFalse(e.getString("engine").isEmpty());
        assertTrue(e.getDuration("service").toNanos() >= 0 && e.getDuration("queued").toNanos() >= 0);
        assertEquals(0, ev.get(10).getLong("result"), "end of file is a read of 0 bytes");
        assertEquals(0, events(none, "jaio.IoRequest").size(), "the default threshold (20 ms) keeps fast requests out");
    }

    /** The threshold set in a .jfc file (docs/jaio.jfc's, with 0 ns instead of 20 ms). */
    @Test
    void theThresholdIsSetInAJfcFile() throws Exception {
        Path jfc = dir.resolve("zero.jfc");
        java.nio.file.Files.writeString(jfc, java.nio.file.Files.readString(Path.of("../docs/jaio.jfc"))
                .replace("<setting name=\"latencyThreshold\">20 ms</setting>", "<setting name=\"latencyThreshold\">0 ns</setting>"));
        Path file = TestFiles.patterned(dir, "j.dat", 16 << 10);
        Path out = dir.resolve("j.jfr");
        try (IoContext ctx = IoContext.builder().capacity(8).selfReaping().name("jfr-jfc").open();
             AsyncFile f = AsyncFile.open(ctx, file, StandardOpenOption.READ);
             Recording rec = new Recording(jdk.jfr.Configuration.create(jfc))) {
            rec.start();
            for (int i = 0; i < 4; i++) {
                f.read(ByteBuffer.allocate(4096), i * 4096L).join();
            }
            rec.stop();
            rec.dump(out);
        }
        assertEquals(4, events(out, "jaio.IoRequest").stream().filter(e -> e.getString("context").equals("jfr-jfc")).count());
    }

    @Test
    void periodicCountersAndTheMXBean() throws Exception {
        Path file = TestFiles.patterned(dir, "p.dat", 64 << 10);
        Path jfr = dir.resolve("p.jfr");
        try (IoContext ctx = IoContext.builder().capacity(8).selfReaping().name("jfr-periodic").open();
             AsyncFile f = AsyncFile.open(ctx, file, StandardOpenOption.READ)) {
            for (int i = 0; i < 16; i++) {
                f.read(ByteBuffer.allocate(4096), i * 4096L).join();
            }
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            ObjectName name = JaioMonitoring.register(ctx);
            assertEquals(new ObjectName("jaio:type=IoContext,name=\"jfr-periodic\""), name);
            assertEquals(16L, server.getAttribute(name, "Submitted"));
            assertEquals(16L, server.getAttribute(name, "Completed"));
            assertEquals(true, server.getAttribute(name, "Open"));
            assertEquals(ctx.engine().shortName(), server.getAttribute(name, "Engine"));
            try (Recording rec = new Recording()) {
                rec.enable("jaio.ContextStatistics").withPeriod(Duration.ofMillis(100));
                rec.start();
                Thread.sleep(400);
                rec.stop();
                rec.dump(jfr);
            }
            List<RecordedEvent> ev = events(jfr, "jaio.ContextStatistics").stream()
                    .filter(e -> e.getString("context").equals("jfr-periodic")).toList();
            assertFalse(ev.isEmpty(), "periodic events of this context");
            assertEquals(16, ev.get(ev.size() - 1).getLong("submitted"));
            assertTrue(JaioMonitoring.unregister(ctx));
            assertFalse(server.isRegistered(name));
        }
    }

    /** Opening and closing contexts without a recording leaves no MXBean behind (they are dropped as new ones come). */
    @Test
    void closedContextsLeaveNoMXBeans() throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName last = null;
        for (int i = 0; i < 50; i++) {
            try (IoContext ctx = IoContext.builder().capacity(4).selfReaping().name("cycle-" + i).open()) {
                last = JaioMonitoring.register(ctx);
            }
        }
        try (IoContext ctx = IoContext.builder().capacity(4).selfReaping().name("cycle-end").open()) {
            JaioMonitoring.register(ctx);
            assertFalse(server.isRegistered(last));
            long cycles = server.queryNames(new ObjectName("jaio:type=IoContext,*"), null).stream()
                    .filter(n -> n.getKeyProperty("name").startsWith("\"cycle-")).count();
            assertEquals(1, cycles, "only the open one");
        }
    }

    /** The diagnosis mode, in a JVM of its own (it is read at start): a submission over the threshold is reported with its stack. */
    @Test
    void diagnosisModeReportsTheSubmittingCall() throws Exception {
        Forked.Result r = Forked.run(List.of("-Djaio.nio.diagnose=true", "-Djaio.nio.diagnose.thresholdMicros=0"),
                DiagnoseProbe.class, dir.toString());
        assertEquals(0, r.exit(), r.output());
        assertTrue(r.output().contains("blocking submits: 3"), r.output());
        assertTrue(r.output().contains("top: jaio.nio.DiagnoseProbe.readThree"), r.output());
    }
}
