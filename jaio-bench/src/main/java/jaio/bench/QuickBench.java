package jaio.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import jaio.Event;
import jaio.IoBuffers;
import jaio.IoContext;
import jaio.IoFile;
import jaio.Request;

/** A short real workload: writes a file, then random 4 KiB reads at depth 32, and prints requests per second. */
final class QuickBench {
    private QuickBench() {}

    static int run(List<String> args) throws IOException {
        Path p = Files.createTempFile("jaio-quick", ".dat");
        long size = 64L << 20;
        int bs = 4096;
        int depth = 32;
        try (IoContext ctx = IoContext.open(depth * 2);
             IoFile f = IoFile.open(p, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            System.out.println("engine " + ctx.engine().shortName());
            Request[] reqs = new Request[depth];
            Event[] events = new Event[depth];
            for (int i = 0; i < depth; i++) {
                reqs[i] = Request.pwrite(f, IoBuffers.allocate(1 << 20), 0);
                events[i] = new Event();
            }
            long t0 = System.nanoTime();
            for (long off = 0; off < size; off += (long) depth << 20) {
                for (int i = 0; i < depth; i++) {
                    reqs[i].offset(off + ((long) i << 20));
                }
                ctx.submit(reqs);
                ctx.getEvents(depth, events, Duration.ofSeconds(30));
            }
            report("write 1 MiB", size >> 20, t0);
            SplittableRandom rnd = new SplittableRandom(1);
            for (int i = 0; i < depth; i++) {
                reqs[i] = Request.pread(f, IoBuffers.allocate(bs), 0);
            }
            long n = 0;
            t0 = System.nanoTime();
            long end = t0 + 3_000_000_000L;
            while (System.nanoTime() < end) {
                for (int i = 0; i < depth; i++) {
                    reqs[i].offset(rnd.nextLong(size / bs) * bs);
                }
                ctx.submit(reqs);
                ctx.getEvents(depth, events, Duration.ofSeconds(30));
                n += depth;
            }
            report("randread 4 KiB", n, t0);
        } finally {
            Files.deleteIfExists(p);
        }
        return 0;
    }

    private static void report(String what, long n, long t0) {
        double s = (System.nanoTime() - t0) / 1e9;
        System.out.printf("%-16s %,12.0f requests/s (%d in %.2f s)%n", what, n / s, n, s);
    }
}
