package jaio.bench.jmh;

import java.io.IOException;
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
 * Opening and closing contexts (issue 14, item 8): what a program pays that opens a context
 * per file or per task.
 *
 * <p><b>One JMH operation is one context's life</b>: open it (capacity 64), submit
 * {@link #REQUESTS} requests, reap their events, close it. So the throughput is contexts per
 * second. {@code work=noop} submits NOOPs, {@code work=pread} 4 KiB reads of a cached file
 * (the file of {@link RandomReadBenchmark}, read through before the trial); a read is what
 * makes the thread-pool engine start a worker and native AIO go through io_submit.
 *
 * <p>Run: {@code ./jaio jmh ContextChurn} (engines not available here are left out by
 * {@link JmhMain}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ContextChurnBenchmark {
    static final int CAPACITY = 64;
    static final int REQUESTS = 4;
    static final int BS = 4096;

    @Param({"uring", "kaio", "threads"})
    public String engine;

    @Param({"noop", "pread"})
    public String work;

    private Engine e;
    private IoFile file;
    private final Request[] requests = new Request[REQUESTS];
    private final Event[] events = new Event[REQUESTS];

    @Setup(Level.Trial)
    public void setup() throws IOException {
        e = Engine.parse(engine);
        EngineInfo info = EngineInfo.probe(e);
        if (!info.available()) {
            throw new IllegalStateException(engine + " is not available here: " + info.reason()
                    + " (./jaio jmh leaves it out unless it is asked for with -p engine=...)");
        }
        boolean read = switch (work) {
            case "noop" -> false;
            case "pread" -> true;
            default -> throw new IllegalArgumentException("work is noop or pread, not " + work);
        };
        if (read) {
            Path p = RandomReadBenchmark.dataFile();
            RandomReadBenchmark.warm(p);
            file = IoFile.open(p, StandardOpenOption.READ);
        }
        for (int i = 0; i < REQUESTS; i++) {
            requests[i] = read ? Request.pread(file, IoBuffers.allocate(BS), (long) i * BS) : Request.noop();
            requests[i].userData(i);
            events[i] = new Event();
        }
    }

    /** One context: open, {@link #REQUESTS} requests submitted and reaped, close. */
    @Benchmark
    public long openUseClose() throws IOException {
        long sum = 0;
        try (IoContext ctx = IoContext.builder().engine(e).capacity(CAPACITY).open()) {
            int k = 0;
            while (k < REQUESTS) {
                k += ctx.submit(requests, k, REQUESTS - k);
            }
            int got = 0;
            while (got < REQUESTS) {
                int n = ctx.getEvents(1, REQUESTS, events, 10, TimeUnit.SECONDS);
                if (n == 0) {
                    throw new IllegalStateException("no completion within 10 s");
                }
                for (int i = 0; i < n; i++) {
                    long res = events[i].result();
                    if (res < 0) {
                        throw new IllegalStateException("request failed: " + events[i].errnoName());
                    }
                    sum += res;
                }
                got += n;
            }
        }
        return sum;
    }

    @TearDown(Level.Trial)
    public void teardown() {
        if (file != null) {
            file.close();
        }
    }
}
