package jaio.bench.run;

import java.util.List;
import jaio.ContextStats;
import jaio.bench.cli.JobSpec;

/**
 * What a run measured, all jobs summed (fio's group_reporting), ready for the reports.
 *
 * @param spec            the job as asked
 * @param engine          the engine that ran it (AUTO resolved: "kaio")
 * @param passedOver      for AUTO: the engines passed over, with why
 * @param stats           every job's measurements merged
 * @param runtimeMinNanos the shortest job's measured time
 * @param runtimeNanos    the longest job's measured time (what rates are computed over)
 * @param windowNanos     wall time of the measuring window (what CPU percentages are of)
 * @param process         the whole process's CPU, context switches and faults in that window
 * @param jobThreads      the job threads' own (they submit and reap), summed; UNKNOWN for jdk-afc
 * @param allocatedBytes  bytes the job threads allocated while measuring, or -1 when unknown
 * @param context         jaio's context counters summed over jobs, or null for JDK baselines
 * @param readback        what reading the written blocks back after a verify write run found, or null
 * @param notes           things the user should know about this run (one line each)
 */
public record RunResult(JobSpec spec, String engine, List<String> passedOver, JobStats stats, long runtimeMinNanos,
                        long runtimeNanos, long windowNanos, Rusage process, Rusage jobThreads, long allocatedBytes,
                        ContextStats context, JobStats readback, List<String> notes) {

    /** Requests completed while measuring, all directions (fsyncs included, as fio counts I/O). */
    public long totalIos() {
        return stats.read().ios() + stats.write().ios() + stats.sync().ios();
    }

    /** Verify mismatches found, during the run and in the read-back. */
    public long mismatches() {
        return stats.mismatchCount() + (readback == null ? 0 : readback.mismatchCount());
    }

    /** Whether the exit code must be non-zero: I/O errors or verify mismatches. */
    public boolean failed() {
        return stats.errors() > 0 || mismatches() > 0;
    }
}
