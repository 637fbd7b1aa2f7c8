package jaio.bench.run;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import jaio.EngineInfo;
import jaio.IoFile;
import jaio.bench.plan.BenchEngine;
import jaio.bench.plan.FileLayout;
import jaio.bench.plan.FioRandom;
import jaio.bench.plan.JobSpec;
import jaio.bench.plan.Plan;
import jaio.bench.plan.Seeds;

/**
 * Runs a plan phase by phase (fio's stonewall): in each, it works out every clone's files,
 * lays them out, drops their cache when asked, opens all clones and runs each on its own
 * thread, all started together ({@link StartGate}), draws the progress line, takes the
 * process's rusage over the measured window, and keeps every clone's measurements.
 */
public final class Runner {
    private Runner() {}

    /**
     * @param log      where to say what is being prepared (stderr)
     * @param progress where to draw the live progress line, or null for none
     * @throws JobRefused when a job cannot run as asked (its region, O_DIRECT alignment)
     * @throws EngineUnavailableException when an engine is not available here
     * @throws IOException when a file cannot be prepared or opened
     */
    public static RunResult run(Plan plan, PrintStream log, PrintStream progress)
            throws IOException, JobRefused, EngineUnavailableException {
        List<String> notes = new ArrayList<>(plan.warnings());
        for (Plan.PlannedJob j : plan.jobs()) {
            checkEngine(j.spec());
        }
        long generation = System.currentTimeMillis();
        List<CloneResult> results = new ArrayList<>();
        for (int phase = 0; phase < plan.phases(); phase++) {
            List<Clone> clones = new ArrayList<>();
            for (Plan.PlannedJob j : plan.jobs()) {
                if (j.phase() == phase) {
                    for (int c = 0; c < j.spec().numjobs(); c++) {
                        clones.add(resolve(j, c));
                    }
                }
            }
            prepareFiles(clones, log, notes);
            results.addAll(runPhase(clones, notes, progress, generation, plan.phases() > 1 ? " phase " + (phase + 1) : ""));
        }
        return new RunResult(plan, List.copyOf(results), List.copyOf(notes));
    }

    /** Refuses an engine this machine does not allow before any file is laid out, with the probe's reason. */
    private static void checkEngine(JobSpec spec) throws EngineUnavailableException {
        jaio.Engine e = spec.engine().engine().jaioEngine();
        if (e == null || e == jaio.Engine.AUTO) {
            return;
        }
        EngineInfo info = EngineInfo.probe(e);
        if (!info.available()) {
            throw new EngineUnavailableException("--engine: " + spec.engine().engine().cliName() + " is not available here: "
                    + info.reason());
        }
    }

    private static Clone resolve(Plan.PlannedJob j, int c) throws IOException, JobRefused {
        JobSpec s = j.spec();
        Seeds seeds = new Seeds(s.random().randrepeat(), s.random().randseed(), j.thread(c));
        try {
            FileLayout layout = FileLayout.resolve(s, j.subjob(c), FioRandom.seeded(seeds.fileSize(), s.random().use64()));
            return new Clone(j, c, layout, seeds);
        } catch (IllegalArgumentException e) {
            throw new JobRefused(s.name() + ": " + e.getMessage());
        }
    }

    /** Lays out every file to the largest size any clone needs, checks O_DIRECT alignment, drops caches. */
    private static void prepareFiles(List<Clone> clones, PrintStream log, List<String> notes) throws IOException, JobRefused {
        Map<Path, Long> need = new LinkedHashMap<>();
        Map<Path, Boolean> invalidate = new HashMap<>();
        for (Clone c : clones) {
            for (FileLayout.PlannedFile f : c.layout().files()) {
                need.merge(f.path(), f.realSize(), Math::max);
                invalidate.merge(f.path(), c.spec().invalidate(), Boolean::logicalOr);
            }
        }
        for (Map.Entry<Path, Long> e : need.entrySet()) {
            Path parent = e.getKey().toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            DataFile.ensure(e.getKey(), e.getValue(), log);
        }
        for (Clone c : clones) {
            if (c.spec().direct() && c.index() == 0) {
                checkDirect(c);
            }
        }
        for (Map.Entry<Path, Boolean> e : invalidate.entrySet()) {
            if (e.getValue()) {
                String why = DataFile.invalidate(e.getKey());
                if (why != null) {
                    notes.add("invalidate: the page cache of " + e.getKey() + " was not dropped: " + why);
                }
            }
        }
        for (Clone c : clones) {
            if (c.index() == 0) {
                noteIgnored(c.spec(), notes);
            }
        }
    }

