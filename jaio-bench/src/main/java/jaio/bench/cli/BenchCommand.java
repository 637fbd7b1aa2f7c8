package jaio.bench.cli;

import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The options of {@code ./jaio bench}, with fio's names and meanings where fio has the same
 * thing. picocli fills the raw text in; {@link #toSpec()} checks it and builds a
 * {@link JobSpec}, so every message about a bad value comes from one place.
 */
@Command(name = "./jaio bench", sortOptions = false, usageHelpWidth = 100,
        description = {
            "Benchmarks jaio's engines and two JDK baselines with fio's option names.",
            "With no options: 4 KiB random reads, engine auto, iodepth 32, for 10 s, on a 1 GiB file",
            "it creates once in the temp folder (java.io.tmpdir) and reuses."},
        footer = {"",
            "Differences from fio's defaults: iodepth=32 (fio: 1), runtime=10s and time_based=1",
            "(fio: size-bound), filename in the temp folder. numjobs > 1 runs one context per job on",
            "its own thread and reports them summed (fio's group_reporting). CPU and ctx are the",
            "whole process's (JVM threads and engine workers included).",
            "Exit codes: 0 done, 1 verify mismatches or I/O errors, 2 bad usage or an engine",
            "this machine does not allow."})
public final class BenchCommand {
    static final String DEFAULT_FILE = "jaio-bench.dat";

    /** A parser for these options; like fio, an option given twice takes the later value. */
    public static picocli.CommandLine parser(BenchCommand into) {
        picocli.CommandLine cl = new picocli.CommandLine(into);
        cl.setOverwrittenOptionsAllowed(true);
        return cl;
    }

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Option(names = "--name", paramLabel = "NAME", defaultValue = "jaio-bench", description = "Job name in reports (default ${DEFAULT-VALUE}).")
    String name;

    @Option(names = "--filename", paramLabel = "FILE",
            description = "File to use; laid out with data when missing or shorter than --size (default: "
                    + DEFAULT_FILE + " in the temp folder).")
    String filename;

    @Option(names = "--size", paramLabel = "SIZE", defaultValue = "1g", description = "Bytes of the file the job covers: 4096, 4k, 64m, 1g (k = 1024; default ${DEFAULT-VALUE}).")
    String size;

    @Option(names = "--rw", paramLabel = "PATTERN", defaultValue = "randread", description = "read, write, randread, randwrite or randrw (default ${DEFAULT-VALUE}).")
    String rw;

    @Option(names = "--rwmixread", paramLabel = "PCT", defaultValue = "50", description = "Percent of reads for randrw (default ${DEFAULT-VALUE}).")
    String rwmixread;

    @Option(names = "--bs", paramLabel = "SIZE", defaultValue = "4k", description = "Bytes per request (default ${DEFAULT-VALUE}).")
    String bs;

    @Option(names = "--iodepth", paramLabel = "N", defaultValue = "32", description = "Requests outstanding per job (default ${DEFAULT-VALUE}).")
    String iodepth;

    @Option(names = "--numjobs", paramLabel = "N", defaultValue = "1", description = "Jobs, each on its own thread with its own context (default ${DEFAULT-VALUE}).")
    String numjobs;

    @Option(names = "--direct", paramLabel = "0|1", defaultValue = "0", arity = "0..1", fallbackValue = "1", description = "1: O_DIRECT (default ${DEFAULT-VALUE}).")
    String direct;

    @Option(names = "--fsync", paramLabel = "N", defaultValue = "0", description = "An fsync after every N writes; 0 never (default ${DEFAULT-VALUE}).")
    String fsync;

    @Option(names = "--runtime", paramLabel = "TIME", defaultValue = "10", description = "Run time after the ramp: 10, 500ms, 2m; 0 no limit (default ${DEFAULT-VALUE} s).")
    String runtime;

    @Option(names = "--time_based", paramLabel = "0|1", defaultValue = "1", arity = "0..1", fallbackValue = "1",
            description = "1: run for --runtime whatever --size; 0: stop after --size bytes or --runtime (default ${DEFAULT-VALUE}).")
    String timeBased;

    @Option(names = "--ramp_time", paramLabel = "TIME", defaultValue = "0", description = "Run this long before measuring (default ${DEFAULT-VALUE}).")
    String rampTime;

    @Option(names = {"--iodepth_batch_submit", "--iodepth_batch"}, paramLabel = "N", defaultValue = "1",
            description = "Most requests per submit call; 0 = iodepth (default ${DEFAULT-VALUE}, like fio).")
    String batchSubmit;

    @Option(names = {"--iodepth_batch_complete_min", "--iodepth_batch_complete"}, paramLabel = "N", defaultValue = "1",
            description = "Events each reap waits for (getEvents' minNr); 0 polls (default ${DEFAULT-VALUE}, like fio).")
    String completeMin;

    @Option(names = "--iodepth_batch_complete_max", paramLabel = "N",
            description = "Most events each reap takes (getEvents' maxNr; default iodepth, like fio).")
    String completeMax;

    @Option(names = "--output-format", paramLabel = "FORMAT", defaultValue = "normal", description = "normal or json (default ${DEFAULT-VALUE}).")
    String outputFormat;

    @Option(names = "--verify", paramLabel = "METHOD", defaultValue = "0",
            description = "crc32c: written blocks carry a header (offset, generation, checksum), read back after the job;"
                    + " blocks read are checked. 0: off (default).")
    String verify;

    @Option(names = {"--engine", "--ioengine"}, paramLabel = "ENGINE", defaultValue = "auto",
            description = "uring, kaio, threads, auto, jdk-afc (AsynchronousFileChannel) or jdk-fc (FileChannel, synchronous)"
                    + " (default ${DEFAULT-VALUE}).")
    String engine;

    @Option(names = "--invalidate", paramLabel = "0|1", defaultValue = "1", arity = "0..1", fallbackValue = "1",
            description = "1: drop the file's page cache before the job (posix_fadvise DONTNEED), like fio (default ${DEFAULT-VALUE}).")
    String invalidate;

    @Option(names = "--latency-plot", paramLabel = "FILE.svg", description = "Draw the completion latency distribution to this SVG file.")
    String latencyPlot;

    /**
     * Checks every value and builds the job.
     *
     * @throws UsageException with one line naming the first bad option and what it allows
     */
    public JobSpec toSpec() throws UsageException {
        Rw pattern = Rw.values()[Values.choice("--rw", rw, Rw.NAMES)];
        long sz = Values.size("--size", size);
        long blockSize = Values.size("--bs", bs);
        if (blockSize < 1 || blockSize > (64 << 20)) {
            throw new UsageException("--bs: " + bs + " is out of range 1..64m");
        }
        if (sz < blockSize) {
            throw new UsageException("--size: " + size + " is smaller than --bs=" + bs);
        }
        int depth = Values.integer("--iodepth", iodepth, 1, 4096);
        int jobs = Values.integer("--numjobs", numjobs, 1, 256);
        int mix = Values.integer("--rwmixread", rwmixread, 0, 100);
        int syncEvery = Values.integer("--fsync", fsync, 0, Integer.MAX_VALUE);
        boolean dio = Values.flag("--direct", direct);
        boolean timed = Values.flag("--time_based", timeBased);
        boolean drop = Values.flag("--invalidate", invalidate);
        long run = Values.time("--runtime", runtime);
        long ramp = Values.time("--ramp_time", rampTime);
        if (timed && run == 0) {
            throw new UsageException("--runtime: 0 (no limit) needs --time_based=0, else the job never ends");
        }
        int submit = Values.integer("--iodepth_batch_submit", batchSubmit, 0, Integer.MAX_VALUE);
        submit = submit == 0 ? depth : Math.min(submit, depth);
        int cmin = Values.integer("--iodepth_batch_complete_min", completeMin, 0, Integer.MAX_VALUE);
        if (cmin > depth) {
            throw new UsageException("--iodepth_batch_complete_min: " + cmin + " is more than --iodepth=" + depth);
        }
        int cmax = completeMax == null ? depth : Values.integer("--iodepth_batch_complete_max", completeMax, 1, Integer.MAX_VALUE);
        cmax = Math.max(Math.min(cmax, depth), Math.max(cmin, 1));
        boolean json = Values.choice("--output-format", outputFormat, List.of("normal", "json")) == 1;
        boolean check = Values.choice("--verify", verify, List.of("0", "crc32c")) == 1;
        if (check && blockSize < 32) {
            throw new UsageException("--bs: " + bs + " is too small for --verify (a block's header takes 32 bytes)");
        }
        BenchEngine eng = BenchEngine.parse("--engine", engine);
        if (name.isBlank()) {
            throw new UsageException("--name: must not be empty");
        }
        boolean dflt = filename == null;
        Path file = dflt ? Path.of(System.getProperty("java.io.tmpdir"), DEFAULT_FILE) : Path.of(filename);
        Path plot = latencyPlot == null ? null : Path.of(latencyPlot);
        return new JobSpec(name, file, dflt, sz, pattern, mix, (int) blockSize, depth, jobs, dio, syncEvery, run, timed,
                ramp, submit, cmin, cmax, json, check, eng, drop, plot);
    }
}
