package jaio.bench.run;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.util.BitSet;
import java.util.concurrent.atomic.LongAdder;
import jaio.ContextStats;
import jaio.bench.cli.JobSpec;

/**
 * One of a run's numjobs jobs: it opens what it needs ({@link #open}), then runs on its own
 * thread until the schedule ends ({@link #run}), then leaves its measurements here for the
 * report. Subclasses drive the I/O: {@link JaioJob}, {@link AfcJob}, {@link FcJob}.
 */
public abstract class Job implements AutoCloseable {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    protected final JobSpec spec;
    protected final int index;
    protected final Workload workload;
    /** Live counters for the progress line (any thread reads them). */
    public final LongAdder progressIos = new LongAdder();
    public final LongAdder progressBytes = new LongAdder();
    /** Blocks whose write with a verify header completed (when verifying), to read back after the run. */
    protected final BitSet written;

    /** The measurements, complete once {@link #run} returned. */
    protected final JobStats stats = new JobStats();
    private Rusage threadStart = Rusage.UNKNOWN;
    private Rusage threadUsage = Rusage.UNKNOWN;
    private long allocStart = -1;
    private long allocated = -1;
    private long measureStart;

    protected Job(JobSpec spec, int index) {
        this.spec = spec;
        this.index = index;
        this.workload = new Workload(spec, index);
        this.written = spec.verify() && spec.rw().writes() ? new BitSet((int) Math.min(Integer.MAX_VALUE, spec.blocks())) : null;
    }

    /**
     * Opens the file and the engine.
     *
     * @throws EngineUnavailableException when the engine cannot run here
     */
    public abstract void open() throws IOException, EngineUnavailableException;

    /** Runs the job on the calling thread until the schedule ends (or the byte budget is spent). */
    public abstract void run(Schedule schedule) throws IOException;

    /** The engine that ran the job, as reports name it ("kaio", "jdk-afc"). */
    public abstract String engineName();

    /** For AUTO: the engines passed over, with why; else empty. */
    public java.util.List<String> passedOver() {
        return java.util.List.of();
    }

    /** The context's counters at the end, or null for the JDK baselines. */
    public ContextStats contextStats() {
        return null;
    }

    /** Whether the submitting and reaping happen on the job thread (so its rusage and allocations mean something). */
    protected boolean jobThreadDoesIo() {
        return true;
    }

    /** Call on the job thread when measuring starts. */
    protected final void beginMeasuring(long now) {
        measureStart = now;
        if (jobThreadDoesIo()) {
            threadStart = Rusage.thread();
            allocStart = THREADS.getCurrentThreadAllocatedBytes();
        }
    }

    /** Call on the job thread when measuring ends. */
    protected final void endMeasuring() {
        if (jobThreadDoesIo() && allocStart >= 0) {
            allocated = THREADS.getCurrentThreadAllocatedBytes() - allocStart;
            threadUsage = Rusage.thread().since(threadStart);
        }
    }

    public JobStats stats() {
        return stats;
    }

    /** CPU and context switches of the job thread while measuring, or UNKNOWN. */
    public Rusage threadUsage() {
        return threadUsage;
    }

    /** Bytes the job thread allocated while measuring, or -1. */
    public long allocatedBytes() {
        return allocated;
    }

    /** Nanoseconds from the start of measuring to the last completion. */
    public long runtimeNanos() {
        return Math.max(0, stats.lastCompletion - measureStart);
    }

    public BitSet written() {
        return written;
    }

    @Override
    public abstract void close();
}
