package jaio.bench.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import jaio.ContextStats;
import jaio.bench.plan.JobSpec;
import jaio.bench.run.CloneResult;
import jaio.bench.run.JobStats;
import jaio.bench.run.Rusage;

/**
 * One job as the reports show it: a single clone, or (fio's group_reporting) every clone of
 * its group that asks for it, summed.
 *
 * @param name            the job name (the first clone's)
 * @param groupId         fio's groupid
 * @param jobs            how many clones are summed here
 * @param spec            the (first) job's spec
 * @param options         its own options as written (fio's "job options")
 * @param engine          the engine that ran it (AUTO resolved)
 * @param passedOver      for AUTO: the engines passed over, with why
 * @param stats           the clones' measurements summed
 * @param runtimeNanos    the longest clone's measured time (what rates are computed over)
 * @param runtimeMinNanos the shortest clone's
 * @param process         the whole process's CPU and context switches over its phase's window
 * @param windowNanos     that window's wall time
 * @param jobThreads      the job threads' own CPU and context switches, summed; UNKNOWN for jdk-afc
 * @param allocatedBytes  bytes the job threads allocated while measuring, or -1 when unknown
 * @param context         jaio's context counters summed, or null for the JDK baselines
 */
public record Entry(String name, int groupId, int jobs, JobSpec spec, Map<String, String> options, String engine,
                    List<String> passedOver, JobStats stats, long runtimeNanos, long runtimeMinNanos, Rusage process,
                    long windowNanos, Rusage jobThreads, long allocatedBytes, ContextStats context) {

    /** Requests completed while measuring, all directions (fsyncs included, as fio counts I/O). */
    public long totalIos() {
        return stats.read().ios() + stats.write().ios() + stats.sync().ios();
    }

    /** Sums clones into one entry. */
    static Entry of(List<CloneResult> clones) {
        CloneResult first = clones.get(0);
        JobStats all = new JobStats();
        long maxRt = 0;
        long minRt = Long.MAX_VALUE;
        Rusage threads = Rusage.UNKNOWN;
        long alloc = 0;
        ContextStats ctx = null;
        for (int i = 0; i < clones.size(); i++) {
            CloneResult c = clones.get(i);
            all.add(c.stats());
            maxRt = Math.max(maxRt, c.runtimeNanos());
            minRt = Math.min(minRt, c.runtimeNanos());
            threads = i == 0 ? c.jobThread() : threads.plus(c.jobThread());
            alloc = alloc < 0 || c.allocatedBytes() < 0 ? -1 : alloc + c.allocatedBytes();
            ctx = plus(ctx, c.context());
        }
        List<String> passed = new ArrayList<>(first.passedOver());
        return new Entry(first.unit().spec().name(), first.unit().job().group(), clones.size(), first.unit().spec(),
                first.unit().job().options(), first.engine(), passed, all, maxRt, minRt, first.phase().process(),
                first.phase().windowNanos(), threads, alloc, ctx);
    }

    private static ContextStats plus(ContextStats a, ContextStats b) {
        if (a == null || b == null) {
            return a == null ? b : a;
        }
        return new ContextStats(a.submitted() + b.submitted(), a.completed() + b.completed(), a.reaped() + b.reaped(),
                a.retries() + b.retries(), a.punted() + b.punted(), a.eagain() + b.eagain(), a.canceled() + b.canceled(),
                a.bounced() + b.bounced(), a.errors() + b.errors(), a.wakeups() + b.wakeups(),
                a.callerRuns() + b.callerRuns(), a.inFlight() + b.inFlight(), a.unreaped() + b.unreaped());
    }
}
