package jaio.nio;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/** Run by ObservabilityTest in the diagnosis mode: three reads, then the jaio.BlockingSubmit events they produced. */
public final class DiagnoseProbe {
    private DiagnoseProbe() {}

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        Path file = dir.resolve("d.dat");
        Files.write(file, new byte[16384]);
        Path jfr = dir.resolve("d.jfr");
        try (Recording rec = new Recording()) {
            rec.enable("jaio.BlockingSubmit").withStackTrace();
            rec.start();
            readThree(file);
            rec.stop();
            rec.dump(jfr);
        }
        var ev = RecordingFile.readAllEvents(jfr).stream().filter(e -> e.getEventType().getName().equals("jaio.BlockingSubmit")).toList();
        System.out.println("blocking submits: " + ev.size());
        for (RecordedEvent e : ev) {
            for (RecordedFrame f : e.getStackTrace().getFrames()) {
                String m = f.getMethod().getType().getName() + "." + f.getMethod().getName();
                if (!m.startsWith("jaio.nio.Lane") && !m.startsWith("jaio.nio.AsyncFile") && !m.startsWith("jaio.nio.Observer")) {
                    System.out.println("top: " + m);
                    break;
                }
            }
        }
    }

    static void readThree(Path file) throws Exception {
        try (AsyncFile f = AsyncFile.open(file, StandardOpenOption.READ)) {
            for (int i = 0; i < 3; i++) {
                f.read(ByteBuffer.allocate(4096), i * 4096L).join();
            }
        }
    }
}
