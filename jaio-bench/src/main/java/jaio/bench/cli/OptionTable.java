package jaio.bench.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Every option the tool carries, once: its fio name and aliases, whether a bare name means 1,
 * its help line and, where jaio's meaning differs from fio's HOWTO, what differs. The command
 * line, job files and {@code --help} all read this table, so an option is known (or not) the
 * same way everywhere.
 */
public final class OptionTable {
    /** Where an option may be given. */
    public enum Scope {
        /** A job option: a job file line, or {@code --name=value} on the command line. */
        JOB,
        /** Only on the command line: how the run is reported and read (fio's own command-line options). */
        RUN
    }

    /**
     * One option.
     *
     * @param name    the fio name (canonical)
     * @param aliases other names fio accepts
     * @param bare    a bare name (no value) means 1
     * @param label   what the value looks like, for --help
     * @param help    what it does, in fio's terms
     * @param differs how jaio differs from fio's HOWTO, or null
     * @param scope   where it may be given
     * @param group   the --help section
     */
    public record Opt(String name, List<String> aliases, boolean bare, String label, String help, String differs,
                      Scope scope, String group) {}

    private static final List<Opt> ALL = new ArrayList<>();
    private static final Map<String, Opt> BY_NAME = new HashMap<>();

    private static void job(String group, String name, String label, String help, String differs, String... aliases) {
        add(new Opt(name, List.of(aliases), label.startsWith("0|1"), label, help, differs, Scope.JOB, group));
    }

    private static void run(String name, String label, String help, String... aliases) {
        add(new Opt(name, List.of(aliases), false, label, help, null, Scope.RUN, "Running and reporting"));
    }

    private static void add(Opt o) {
        ALL.add(o);
        BY_NAME.put(o.name(), o);
        for (String a : o.aliases()) {
            BY_NAME.put(a, o);
        }
    }

