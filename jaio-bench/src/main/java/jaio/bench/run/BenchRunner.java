package jaio.bench.run;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import jaio.ContextStats;
import jaio.IoFile;
import jaio.bench.cli.BenchEngine;
import jaio.bench.cli.JobSpec;
import jaio.bench.cli.UsageException;

/**
 * Runs one benchmark: lays out the file, drops its cache when asked, opens numjobs jobs, runs
 * each on its own thread on a common schedule, takes the process's rusage when measuring
 * starts and ends, reads written blocks back when verifying, and sums it all.
 */
public final class BenchRunner {
    private BenchRunner() {}

    /**
     * Runs {@code spec}.
     *
     * @param log      where to say what is being prepared (stderr)
     * @param progress where to draw the live progress line, or null for none
     * @throws UsageException when the file cannot be used as asked (O_DIRECT alignment)
     * @throws EngineUnavailableException when the engine is not available here
     * @throws IOException when the file cannot be prepared or opened
     */
    public static RunResult run(JobSpec spec, PrintStream log, PrintStream progress)
            throws IOException, UsageException, EngineUnavailableException {
        List<String> notes = new ArrayList<>();
        checkEngine(spec);
        DataFile.ensure(spec.file(), spec.size(), log);
        if (spec.direct()) {
            checkDirect(spec);
        }
        if (spec.invalidate()) {
            String why = DataFile.invalidate(spec.file());
            if (why != null) {
                notes.add("invalidate: the page cache was not dropped: " + why);
            }
        }
        if (spec.engine() == BenchEngine.JDK_FC && spec.iodepth() > 1) {
            notes.add("jdk-fc is synchronous: --iodepth=" + spec.iodepth() + " is ignored (one call at a time per job; use --numjobs)");
        }
        if ((spec.engine() == BenchEngine.JDK_FC || spec.engine() == BenchEngine.JDK_AFC)
                && (spec.batchSubmit() > 1 || spec.completeMin() != 1)) {
            notes.add(spec.engine().cliName() + " has no batches: the iodepth_batch options are ignored");
        }
        if (spec.verify() && spec.rw() == jaio.bench.cli.Rw.RANDRW) {
            notes.add("randrw with --verify: a read racing a write of the same block may see it half written and report it;"
                    + " verify with a write run, then a read run");
        }
        List<Job> jobs = new ArrayList<>();
        try {
            for (int i = 0; i < spec.numjobs(); i++) {
                Job j = switch (spec.engine()) {
                    case JDK_AFC -> new AfcJob(spec, i);
                    case JDK_FC -> new FcJob(spec, i);
                    default -> new JaioJob(spec, i);
                };
                jobs.add(j);
                j.open();
            }
            return runJobs(spec, jobs, notes, progress);
        } finally {
            for (Job j : jobs) {
                j.close();
            }
        }
    }

    /** Refuses an engine this machine does not allow before any file is laid out, with the probe's reason. */
    private static void checkEngine(JobSpec spec) throws EngineUnavailableException {
        jaio.Engine e = spec.engine().jaioEngine();
        if (e == null || e == jaio.Engine.AUTO) {
            return;
        }
        jaio.EngineInfo info = jaio.EngineInfo.probe(e);
        if (!info.available()) {
            throw new EngineUnavailableException("--engine: " + spec.engine().cliName() + " is not available here: " + info.reason());
        }
    }

    private static void checkDirect(JobSpec spec) throws UsageException {
        try (IoFile f = IoFile.open(spec.file(), IoFile.DIRECT)) {
            int align = f.storeBlockAlignment();
            if (spec.bs() % align != 0) {
                throw new UsageException("--bs: " + spec.bs() + " is not a multiple of " + align
                        + ", the alignment O_DIRECT needs on " + spec.file());
            }
        } catch (IOException e) {
            throw new UsageException("--direct: " + e.getMessage());
        }
    }

