package jaio.bench.jmh;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import jaio.Engine;
import jaio.EngineInfo;
import jaio.IoContext;
import jaio.nio.AsyncFile;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * J1's cost per operation: {@value #DEPTH} cached 4 KiB random reads through
 * {@link AsyncFile} (each a CompletableFuture completed by the context's reaper), then a join
 * of each. With {@code -prof gc}, {@code gc.alloc.rate.norm} is the bytes allocated per read:
 * the future, plus the JDK's waiter node when a join has to wait ({@link #futuresPolled} leaves
 * that out), since requests are pooled and 4 KiB results are boxed once.
 *
 * <p>One JMH operation is one read. Run: {@code ./jaio jmh AsyncFileBenchmark -prof gc}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class AsyncFileBenchmark {
    static final int DEPTH = 32;
    static final int BS = 4096;

    @Param({"uring", "kaio", "threads"})
    public String engine;

    IoContext ctx;
    AsyncFile file;
    final ByteBuffer[] bufs = new ByteBuffer[DEPTH];
    @SuppressWarnings("unchecked")
    final CompletableFuture<Integer>[] futures = new CompletableFuture[DEPTH];
    long state = 0x9E3779B97F4A7C15L;

    @Setup(Level.Trial)
    public void setup() throws IOException {
        Engine kind = Engine.parse(engine);
        EngineInfo info = EngineInfo.probe(kind);
        if (!info.available()) {
            throw new IllegalStateException(engine + " is not available here: " + info.reason());
        }
        Path path = RandomReadBenchmark.dataFile();
        RandomReadBenchmark.warm(path);
        ctx = IoContext.builder().engine(kind).capacity(2 * DEPTH).selfReaping().open();
        file = AsyncFile.open(ctx, path, StandardOpenOption.READ);
        for (int i = 0; i < DEPTH; i++) {
            bufs[i] = ByteBuffer.allocateDirect(BS);
        }
    }

    @TearDown(Level.Trial)
    public void teardown() {
        file.closeAsync().join();
        ctx.close();
    }

    private long nextOffset() {
        long x = state;
        x ^= x >>> 12;
        x ^= x << 25;
        x ^= x >>> 27;
        state = x;
        return Long.remainderUnsigned(x * 0x2545F4914F6CDD1DL, RandomReadBenchmark.FILE_SIZE / BS) * BS;
    }

    @Benchmark
    @OperationsPerInvocation(DEPTH)
    public int futures() {
        for (int i = 0; i < DEPTH; i++) {
            bufs[i].clear();
            futures[i] = file.read(bufs[i], nextOffset());
        }
        int sum = 0;
        for (int i = 0; i < DEPTH; i++) {
            sum += futures[i].join();
        }
        return sum;
    }

    /**
     * The same, but waiting by looking ({@code isDone}) before joining: a join that has to wait
     * allocates the JDK's waiter node (CompletableFuture.Signaller), which this leaves out, so
     * that what remains is the facade's own allocation.
     */
    @Benchmark
    @OperationsPerInvocation(DEPTH)
    public int futuresPolled() {
        for (int i = 0; i < DEPTH; i++) {
            bufs[i].clear();
            futures[i] = file.read(bufs[i], nextOffset());
        }
        int sum = 0;
        for (int i = 0; i < DEPTH; i++) {
            CompletableFuture<Integer> f = futures[i];
            while (!f.isDone()) {
                Thread.onSpinWait();
            }
            sum += f.join();
        }
        return sum;
    }
}