    private static void checkDirect(Clone c) throws JobRefused {
        Path p = c.layout().files().get(0).path();
        try (IoFile f = IoFile.open(p, IoFile.DIRECT)) {
            // the kernel engines need the kernel's alignment; FileChannel (threads, jdk-*) the file store's block
            int align = kernelEngine(c.spec().engine().engine()) ? f.offsetAlignment() : f.storeBlockAlignment();
            JobSpec s = c.spec();
            long[] sizes = {s.bs().read().min(), s.bs().read().max(), s.bs().write().min(), s.bs().write().max()};
            for (long b : sizes) {
                if (b % align != 0) {
                    throw new JobRefused(label(c, "bs") + ": " + b + " is not a multiple of " + align
                            + ", the alignment O_DIRECT needs on " + p);
                }
            }
        } catch (IOException e) {
            throw new JobRefused(label(c, "direct") + ": " + e.getMessage());
        }
    }

    private static boolean kernelEngine(BenchEngine e) {
        return switch (e) {
            case URING, KAIO -> true;
            case AUTO, POSIX -> EngineInfo.probe(jaio.Engine.IO_URING).available() || EngineInfo.probe(jaio.Engine.KAIO).available();
            default -> false;
        };
    }

    private static String label(Clone c, String option) {
        return c.job().options().isEmpty() && c.job().index() == 0 ? "--" + option : c.spec().name() + ": " + option;
    }

    private static void noteIgnored(JobSpec s, List<String> notes) {
        BenchEngine e = s.engine().engine();
        String who = s.name() + ": ";
        if (e.fileChannel() && s.depth().iodepth() > 1) {
            notes.add(who + e.cliName() + " is synchronous: iodepth=" + s.depth().iodepth()
                    + " is ignored (one call at a time per job; use numjobs)");
        }
        if ((e.fileChannel() || e.asyncChannel()) && s.fadvise() != JobSpec.Fadvise.NONE && !s.direct()) {
            notes.add(who + e.cliName() + " opens NIO channels, which have no descriptor to advise: fadvise_hint is not applied");
        }
        if ((e.fileChannel() || e.asyncChannel())
                && (s.depth().batchSubmit() > 1 || s.depth().completeMin() != 1)) {
            notes.add(who + e.cliName() + " has no batches: the iodepth_batch options are ignored");
        }
        if (e.asyncChannel() && (s.pace().thinktime() > 0 || s.verify().backlog() > 0
                || s.depth().low() < s.depth().iodepth())) {
            notes.add(who + e.cliName() + " ignores thinktime, verify_backlog and iodepth_low");
        }
        if (e == BenchEngine.POSIX && (s.pace().thinktime() > 0 || s.verify().backlog() > 0
                || s.depth().low() < s.depth().iodepth())) {
            notes.add(who + "posix ignores thinktime, verify_backlog and iodepth_low");
        }
        if (s.verify().on() && s.rw().mixed()) {
            notes.add(who + "a mixed pattern with verify: a read racing a write of the same block may see it half written"
                    + " and report it; verify with a write run, then a read run");
        }
    }

    private static List<CloneResult> runPhase(List<Clone> clones, List<String> notes, PrintStream progress,
                                              long generation, String label) throws IOException, EngineUnavailableException {
        List<Job> jobs = new ArrayList<>();
        try {
            for (Clone c : clones) {
                Job j = switch (c.spec().engine().engine()) {
                    case JDK_AFC -> new AfcJob(c, false);
                    case JDK_FC -> new FcJob(c, false);
                    case JAIO_AFC -> new AfcJob(c, true);
                    case JAIO_FC -> new FcJob(c, true);
                    case POSIX -> new PosixJob(c);
                    default -> new JaioJob(c);
                };
                jobs.add(j);
                j.open();
            }
            return runJobs(jobs, progress, generation, label);
        } finally {
            for (Job j : jobs) {
                j.close();
            }
        }
    }

