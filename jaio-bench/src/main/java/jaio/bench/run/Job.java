package jaio.bench.run;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import jaio.ContextStats;
import jaio.bench.plan.FileLayout;
import jaio.bench.plan.IoSequence;
import jaio.bench.plan.JobSpec;

/**
 * One clone of a job: it opens what it needs ({@link #open}), then runs on its own thread
 * ({@link #run}): its I/O sequence until the sequence or the schedule ends, an fsync of its
 * files when end_fsync asks, and the read-back of what it wrote when verifying; then it leaves
 * its measurements here for the report. Subclasses drive the I/O: {@link JaioJob},
 * {@link AfcJob}, {@link FcJob}; the recording of completions (statistics, windows, logs,
 * verify) is here, shared.
 */
public abstract class Job implements AutoCloseable {
    private static final VarHandle BATCH_IOS;
    private static final VarHandle BATCH_BYTES;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            BATCH_IOS = l.findVarHandle(Job.class, "batchIos", long.class);
            BATCH_BYTES = l.findVarHandle(Job.class, "batchBytes", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    protected final Clone clone;
    protected final JobSpec spec;
    protected final IoSequence seq;
    /** Live counters for the progress line (any thread reads them), added to by completion threads. */
    private final LongAdder progressIos = new LongAdder();
    private final LongAdder progressBytes = new LongAdder();
    /**
     * The same for a job whose one thread counts its completions per batch: plain fields that
     * only that thread writes (opaque stores, no atomic read-modify-write per batch).
     */
    private long batchIos;
    private long batchBytes;
    /** Blocks written with a verify header (when verifying a writing job), to read back at the end. */
    protected final WrittenBlocks written;
    /** Blocks written since the last backlog check (verify_backlog), or null. */
    protected final WrittenBlocks backlog;
    protected final Pacer pacer;
    /** The measurements, complete once {@link #run} returned. */
    protected final JobStats stats = new JobStats();
    protected Schedule schedule;
    private JobLogs logs;
    private IoLog iolog;
    private Rusage threadStart = Rusage.UNKNOWN;
    private Rusage threadUsage = Rusage.UNKNOWN;
    private long allocStart = -1;
    private long allocated = -1;
    private long measureStart;
    /**
     * When the statistics restart next: every {@link #RAMP_STEP_NANOS} of the ramp and at its
     * end (see {@link #restart}); far ahead once measuring started.
     */
    private long nextRestart;
    /** How often the ramp restarts the statistics it keeps for nothing. */
    static final long RAMP_STEP_NANOS = 100_000_000L;
    /** Far enough ahead that {@code now - next >= 0} stays false for the run (no overflow). */
    private static final long FAR = Long.MAX_VALUE / 4;
    /** How long a ramp step gives the JIT's compiler threads the job thread's CPU ({@link #yieldToCompiler}). */
    static final long RAMP_YIELD_NANOS = 30_000_000L;
    /** The JIT's total compile time, when the JVM reports it. */
    private static final CompilationMXBean JIT = ManagementFactory.getCompilationMXBean();
    /** {@link #JIT}'s total at the last ramp step, or -1. */
    private long jitMillisSeen = -1;

    protected Job(Clone clone) {
        this.clone = clone;
        this.spec = clone.spec();
        this.seq = clone.sequence();
        this.pacer = new Pacer(spec, clone.seeds());
        boolean keep = spec.verify().on() && spec.writes();
        long[] sizes = clone.layout().files().stream().mapToLong(FileLayout.PlannedFile::realSize).toArray();
        this.written = keep && spec.verify().doVerify() ? new WrittenBlocks(sizes, spec.bs().write().min(),
                spec.bs().write().max()) : null;
        this.backlog = keep && spec.verify().backlog() > 0 ? new WrittenBlocks(sizes, spec.bs().write().min(),
                spec.bs().write().max()) : null;
    }

    /**
     * Opens the files and the engine.
     *
     * @throws EngineUnavailableException when the engine cannot run here
     */
    public abstract void open() throws IOException, EngineUnavailableException;

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

    /** The job's I/Os until the sequence or the schedule ends. */
    protected abstract void mainLoop() throws IOException;

    /** end_fsync: an fsync of every file, recorded as syncs. */
    protected abstract void syncFiles() throws IOException;

    /** Reads the given blocks back and checks them against this run's generation. */
    protected abstract void readBack(WrittenBlocks blocks) throws IOException;

    /** Called on the job thread when the clone's I/O is all done (before the measurements are taken). */
    protected void finished() {}

    /** Called on the job thread before anything else of the run (a job that owns its engine per thread opens it). */
    protected void begin() throws IOException {}

    /** Runs the clone on the calling thread. */
    public final void run(Schedule s) throws IOException {
        begin();
        this.schedule = s;
        pacer.start(s.start());
        beginMeasuring(s.start());
        if (s.rampEnd() == s.start()) {
            measuringStarts(s.start());
        } else {
            // Windows roll during the ramp too, so that their code has run before it counts.
            stats.samples.start(s.start());
            nextRestart = Math.min(s.start() + RAMP_STEP_NANOS, s.rampEnd());
        }
        if (spec.logs().iolog() != null) {
            String n = spec.logs().iolog() + (clone.index() == 0 ? "" : "." + clone.index());
            iolog = new IoLog(java.nio.file.Path.of(n), clone.layout().files(), s.start());
        }
        try {
            mainLoop();
            if (spec.sync().endFsync() && spec.writes() && stats.errors() == 0) {
                syncFiles();
            }
            if (written != null && written.count() > 0 && stats.errors() == 0) {
                readBack(written);
            }
        } finally {
            finished();
            endMeasuring();
            if (logs != null) {
                logs.close();
            }
            if (iolog != null) {
                iolog.close();
            }
        }
    }

    /**
     * Whether the statistics restart at {@code now} ({@link #restart}): at each step of the ramp
     * and at its end. One comparison, for the job's loop after each batch of completions.
     */
    protected final boolean restartDue(long now) {
        return now - nextRestart >= 0;
    }

    /**
     * Restarts the statistics: for good when the ramp is over ({@link #measuringStarts}), else
     * for nothing, dropping what the ramp recorded so far. The ramp restarts them every
     * {@link #RAMP_STEP_NANOS} so that the code which runs after a restart (a histogram's first
     * minimum and maximum, the restart's branch in the job's loop) has run before the restart
     * that counts: otherwise the JIT meets it first at the ramp's end and drops the compiled
     * loop then, and the first ~100 ms of measuring run in slower code (seen with
     * -Xlog:deoptimization in every run; fio, without a JIT, has no such start).
     */
    protected final void restart(long now) {
        if (schedule.rampOver(now)) {
            nextRestart = now + FAR;
            measuringStarts(now);
        } else {
            nextRestart = Math.min(now + RAMP_STEP_NANOS, schedule.rampEnd());
            stats.restartRamp();
            yieldToCompiler(now);
        }
    }

    /**
     * At a step of the ramp: when the JIT compiled something since the step before, the job
     * thread sleeps {@link #RAMP_YIELD_NANOS} (its requests in flight complete meanwhile), unless
     * the ramp ends sooner. With as many busy job threads as cores (two jobs on two cores), the
     * compiler threads otherwise get little CPU, the hot code reached C2 only after a 2 s ramp,
     * and the first part of the measured window ran in C1's profiling code while the compiler
     * took CPU from the jobs. The ramp is there to warm up; fio, without a JIT, has nothing
     * like it to wait for.
     */
    private void yieldToCompiler(long now) {
        if (JIT == null || !JIT.isCompilationTimeMonitoringSupported()) {
            return;
        }
        long t = JIT.getTotalCompilationTime();
        boolean compiling = jitMillisSeen >= 0 && t > jitMillisSeen;
        jitMillisSeen = t;
        if (compiling && schedule.rampEnd() - now > 2 * RAMP_YIELD_NANOS) {
            LockSupport.parkNanos(RAMP_YIELD_NANOS);
        }
    }

    /** The ramp is over: what completes from now on counts. */
    protected final void measuringStarts(long now) {
        nextRestart = now + FAR;
        stats.startMeasuring();
        stats.samples.start(now);
        beginMeasuring(now);
        pacer.start(now);
        try {
            if (logs == null) {
                logs = JobLogs.open(spec, clone.thread());
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        if (logs != null) {
            logs.start(now);
        }
    }

    /** Starts measuring when the ramp ends; call with each batch of completions' time. */
    protected final void checkRamp(long now) {
        if (restartDue(now)) {
            restart(now);
        }
    }

    /** Records an I/O as issued (write_iolog). */
    protected final void issued(long now, IoSequence.Unit u) {
        if (iolog != null) {
            iolog.issued(now, u.file, u.dir, u.offset, u.length);
        }
    }

    /**
     * A read completed with all its bytes; {@code data} (when verifying) holds them.
     *
     * @param expectGeneration the generation the block must carry, or -1 for any
     * @param readBack         whether it is one of the read-back phase
     */
    protected final void readDone(JobStats st, BlockStamp stamp, int file, long offset, long len, ByteBuffer data,
                                  long slat, long clat, long now, long expectGeneration, boolean readBack) {
        st.read.record(len, slat, clat);
        sampled(st, 0, file, offset, len, slat, clat, now);
        if (spec.verify().on() && data != null) {
            String bad = stamp.check(data, offset, expectGeneration);
            if (readBack) {
                st.countCheckedAfterRun();
            }
            if (bad == null) {
                st.verifiedOk();
            } else {
                st.mismatch(offset, clone.layout().files().size() > 1 ? clone.layout().files().get(file).path() + ": "
                        + bad : bad);
            }
        }
    }

    /** A write completed with all its bytes. */
    protected final void writeDone(JobStats st, int file, long offset, long len, long slat, long clat, long now) {
        st.write.record(len, slat, clat);
        sampled(st, 1, file, offset, len, slat, clat, now);
        if (written != null) {
            written.record(file, offset, len);
        }
        if (backlog != null) {
            backlog.record(file, offset, len);
        }
    }

    private void sampled(JobStats st, int dir, int file, long offset, long len, long slat, long clat, long now) {
        st.samples.record(dir, len, now);
        if (logs != null) {
            // the JDK baseline records from several completion threads; uncontended elsewhere
            synchronized (logs) {
                logs.completed(now, dir, len, offset, slat, clat);
            }
        }
        st.lastCompletion = now;
        if (!batchedProgress) {
            progressIos.increment();
            progressBytes.add(len);
        }
    }

    /** Whether the subclass adds to the progress counters per batch of completions itself, from its one thread. */
    protected boolean batchedProgress;

    /** Counts a batch of completions for the progress line; only the job's own thread calls it. */
    protected final void progressed(long ios, long bytes) {
        BATCH_IOS.setOpaque(this, batchIos + ios);
        BATCH_BYTES.setOpaque(this, batchBytes + bytes);
    }

    /** I/Os completed so far, for the progress line (any thread). */
    public final long progressIos() {
        return progressIos.sum() + (long) BATCH_IOS.getOpaque(this);
    }

    /** Bytes moved so far, for the progress line (any thread). */
    public final long progressBytes() {
        return progressBytes.sum() + (long) BATCH_BYTES.getOpaque(this);
    }

    /** A stamp of the job's verify method (one per thread that checks). */
    protected final BlockStamp newStamp() {
        return new BlockStamp(spec.verify().on() ? spec.verify().method() : jaio.bench.plan.VerifyMethod.CRC32C);
    }

    /** The verify generation stamped into this run's writes. */
    protected final long generation() {
        return schedule.generation();
    }

    /** The file of index {@code i} as a path. */
    protected final java.nio.file.Path path(int i) {
        return clone.layout().files().get(i).path();
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

    public Clone plannedClone() {
        return clone;
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

    @Override
    public abstract void close();
}
