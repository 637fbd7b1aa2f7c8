package jaio.bench.jmh;

import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import jaio.Engine;
import jaio.EngineInfo;
import jaio.Event;
import jaio.IoBuffers;
import jaio.IoContext;
import jaio.IoFile;
import jaio.Request;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What submitting from several threads costs: each JMH thread submits a batch of
 * {@value #BATCH} cached 4 KiB reads in one call and awaits each of its own requests
 * ({@code await} takes no other thread's event), on one context shared by all threads
 * ({@code contexts=shared}) or on a context of its own ({@code contexts=own}). The difference
 * between the two, at two threads, is the price of sharing a context: its submit lock, its
 * completion queue's lock, and (io_uring) one ring for both threads.
 *
 * <p>One JMH operation is one request. Run: {@code ./jaio jmh SharedSubmitBenchmark}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SharedSubmitBenchmark {
    static final int BATCH = 32;
    static final int BS = 4096;

    /** The context (or, for contexts=own, only the parameters) all threads share. */
    @State(Scope.Benchmark)
    public static class Shared {
        @Param({"uring", "kaio", "threads"})
        public String engine;

        @Param({"shared", "own"})
        public String contexts;

        Engine kind;
        Path path;
        IoFile file;
        IoContext ctx;

        @Setup(Level.Trial)
        public void setup() throws IOException {
            kind = Engine.parse(engine);
            EngineInfo info = EngineInfo.probe(kind);
            if (!info.available()) {
                throw new IllegalStateException(engine + " is not available here: " + info.reason());
            }
            path = RandomReadBenchmark.dataFile();
            RandomReadBenchmark.warm(path);
            file = IoFile.open(path, StandardOpenOption.READ);
            if (contexts.equals("shared")) {
                ctx = IoContext.builder().engine(kind).capacity(4 * BATCH).open();
            }
        }

        @TearDown(Level.Trial)
        public void teardown() {
            if (ctx != null) {
                ctx.close();
            }
            file.close();
        }
    }

    /** One thread's requests, and its own context for contexts=own. */
    @State(Scope.Thread)
    public static class Mine {
        IoContext ctx;
        IoContext own;
        final Request[] batch = new Request[BATCH];
        final Event ev = new Event();
        long state = 0x9E3779B97F4A7C15L ^ Thread.currentThread().threadId();

        @Setup(Level.Trial)
        public void setup(Shared s) throws IOException {
            if (s.ctx == null) {
                own = IoContext.builder().engine(s.kind).capacity(BATCH).open();
            }
            ctx = s.ctx != null ? s.ctx : own;
            for (int i = 0; i < BATCH; i++) {
                batch[i] = Request.pread(s.file, IoBuffers.allocate(BS), 0);
            }
        }

        long nextOffset() {
            long x = state;
            x ^= x >>> 12;
            x ^= x << 25;
            x ^= x >>> 27;
            state = x;
            return Long.remainderUnsigned(x * 0x2545F4914F6CDD1DL, RandomReadBenchmark.FILE_SIZE / BS) * BS;
        }

        @TearDown(Level.Trial)
        public void teardown() {
            if (own != null) {
                own.close();
            }
        }
    }

    private static final Duration WAIT = Duration.ofSeconds(10);

    private static long batch(Mine m) {
        for (Request r : m.batch) {
            r.offset(m.nextOffset());
        }
        int k = 0;
        while (k < BATCH) {
            int n = m.ctx.submit(m.batch, k, BATCH - k);
            if (n == 0) {
                Thread.onSpinWait();
            }
            k += n;
        }
        long bytes = 0;
        for (Request r : m.batch) {
            if (!m.ctx.await(r, m.ev, WAIT)) {
                throw new IllegalStateException("no completion within " + WAIT);
            }
            bytes += m.ev.result();
        }
        return bytes;
    }

    @Benchmark
    @Threads(1)
    @OperationsPerInvocation(BATCH)
    public long oneThread(Mine m) {
        return batch(m);
    }

    @Benchmark
    @Threads(2)
    @OperationsPerInvocation(BATCH)
    public long twoThreads(Mine m) {
        return batch(m);
    }
}
