package jaio.bench.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import jaio.EngineInfo;

/**
 * Stateless: why a {@code --hipri} job cannot run, said plainly instead of running it without
 * polling: what the engine says of HIPRI, and whether the file's block device has poll queues
 * at all (its queue/io_poll in sysfs).
 */
final class Hipri {
    private Hipri() {}

    /** The refusal for a job whose engine does not offer RequestFlag.HIPRI. */
    static String refusal(EngineInfo engine, Path file) {
        String says = engine.features().stream().filter(f -> f.startsWith("HIPRI")).findFirst()
                .orElse("HIPRI: not offered");
        return "--hipri: polled I/O is not available on " + engine.engine().shortName() + " (" + says + "); "
                + device(file) + "; run the job without --hipri";
    }

    /** What sysfs says of polling on the device that holds {@code file}. */
    static String device(Path file) {
        long dev;
        try {
            dev = ((Number) Files.getAttribute(file, "unix:dev")).longValue();
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "the device of " + file + " is unknown (" + e.getMessage() + ")";
        }
        // Linux's dev_t: major in bits 8-19 and 32-43, minor in bits 0-7 and 20-31.
        long major = ((dev >>> 8) & 0xfff) | ((dev >>> 32) & ~0xfffL);
        long minor = (dev & 0xff) | ((dev >>> 12) & ~0xffL);
        String id = major + ":" + minor;
        Path node = Path.of("/sys/dev/block", id);
        // A partition has no queue of its own: its disk's is one level up.
        for (Path q : new Path[] {node.resolve("queue/io_poll"), node.resolve("../queue/io_poll")}) {
            try {
                String v = Files.readString(q).trim();
                return "the device of " + file + " (" + id + ") " + ("1".equals(v)
                        ? "has poll queues (queue/io_poll=1)"
                        : "has no poll queues (queue/io_poll=" + v + "; NVMe gets them with the nvme.poll_queues"
                                + " module parameter)");
            } catch (IOException e) {
                // not this one: try the next
            }
        }
        return "the file is on " + id + ", which is not a block device with a request queue (no " + node
                + "/queue/io_poll), so nothing there can be polled";
    }
}
