package jaio.bench.plan;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a command line (with its job files) asks for: the jobs in order, each with its
 * reporting group and execution phase, and how the run is reported.
 *
 * <p>Groups and phases follow fio: a job with {@code stonewall} waits for every job before it
 * to end (a new phase) and starts a new group; {@code new_group} starts a new group without
 * waiting; jobs of one phase run at once. Each job file after the first starts with a
 * stonewall. Thread numbers (which seed each clone's random streams) count every clone of
 * every job from 1, in order.
 *
 * @param jobs     the jobs, in file order
 * @param run      the run-level options
 * @param warnings what the user should know before the run (skipped options, fio's adjustments)
 * @param globals  the global options as written (for reports: fio's "global options")
 * @param fioDefaults whether fio's defaults apply (job files given) or jaio's (a command line alone)
 */
public record Plan(List<PlannedJob> jobs, RunOptions run, List<String> warnings, Map<String, String> globals,
                   boolean fioDefaults) {

    /**
     * One job of the plan.
     *
     * @param spec        the job
     * @param index       its position in the plan
     * @param group       its reporting group (fio's groupid)
     * @param phase       its execution phase (jobs of one phase run at once)
     * @param firstThread the thread number of its first clone
     * @param options     its own options as written (fio's "job options")
     */
    public record PlannedJob(JobSpec spec, int index, int group, int phase, int firstThread, Map<String, String> options) {
        /** The thread number of clone {@code clone} (0 the job itself, then its clones in order). */
        public int thread(int clone) {
            return firstThread + clone;
        }

        /**
         * fio's subjob number of clone {@code clone}: 0 for the job, then counting down (fio makes
         * its clones with numjobs-1, numjobs-2, ... 1). It numbers made-up files ($jobnum) and
         * scales offset_increment.
         */
        public int subjob(int clone) {
            return clone == 0 ? 0 : spec.numjobs() - clone;
        }
    }

    /** Output formats fio has. */
    public enum Format { NORMAL, JSON, JSON_PLUS, TERSE }

    /** When the progress line is drawn. */
    public enum Eta { AUTO, ALWAYS, NEVER }

    /**
     * @param formats      what to print (in fio's order: terse, json, normal)
     * @param output       where to print it, or null for the standard output
     * @param eta          when to draw the progress line
     * @param latencyPlot  where to draw the latency plot, or null
     */
    public record RunOptions(Set<Format> formats, Path output, Eta eta, Path latencyPlot) {}

    /** Assigns groups, phases and thread numbers to jobs in order. */
    public static List<PlannedJob> arrange(List<JobSpec> specs, List<Map<String, String>> options) {
        List<PlannedJob> out = new ArrayList<>();
        int group = 0;
        int phase = 0;
        int thread = 1;
        for (int i = 0; i < specs.size(); i++) {
            JobSpec s = specs.get(i);
            if (i > 0 && s.stonewall()) {
                phase++;
                group++;
            } else if (i > 0 && s.newGroup()) {
                group++;
            }
            out.add(new PlannedJob(s, i, group, phase, thread, options.get(i)));
            thread += s.numjobs();
        }
        return List.copyOf(out);
    }

    /** The number of phases. */
    public int phases() {
        return jobs.isEmpty() ? 0 : jobs.get(jobs.size() - 1).phase() + 1;
    }

    /** The number of groups. */
    public int groups() {
        return jobs.isEmpty() ? 0 : jobs.get(jobs.size() - 1).group() + 1;
    }
}
