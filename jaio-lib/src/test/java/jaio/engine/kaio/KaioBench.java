package jaio.engine.kaio;

import static jaio.TestProcess.allocatedBytes;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.SplittableRandom;
import jaio.Engine;
import jaio.Event;
import jaio.IoBuffers;
import jaio.IoContext;
import jaio.IoFile;
import jaio.Request;

/**
 * A small fio-like harness for the native AIO engine (a benchmark, not a test): 4 KiB random
 * reads at a fixed depth, each completed request resubmitted at a new offset in one batch,
 * like fio's libaio engine with iodepth_batch_complete_min=1.
 *
 * <pre>
 * java --enable-native-access=ALL-UNNAMED -cp jaio-lib/target/classes:jaio-lib/target/test-classes \
 *     jaio.engine.kaio.KaioBench FILE direct|buffered IODEPTH SECONDS [kaio|threads|uring [MIN_NR]]
 * </pre>
 * The file must exist; for buffered runs, read it once first so that it is in the page cache.
 */
public final class KaioBench {
    private KaioBench() {}

    public static void main(String[] args) throws IOException {
        Path path = Path.of(args[0]);
        boolean direct = args[1].equals("direct");
        int depth = Integer.parseInt(args[2]);
        double seconds = Double.parseDouble(args[3]);
        Engine engine = args.length > 4 ? Engine.parse(args[4]) : Engine.KAIO;
        int minNr = args.length > 5 ? Integer.parseInt(args[5]) : 1;
        int bs = 4096;
        try (IoFile f = direct ? IoFile.open(path, IoFile.DIRECT) : IoFile.open(path);
             IoContext ctx = IoContext.builder().engine(engine).capacity(depth).open()) {
            long blocks = f.size() / bs;
            SplittableRandom rnd = new SplittableRandom(42);
            Request[] reqs = new Request[depth];
            Event[] ev = new Event[depth];
            for (int i = 0; i < depth; i++) {
                MemorySegment buf = direct ? IoBuffers.forDirectIo(f, bs) : IoBuffers.allocate(bs);
                reqs[i] = Request.pread(f, buf, rnd.nextLong(blocks) * bs);
                ev[i] = new Event();
            }
            Request[] again = new Request[depth];
            long warmEnd = System.nanoTime() + 2_000_000_000L;
            long start = 0;
            long end = Long.MAX_VALUE;
            long done = 0;
            long errors = 0;
            long alloc0 = 0;
            int accepted = ctx.submit(reqs);
            if (accepted != depth) {
                throw new IllegalStateException("accepted " + accepted);
            }
            while (true) {
                int n = ctx.getEvents(minNr, depth, ev, -1, java.util.concurrent.TimeUnit.NANOSECONDS);
                for (int i = 0; i < n; i++) {
                    if (ev[i].result() != bs) {
                        errors++;
                    }
                    Request r = ev[i].request();
                    r.offset(rnd.nextLong(blocks) * bs);
                    again[i] = r;
                }
                done += n;
                if ((done & 255) < n) {
                    long now = System.nanoTime();
                    if (start == 0 && now >= warmEnd) {
                        start = now;
                        end = now + (long) (seconds * 1e9);
                        done = 0;
                        alloc0 = allocatedBytes();
                    } else if (now >= end) {
                        double s = (now - start) / 1e9;
                        long alloc = allocatedBytes() - alloc0;
                        System.out.printf("%s %s depth %d: %,.0f IOPS (%d reads in %.2f s, %d errors,"
                                        + " %.3f bytes allocated per read by this thread) %s%n",
                                ctx.engine().shortName(), direct ? "direct" : "buffered", depth, done / s, done, s,
                                errors, (double) alloc / done, ctx.stats());
                        break;
                    }
                }
                int k = 0;
                while (k < n) {
                    k += ctx.submit(again, k, n - k);
                }
            }
            // Drain what is still in flight before closing.
            int left = ctx.stats().inFlight() + ctx.stats().unreaped();
            while (left > 0) {
                left -= ctx.getEvents(1, depth, ev, -1, java.util.concurrent.TimeUnit.NANOSECONDS);
            }
        }
    }
}