    private static RunResult runJobs(JobSpec spec, List<Job> jobs, List<String> notes, PrintStream progress)
            throws IOException {
        Schedule schedule = Schedule.startingNow(spec.rampTime(), spec.runtime(), System.currentTimeMillis());
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        Rusage p0 = Rusage.process();
        for (Job j : jobs) {
            Thread t = new Thread(() -> {
                try {
                    j.run(schedule);
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }, spec.name() + "." + threads.size());
            threads.add(t);
            t.start();
        }
        ProgressLine line = progress == null ? null : new ProgressLine(progress, jobs, schedule);
        Rusage atRampEnd = spec.rampTime() == 0 ? p0 : null;
        long windowStart = spec.rampTime() == 0 ? schedule.start() : 0;
        long nextLine = schedule.start() + TimeUnit.SECONDS.toNanos(1);
        for (Thread t : threads) {
            while (t.isAlive()) {
                long now = System.nanoTime();
                long wake = Math.min(nextLine, atRampEnd == null ? schedule.rampEnd() : Long.MAX_VALUE);
                joinQuietly(t, Math.max(1, wake - now));
                now = System.nanoTime();
                if (atRampEnd == null && schedule.rampOver(now)) {
                    atRampEnd = Rusage.process();
                    windowStart = now;
                }
                if (line != null && now >= nextLine && t.isAlive()) {
                    line.update(now);
                    nextLine += TimeUnit.SECONDS.toNanos(1);
                }
            }
        }
        long windowEnd = System.nanoTime();
        Rusage p2 = Rusage.process();
        if (line != null) {
            line.clear();
        }
        if (atRampEnd == null) {
            // Every job ended before the ramp did (a size-bound run): the whole run was measured.
            atRampEnd = p0;
            windowStart = schedule.start();
        }
        if (failure.get() != null) {
            Throwable f = failure.get();
            throw f instanceof IOException io ? io : new IOException(f.toString(), f);
        }
        return summarize(spec, jobs, notes, schedule, p2.since(atRampEnd), windowEnd - windowStart);
    }

    private static void joinQuietly(Thread t, long nanos) {
        try {
            t.join(java.time.Duration.ofNanos(nanos));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static RunResult summarize(JobSpec spec, List<Job> jobs, List<String> notes, Schedule schedule,
                                       Rusage process, long window) throws IOException {
        JobStats all = new JobStats();
        long minRt = Long.MAX_VALUE;
        long maxRt = 0;
        Rusage threads = Rusage.UNKNOWN;
        long alloc = 0;
        ContextStats ctx = null;
        BitSet written = null;
        for (int i = 0; i < jobs.size(); i++) {
            Job j = jobs.get(i);
            all.add(j.stats());
            minRt = Math.min(minRt, j.runtimeNanos());
            maxRt = Math.max(maxRt, j.runtimeNanos());
            threads = i == 0 ? j.threadUsage() : threads.plus(j.threadUsage());
            alloc = alloc < 0 || j.allocatedBytes() < 0 ? -1 : alloc + j.allocatedBytes();
            ctx = plus(ctx, j.contextStats());
            if (j.written() != null) {
                if (written == null) {
                    written = new BitSet();
                }
                written.or(j.written());
            }
        }
        JobStats rb = written == null ? null : Readback.check(spec.file(), spec.bs(), written, schedule.generation());
        Job first = jobs.get(0);
        return new RunResult(spec, first.engineName(), first.passedOver(), all, minRt, maxRt, window, process, threads,
                alloc, ctx, rb, notes);
    }

    private static ContextStats plus(ContextStats a, ContextStats b) {
        if (a == null || b == null) {
            return a == null ? b : a;
        }
        return new ContextStats(a.submitted() + b.submitted(), a.completed() + b.completed(), a.reaped() + b.reaped(),
                a.retries() + b.retries(), a.punted() + b.punted(), a.eagain() + b.eagain(), a.canceled() + b.canceled(),
                a.bounced() + b.bounced(), a.errors() + b.errors(), a.wakeups() + b.wakeups(),
                a.inFlight() + b.inFlight(), a.unreaped() + b.unreaped());
    }
}
