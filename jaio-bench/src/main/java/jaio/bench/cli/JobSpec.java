package jaio.bench.cli;

import java.nio.file.Path;

/**
 * One validated benchmark job, as every engine runs it. Times are in nanoseconds; sizes in
 * bytes. Built by {@link BenchCommand#toSpec()}, which checks every rule below.
 *
 * @param name          the job's name in reports
 * @param file          the file to use
 * @param defaultFile   whether {@code file} is the tool's own file in the temp folder
 * @param size          bytes of the file the job covers (the file is laid out to at least this)
 * @param rw            the access pattern
 * @param rwmixread     percent of reads for randrw
 * @param bs            bytes per request
 * @param iodepth       requests outstanding per job
 * @param numjobs       jobs, each on its own thread with its own context (or channel)
 * @param direct        O_DIRECT
 * @param fsync         an fsync after every this many writes; 0 never
 * @param runtime       how long to run after the ramp; 0 for no limit
 * @param timeBased     run for {@code runtime} even when {@code size} bytes were done
 * @param rampTime      time before measuring starts
 * @param batchSubmit   most requests per submit call
 * @param completeMin   events a reap waits for (getEvents' minNr); 0 polls
 * @param completeMax   most events a reap takes (getEvents' maxNr)
 * @param json          JSON output (else fio-like text)
 * @param verify        stamp written blocks with a checked header; check blocks read
 * @param engine        what drives the I/O
 * @param invalidate    drop the file's page cache before the job
 * @param latencyPlot   where to draw the latency distribution (SVG), or null
 */
public record JobSpec(String name, Path file, boolean defaultFile, long size, Rw rw, int rwmixread, int bs,
                      int iodepth, int numjobs, boolean direct, int fsync, long runtime, boolean timeBased,
                      long rampTime, int batchSubmit, int completeMin, int completeMax, boolean json,
                      boolean verify, BenchEngine engine, boolean invalidate, Path latencyPlot) {

    /** Whole blocks of {@code bs} in the region. */
    public long blocks() {
        return size / bs;
    }
}