    private static List<CloneResult> runJobs(List<Job> jobs, PrintStream progress, long generation, String label)
            throws IOException {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        StartGate gate = new StartGate(jobs.size());
        try {
            for (Job j : jobs) {
                long delay = j.spec.timing().startDelay();
                Runnable body = () -> {
                    try {
                        long phaseStart = gate.arrive();
                        if (phaseStart == -1) {
                            return;
                        }
                        long jobStart = phaseStart + delay;
                        long left = jobStart - System.nanoTime();
                        if (left > 0) {
                            Thread.sleep(java.time.Duration.ofNanos(left));
                        }
                        // On the phase's clock: a virtual thread that got its carrier late still
                        // stops when the others do (cached reads never park, so without this the
                        // jobs ran one after another, each for the whole runtime).
                        j.run(Schedule.startingAt(jobStart, j.spec.timing().ramp(), j.spec.timing().runtime(), generation));
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                    }
                };
                // --thread=virtual: the job's loop on a virtual thread (fio has no such mode; this is for J3 comparisons).
                Thread t = j.spec.engine().virtualThreads() ? Thread.ofVirtual().name(j.plannedClone().label()).unstarted(body)
                        : new Thread(body, j.plannedClone().label());
                t.start();
                threads.add(t);
            }
            gate.awaitReady();
        } catch (InterruptedException e) {
            letGo(gate, threads);
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while starting the jobs");
        } catch (RuntimeException | Error e) {
            // A thread the JVM could not start (OutOfMemoryError: unable to create native thread).
            letGo(gate, threads);
            throw e;
        }
        Rusage p0 = Rusage.process();
        // 20 ms, and 1 ms a thread for the latch's wake-ups (256 jobs: about a quarter second).
        long phaseStart = gate.open(TimeUnit.MILLISECONDS.toNanos(20 + jobs.size()));
        long rampEnd = phaseStart;
        long end = phaseStart;
        for (Job j : jobs) {
            JobSpec s = j.spec;
            long start = phaseStart + s.timing().startDelay();
            rampEnd = Math.max(rampEnd, start + s.timing().ramp());
            end = s.timing().runtime() == 0 || end == Long.MAX_VALUE ? Long.MAX_VALUE
                    : Math.max(end, start + s.timing().ramp() + s.timing().runtime());
        }
        ProgressLine line = progress == null ? null : new ProgressLine(progress, jobs, label, phaseStart, rampEnd, end);
        // Taken by the loop below once the ramp is over (at the start when there is none).
        Rusage atRampEnd = null;
        long windowStart = 0;
        long nextLine = phaseStart + TimeUnit.SECONDS.toNanos(1);
        for (Thread t : threads) {
            while (t.isAlive()) {
                long now = System.nanoTime();
                long wake = Math.min(nextLine, atRampEnd == null ? rampEnd : Long.MAX_VALUE);
                joinQuietly(t, Math.max(1, wake - now));
                now = System.nanoTime();
                if (atRampEnd == null && now - rampEnd >= 0) {
                    atRampEnd = Rusage.process();
                    windowStart = now;
                }
                if (now >= nextLine) {
                    // Advanced with or without a progress line: a deadline left behind would
                    // make this loop spin on a core the jobs need (JSON output has no line).
                    if (line != null && t.isAlive()) {
                        line.update(now);
                    }
                    nextLine = now + TimeUnit.SECONDS.toNanos(1);
                }
            }
        }
        long windowEnd = System.nanoTime();
        Rusage p2 = Rusage.process();
        if (line != null) {
            line.clear();
        }
        if (atRampEnd == null) {
            // Every job ended before the ramps did (a size-bound run): the whole run was measured.
            atRampEnd = p0;
            windowStart = phaseStart;
        }
        if (failure.get() != null) {
            Throwable f = failure.get();
            throw f instanceof IOException io ? io : new IOException(f.toString(), f);
        }
        CloneResult.PhaseResult phase = new CloneResult.PhaseResult(p2.since(atRampEnd), windowEnd - windowStart);
        List<CloneResult> out = new ArrayList<>();
        for (Job j : jobs) {
            out.add(new CloneResult(j.plannedClone(), j.engineName(), j.passedOver(), j.stats(), j.runtimeNanos(),
                    j.threadUsage(), j.allocatedBytes(), j.contextStats(), phase, j.progressIos()));
        }
        return out;
    }

    /** Sends the threads already waiting at the gate home without running, and waits for them. */
    private static void letGo(StartGate gate, List<Thread> threads) {
        gate.abort();
        for (Thread t : threads) {
            joinQuietly(t, Long.MAX_VALUE);
        }
    }

    private static void joinQuietly(Thread t, long nanos) {
        try {
            t.join(java.time.Duration.ofNanos(nanos));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
