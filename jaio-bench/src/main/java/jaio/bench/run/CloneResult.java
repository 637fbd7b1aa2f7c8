package jaio.bench.run;

import java.util.List;
import jaio.ContextStats;

/**
 * What one clone measured, ready for the reports.
 *
 * @param unit           the clone
 * @param engine         the engine that ran it (AUTO resolved: "kaio")
 * @param passedOver     for AUTO: the engines passed over, with why
 * @param stats          its measurements
 * @param runtimeNanos   from the start of measuring to its last completion
 * @param jobThread      its job thread's CPU and context switches (UNKNOWN for jdk-afc)
 * @param allocatedBytes bytes its job thread allocated while measuring, or -1
 * @param context        jaio's context counters, or null for the JDK baselines
 * @param phase          the measurements of the phase it ran in (process CPU, window)
 * @param progressIos    the completions its live progress counter saw, ramp included
 */
public record CloneResult(Clone unit, String engine, List<String> passedOver, JobStats stats, long runtimeNanos,
                          Rusage jobThread, long allocatedBytes, ContextStats context, PhaseResult phase,
                          long progressIos) {

    /**
     * One phase of the run (the jobs that ran at once).
     *
     * @param process     the whole process's CPU and context switches over the measured window
     * @param windowNanos the wall time of that window (what CPU percentages are of)
     */
    public record PhaseResult(Rusage process, long windowNanos) {}
}