    static {
        String g = "Jobs and groups";
        job(g, "name", "NAME", "Job name; on the command line each --name starts a new job (options before the first are global).",
                null);
        job(g, "description", "TEXT", "Text printed with the job.", null);
        job(g, "numjobs", "N", "Clones of the job, each on its own thread with its own context.", null);
        job(g, "stonewall", "0|1", "Wait for the jobs before this one to end first; starts a new group.", null, "wait_for_previous");
        job(g, "new_group", "0|1", "Start a new reporting group here (without waiting).", null);
        job(g, "group_reporting", "0|1", "Report each group's jobs summed as one.",
                "on the command line without job files the default is 1 (fio: 0)");
        job(g, "thread", "0|1|virtual", "Run jobs as threads; virtual: each job (numjobs clones) on a virtual thread.",
                "jobs are always threads of one JVM; 0 and 1 are accepted and mean platform threads");
        job(g, "ioengine", "ENGINE", "io_uring (uring), libaio (kaio), psync/sync/pvsync (threads), posixaio (posix), auto, jdk-afc,"
                + " jdk-fc, jaio-afc, jaio-fc (jaio.nio's channels).",
                "psync, sync and pvsync run on jaio's threads engine, which keeps iodepth requests in flight on a worker"
                        + " pool (fio: one blocking call at a time); posixaio runs on jaio's POSIX facade over the auto engine (fio: glibc's"
                        + " threads)",
                "engine");

        g = "I/O pattern";
        job(g, "rw", "PATTERN", "read, write, randread, randwrite, rw (readwrite), randrw; ':N' after random = N I/Os per"
                + " random offset, ':SIZE' after sequential = a gap added to each offset.", "trim patterns are not carried",
                "readwrite");
        job(g, "rwmixread", "PCT", "Percent of reads in a mixed pattern (default 50).", null);
        job(g, "rwmixwrite", "PCT", "Percent of writes in a mixed pattern.", null);
        job(g, "bs", "SIZE[,SIZE]", "Block size; 'R,W' sets reads and writes apart (default 4k).", null, "blocksize");
        job(g, "bsrange", "LO-HI[,LO-HI]", "Block sizes drawn from a range, multiples of LO.", null, "blocksize_range");
        job(g, "bssplit", "BS/PCT:...[,...]", "Weighted block sizes, e.g. 4k/10:64k/50:32k/40; blank percentages share the rest.",
                null);
        job(g, "blockalign", "SIZE[,SIZE]", "Alignment of random offsets (default the minimum block size); turns the random"
                + " map off.", null, "ba");
        job(g, "bs_unaligned", "0|1", "Any size in bsrange, not only multiples of the minimum.", null, "blocksize_unaligned");
        job(g, "random_distribution", "DIST", "random, zipf[:theta], pareto[:h], normal[:dev%], zoned:A/S:..., zoned_abs:A/SIZE:...;"
                + " ',' sets writes apart; a ':CENTER' (0..1) may follow zipf, pareto and normal.", null);
        job(g, "randrepeat", "0|1", "The same random streams on every run (default 1).", null);
        job(g, "randseed", "N", "Seed of the random streams (default 0x89). As in fio 3.33 it turns randrepeat off, but"
                + " uniform and zoned offsets follow it only with randrepeat=0.", null);
        job(g, "norandommap", "0|1", "Draw random offsets with repeats rather than covering each block once per pass.",
                "command line without job files: 1 (fio: 0)");
        job(g, "random_generator", "GEN", "tausworthe (default) or tausworthe64.", "lfsr is not carried");

        g = "Files and region";
        job(g, "filename", "FILE[:FILE]", "File(s) to use (shared by the job's clones).",
                "command line without job files: jaio-bench.dat in the temp folder (fio: made up from the job name)");
        job(g, "directory", "DIR[:DIR]", "Folder of the files (clone n uses the n-th of a ':' list).", null);
        job(g, "nrfiles", "N", "Files per clone when names are made up; I/O goes round robin over them.", null);
        job(g, "filename_format", "FMT", "Names made up from $jobname, $jobnum, $filenum (default $jobname.$jobnum.$filenum).",
                null);
        job(g, "size", "SIZE|PCT%", "Bytes of the job's region (over all its files), or a percent of each file.",
                "command line without job files: 1g (fio: required)");
        job(g, "filesize", "SIZE[-SIZE]", "Size of each file, or a range to draw from.", null);
        job(g, "io_size", "SIZE", "Bytes to transfer in all (default size).", null, "io_limit");
        job(g, "offset", "SIZE|PCT%", "Start of the region in each file.", null);
        job(g, "offset_increment", "SIZE|PCT%", "Clone n starts n times this further.", null);
        job(g, "direct", "0|1", "O_DIRECT.", null);
        job(g, "buffered", "0|1", "The opposite of direct.", null);
        job(g, "invalidate", "0|1", "Drop the files' page cache before the job and each time a time-based job starts a file"
                + " over (posix_fadvise DONTNEED; default 1; buffered jobs only after the start, as fio).", null);
        job(g, "fadvise_hint", "0|1|sequential|random|noreuse", "Advice on each file after opening it: 1 (default) random"
                + " for random jobs, sequential for sequential ones.", "not applied by jdk-afc and jdk-fc (JDK channels have"
                + " no descriptor to advise)");

        g = "Queue and engine";
        job(g, "iodepth", "N", "Requests in flight per clone.", "command line without job files: 32 (fio: 1)");
        job(g, "iodepth_low", "N", "After filling to iodepth, let the queue drain to this before filling again.", null);
        job(g, "iodepth_batch_submit", "N", "Most requests per submit call; 0 = iodepth (default 1).", null, "iodepth_batch");
        job(g, "iodepth_batch_complete_min", "N", "Events each reap waits for (getEvents' minNr); 0 polls (default 1).", null,
                "iodepth_batch_complete");
        job(g, "iodepth_batch_complete_max", "N", "Most events each reap takes (default iodepth).", null);
        job(g, "fixedbufs", "0|1", "io_uring: registered buffers (READ_FIXED/WRITE_FIXED).", "other engines use the same"
                + " buffers unregistered");
        job(g, "registerfiles", "0|1", "io_uring: registered files.", "ignored by other engines");
        job(g, "sqthread_poll", "0|1", "io_uring: a kernel thread polls the submission ring.", "ignored by other engines");
        job(g, "hipri", "0|1", "Polled completions (RWF_HIPRI), O_DIRECT only.", "no jaio engine offers HIPRI yet (io_uring"
                + " would need an IOPOLL ring): the job is refused before it starts, saying whether the file's device has"
                + " poll queues");
        job(g, "nonvectored", "N", "io_uring: 1 plain READ/WRITE (jaio's default for a single buffer), 0 single-segment"
                + " READV/WRITEV.", "applies to every engine; -1 means 1");
        job(g, "single_issuer", "0|1", "jaio option: the job thread owns its context (IoContext.Builder.singleIssuer); on"
                + " io_uring a ring with SINGLE_ISSUER and DEFER_TASKRUN where the kernel has them.", "not a fio option;"
                + " other jaio engines keep the ownership rule alone");
        job(g, "io_submit_mode", "MODE", "inline or offload.", "jaio always submits from the job thread and keeps requests"
                + " in flight while it waits for a rate slot, which is offload's behaviour");

        g = "Syncs";
        job(g, "fsync", "N", "An fsync after every N writes; 0 never.", null);
        job(g, "fdatasync", "N", "An fdatasync after every N writes; 0 never.", null);
        job(g, "end_fsync", "0|1", "An fsync of each file when the job's writes are done.", null);

        g = "Time";
        job(g, "runtime", "TIME", "Run time after the ramp: 10, 500ms, 2m (seconds by default).",
                "command line without job files: 10 (fio: none)", "timeout");
        job(g, "time_based", "0|1", "Run for runtime, going over the region again as needed.",
                "command line without job files: 1 (fio: 0)");
        job(g, "ramp_time", "TIME", "Run this long before measuring.", "while the JIT compiles, each 100 ms of the"
                + " ramp gives it 30 ms of the job thread, so that measuring starts in compiled code (fio: no JIT)");
        job(g, "loops", "N", "Passes over the region (default 1).", null);
        job(g, "startdelay", "TIME", "Wait this long before starting the job.", null);

        g = "Rate and think time";
        job(g, "rate", "BYTES/S[,BYTES/S]", "Bandwidth cap per direction, e.g. 1m,500k.", "only delays I/Os: a mixed job"
                + " ahead of its rate never switches direction to catch up");
        job(g, "rate_iops", "N[,N]", "IOPS cap per direction (counted in the minimum block size).", null);
        job(g, "rate_process", "PROC", "linear (default) or poisson (exponential gaps).", null);
        job(g, "thinktime", "TIME", "After every thinktime_blocks completions, wait for the queue to drain and stall this"
                + " long (microseconds by default).", null);
        job(g, "thinktime_spin", "TIME", "Of the thinktime, spin this long (microseconds by default).", null);
        job(g, "thinktime_blocks", "N", "Completions between stalls (default 1).", null);

        g = "Verify";
        job(g, "verify", "METHOD", "crc32c, crc32, md5, sha1, sha256, sha512: written blocks carry a header with a checksum,"
                + " read back after the writes; blocks read are checked.",
                "jaio's own header (offset, generation, checksum): not interchangeable with fio's; a time-based write job is"
                        + " still read back after its runtime (fio never starts that phase)");
        job(g, "verify_backlog", "N", "Verify every N written blocks during the job, not only at its end.", null);
        job(g, "do_verify", "0|1", "Run the read-back phase after writing (default 1).", null);

        g = "Logs and percentiles";
        job(g, "write_bw_log", "NAME", "Bandwidth log NAME_bw.N.log (KiB/s).", "without log_avg_msec one line per"
                + " 500 ms (fio: one per I/O)");
        job(g, "write_lat_log", "NAME", "Latency logs NAME_lat.N.log, NAME_clat.N.log, NAME_slat.N.log (ns).", null);
        job(g, "write_iops_log", "NAME", "IOPS log NAME_iops.N.log.", "without log_avg_msec one line per 500 ms"
                + " (fio: one per I/O)");
        job(g, "log_avg_msec", "MSEC", "Average log entries over windows of this length.", null);
        job(g, "log_offset", "0|1", "Per-I/O log lines carry the offset.", null);
        job(g, "write_iolog", "FILE", "Every I/O as issued, in fio's iolog format (version 3).",
                "clones after the first write FILE.N (fio's overwrite each other)");
        job(g, "percentile_list", "P:P:...", "Completion latency percentiles to report, e.g. 50:99:99.9.", null);

        run("output-format", "FORMAT[,FORMAT]", "normal, json, json+ or terse (several with commas).");
        run("output", "FILE", "Write the report to FILE instead of the standard output.");
        run("eta", "WHEN", "The progress line: auto (on a terminal, the default), always or never.");
        run("latency-plot", "FILE.svg", "Draw the completion latency by percentile (logarithmic axis) to this SVG file.");
        run("ignore-unsupported", "", "Skip an option jaio does not carry with a warning, instead of refusing the job.");
    }

    private OptionTable() {}

    /** Every option, in --help order. */
    public static List<Opt> all() {
        return List.copyOf(ALL);
    }

    /** The option by fio name or alias, or null when jaio does not carry it. */
    public static Opt find(String name) {
        return BY_NAME.get(name);
    }
}
