package jaio.bench.jmh;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import jaio.Engine;
import jaio.EngineInfo;
import jaio.Event;
import jaio.IoBuffers;
import jaio.IoContext;
import jaio.IoFile;
import jaio.Request;
import jaio.bench.run.DataFile;
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
 * 4 KiB random reads of a cached file, per engine and iodepth, kept at that depth.
 *
 * <p><b>One JMH operation is one request</b>: reap one event ({@code getEvents(1, 1)}), aim
 * its request at a new random offset and submit it again. So the throughput is requests per
 * second and, under {@code -prof gc}, {@code gc.alloc.rate.norm} is bytes allocated per
 * request (0 in the steady state is the goal: requests, events and the submit array are
 * reused). The file (64 MiB, in the temp folder) is laid out once and read through before
 * each trial so the reads hit the page cache.
 *
 * <p>Run with {@code ./jaio jmh} (engines not available here are left out by {@link JmhMain}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RandomReadBenchmark {
    static final long FILE_SIZE = 64L << 20;
    static final int BS = 4096;

    @Param({"uring", "kaio", "threads"})
    public String engine;

    @Param({"1", "32", "128"})
    public int iodepth;

    private IoFile file;
    private IoContext ctx;
    private final Event[] one = {new Event()};
    private final Request[] resubmit = new Request[1];
    private long state = 0x9E3779B97F4A7C15L;
    private long blocks;

    /** The benchmark's file in the temp folder, laid out with data once. */
    static Path dataFile() throws IOException {
        Path p = Path.of(System.getProperty("java.io.tmpdir"), "jaio-jmh.dat");
        DataFile.ensure(p, FILE_SIZE, System.err);
        return p;
    }

    @Setup(Level.Trial)
    public void setup() throws IOException {
        Engine e = Engine.parse(engine);
        EngineInfo info = EngineInfo.probe(e);
        if (!info.available()) {
            throw new IllegalStateException(engine + " is not available here: " + info.reason()
                    + " (./jaio jmh leaves it out unless it is asked for with -p engine=...)");
        }
        Path p = dataFile();
        warm(p);
        file = IoFile.open(p, StandardOpenOption.READ);
        blocks = FILE_SIZE / BS;
        ctx = IoContext.builder().engine(e).capacity(iodepth).open();
        Request[] all = new Request[iodepth];
        for (int i = 0; i < iodepth; i++) {
            all[i] = Request.pread(file, IoBuffers.allocate(BS), nextOffset()).userData(i);
        }
        int k = 0;
        while (k < iodepth) {
            k += ctx.submit(all, k, iodepth - k);
        }
    }

    /** Reads the file through once so that every read of the trial hits the page cache. */
    static void warm(Path p) throws IOException {
        ByteBuffer b = ByteBuffer.allocateDirect(1 << 20);
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
            while (ch.read(b.clear()) > 0) {
                // reading is the point
            }
        }
    }

    private long nextOffset() {
        long x = state;
        x ^= x >>> 12;
        x ^= x << 25;
        x ^= x >>> 27;
        state = x;
        return Long.remainderUnsigned(x * 0x2545F4914F6CDD1DL, FILE_SIZE / BS) * BS;
    }

    /** One request: reap one completion, send its request to a new offset. */
    @Benchmark
    public long read() {
        if (ctx.getEvents(1, 1, one, 10, TimeUnit.SECONDS) != 1) {
            throw new IllegalStateException("no completion within 10 s");
        }
        Event ev = one[0];
        long res = ev.result();
        if (res != BS) {
            throw new IllegalStateException("read returned " + ev.errnoName() + " / " + res);
        }
        Request r = ev.request();
        r.offset(nextOffset());
        resubmit[0] = r;
        while (ctx.submit(resubmit, 0, 1) == 0) {
            // no room cannot happen at a constant depth; spinning keeps the count honest if it did
            Thread.onSpinWait();
        }
        return res;
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
