package jaio.bench.jmh;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import jaio.Engine;
import jaio.EngineInfo;
import jaio.Event;
import jaio.IoBuffers;
import jaio.IoContext;
import jaio.IoFile;
import jaio.Request;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * 4 KiB random reads at a fixed depth, reaped in batches, buffered (page-cache hits) or
 * O_DIRECT: what fio's libaio engine does with {@code iodepth_batch_complete_min}.
 * {@link RandomReadBenchmark} takes one event at a time from a cached file; this one waits for
 * at least {@code minNr} events, takes as many as are there (up to the depth) and sends all
 * their requests to new offsets in one submit, which is how a batching reaper drives native
 * AIO and io_uring.
 *
 * <p><b>One JMH operation is one reap-and-resubmit round</b>, whose size varies; the
 * secondary result {@code reads} is requests per second, the number to compare with fio's
 * IOPS. Under {@code -prof gc}, {@code gc.alloc.rate.norm} is bytes per round. O_DIRECT needs a
 * temp folder on a file system that takes it (not tmpfs): {@code -Djava.io.tmpdir=...} in
 * {@code JAIO_JAVA_OPTS} moves it.
 *
 * <p>Run: {@code ./jaio jmh BatchReap} (engines not available here are left out by {@link JmhMain}),
 * or {@code ./jaio jmh BatchReap -p engine=kaio -p mode=direct} for native AIO alone.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class BatchReapBenchmark {
    static final int BS = 4096;

    @Param({"uring", "kaio", "threads"})
    public String engine;

    @Param({"buffered", "direct"})
    public String mode;

    @Param({"32"})
    public int iodepth;

    @Param({"1", "8"})
    public int minNr;

    private IoFile file;
    private IoContext ctx;
    private Event[] events;
    private Request[] again;
    private long state = 0x9E3779B97F4A7C15L;
    private long blocks;

    /** Requests completed, reported by JMH as a rate next to the rounds per second. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Reads {
        public long reads;

        @Setup(Level.Iteration)
        public void clear() {
            reads = 0;
        }
    }

    @Setup(Level.Trial)
    public void setup() throws IOException {
        Engine e = Engine.parse(engine);
        EngineInfo info = EngineInfo.probe(e);
        if (!info.available()) {
            throw new IllegalStateException(engine + " is not available here: " + info.reason()
                    + " (./jaio jmh leaves it out unless it is asked for with -p engine=...)");
        }
        if (minNr < 1 || minNr > iodepth) {
            throw new IllegalArgumentException("minNr must be 1 to iodepth (" + iodepth + "), not " + minNr);
        }
        boolean direct = switch (mode) {
            case "direct" -> true;
            case "buffered" -> false;
            default -> throw new IllegalArgumentException("mode is buffered or direct, not " + mode);
        };
        Path p = RandomReadBenchmark.dataFile();
        if (!direct) {
            RandomReadBenchmark.warm(p);
        }
        file = direct ? IoFile.open(p, IoFile.DIRECT) : IoFile.open(p);
        blocks = file.size() / BS;
        ctx = IoContext.builder().engine(e).capacity(iodepth).open();
        events = new Event[iodepth];
        again = new Request[iodepth];
        Request[] all = new Request[iodepth];
        for (int i = 0; i < iodepth; i++) {
            MemorySegment buf = direct ? IoBuffers.forDirectIo(file, BS) : IoBuffers.allocate(BS);
            all[i] = Request.pread(file, buf, nextOffset()).userData(i);
            events[i] = new Event();
        }
        int k = 0;
        while (k < iodepth) {
            k += ctx.submit(all, k, iodepth - k);
        }
    }

    private long nextOffset() {
        long x = state;
        x ^= x >>> 12;
        x ^= x << 25;
        x ^= x >>> 27;
        state = x;
        return Long.remainderUnsigned(x * 0x2545F4914F6CDD1DL, blocks) * BS;
    }

    /** One round: wait for at least minNr completions, resubmit every request reaped in one call. */
    @Benchmark
    public int round(Reads counters) {
        int n = ctx.getEvents(minNr, iodepth, events, 10, TimeUnit.SECONDS);
        if (n < minNr) {
            throw new IllegalStateException("only " + n + " of " + minNr + " completions within 10 s");
        }
        for (int i = 0; i < n; i++) {
            Event ev = events[i];
            if (ev.result() != BS) {
                throw new IllegalStateException("read returned " + ev.errnoName() + " / " + ev.result());
            }
            Request r = ev.request();
            r.offset(nextOffset());
            again[i] = r;
        }
        int k = 0;
        while (k < n) {
            // No room cannot happen at a constant depth; spinning keeps the count honest if it did.
            int m = ctx.submit(again, k, n - k);
            if (m == 0) {
                Thread.onSpinWait();
            }
            k += m;
        }
        counters.reads += n;
        return n;
    }

    @TearDown(Level.Trial)
    public void teardown() {
        if (ctx != null) {
            ctx.close();
        }
        if (file != null) {
            file.close();
        }
    }
}
