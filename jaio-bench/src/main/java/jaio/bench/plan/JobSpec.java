package jaio.bench.plan;

/**
 * One validated job, as fio's job options describe it; built by the option reader
 * ({@code jaio.bench.cli.JobBuilder}), which checks every rule. A job runs {@code numjobs}
 * identical clones, each on its own thread with its own context. Times are in nanoseconds,
 * sizes in bytes.
 *
 * @param name        the job's name (fio's section name or {@code name})
 * @param description fio's description, or null
 * @param numjobs     clones of this job
 * @param rw          the access pattern
 * @param rwSeqAdd    for sequential patterns, bytes added to each next offset (fio's {@code rw=read:-8k})
 * @param rwSeqNr     for random patterns, a new random offset every this many I/Os (fio's {@code rw=randread:8})
 * @param rwmixread   percent of reads in a mixed pattern
 * @param bs          block sizes and alignment per direction
 * @param random      how random offsets are drawn
 * @param files       which files, how large, and which part of them
 * @param depth       queue depth and batching
 * @param sync        fsync, fdatasync, end_fsync
 * @param timing      runtime, ramp, loops
 * @param pace        rate limits and think time
 * @param engine      what drives the I/O, and the io_uring options
 * @param direct      O_DIRECT
 * @param invalidate  drop the files' page cache before the job
 * @param fadvise     fio's fadvise_hint: the access advice given on each file after it is opened
 * @param verify      verify method and backlog
 * @param logs        per-I/O or windowed logs
 * @param percentiles clat percentiles to report (fio's percentile_list)
 * @param groupReporting report the group's jobs as one (fio's group_reporting)
 * @param stonewall   wait for the jobs before this one to finish (and start a new group)
 * @param newGroup    start a new reporting group without waiting
 */
public record JobSpec(String name, String description, int numjobs, Rw rw, long rwSeqAdd, int rwSeqNr, int rwmixread,
                      BlockSizes bs, RandomSpec random, FileSpec files, Depth depth, SyncSpec sync, Timing timing,
                      Pace pace, EngineSpec engine, boolean direct, boolean invalidate, Fadvise fadvise, VerifySpec verify, LogSpec logs,
                      double[] percentiles, boolean groupReporting, boolean stonewall, boolean newGroup) {

    /**
     * fio's fadvise_hint: NONE gives no advice, TYPE gives RANDOM to random jobs and SEQUENTIAL to
     * sequential ones (fio's default, 1), the others give that advice to every job.
     */
    public enum Fadvise {
        NONE, TYPE, SEQUENTIAL, RANDOM, NOREUSE;

        /** fio's values, in the order of the constants. */
        public static final java.util.List<String> NAMES = java.util.List.of("0", "1", "sequential", "random", "noreuse");
    }

    /** Queue depth and batching, with fio's defaults resolved. */
    public record Depth(int iodepth, int low, int batchSubmit, int completeMin, int completeMax) {}

    /** An fsync after every {@code fsync} writes, an fdatasync after every {@code fdatasync}; 0 never. */
    public record SyncSpec(int fsync, int fdatasync, boolean endFsync) {}

    /**
     * @param runtime    how long to run after the ramp; 0 no limit
     * @param timeBased  run for the runtime even when the byte budget is done
     * @param ramp       time before measuring
     * @param loops      passes over the region
     * @param startDelay time to wait before starting
     */
    public record Timing(long runtime, boolean timeBased, long ramp, int loops, long startDelay) {}

    /**
     * @param bytesPerSec     rate limit per direction (read, write), 0 none; rate_iops is converted
     *                        with the direction's minimum block size, as fio does
     * @param poisson         rate_process=poisson (exponential gaps) rather than linear
     * @param thinktime       stall this long after every thinktimeBlocks completions, 0 none
     * @param thinktimeSpin   of which this long spinning
     * @param thinktimeBlocks completions between stalls
     */
    public record Pace(long[] bytesPerSec, boolean poisson, long thinktime, long thinktimeSpin, int thinktimeBlocks) {
        public boolean limited() {
            return bytesPerSec[0] > 0 || bytesPerSec[1] > 0;
        }
    }

    /**
     * @param engine       what drives the I/O
     * @param fixedBufs    io_uring fixedbufs: the context's registered buffers (READ_FIXED/WRITE_FIXED)
     * @param registerFiles io_uring registerfiles
     * @param sqPoll       io_uring sqthread_poll
     * @param hipri        RWF_HIPRI on every transfer
     * @param vectored     transfers as single-segment PREADV/PWRITEV (fio's nonvectored=0)
     * @param virtualThreads the job runs on a virtual thread (thread=virtual)
     * @param singleIssuer the job thread owns its context (IoContext.Builder.singleIssuer)
     */
    public record EngineSpec(BenchEngine engine, boolean fixedBufs, boolean registerFiles, boolean sqPoll,
                             boolean hipri, boolean vectored, boolean virtualThreads, boolean singleIssuer) {}

    /**
     * @param method   how blocks are checksummed, or NONE
     * @param backlog  verify every this many written blocks during the job (fio's verify_backlog), 0 after it
     * @param doVerify run the verify phase after a write job (fio's do_verify)
     */
    public record VerifySpec(VerifyMethod method, int backlog, boolean doVerify) {
        public boolean on() {
            return method != VerifyMethod.NONE;
        }
    }

    /**
     * Log file prefixes (null: no such log) and the averaging window.
     *
     * @param avgMsec   0: one line per I/O (latency logs) or per 500 ms (bandwidth and IOPS logs)
     * @param logOffset whether per-I/O lines carry the offset (fio's log_offset)
     * @param iolog     fio's write_iolog: every I/O as issued, in fio's iolog version 3 format, or null
     */
    public record LogSpec(String bw, String lat, String iops, int avgMsec, boolean logOffset, String iolog) {
        public boolean any() {
            return bw != null || lat != null || iops != null;
        }
    }

    /** Whether a clone of this job writes at all. */
    public boolean writes() {
        return rw.writes();
    }

    /** The percent of reads for the pattern. */
    public int readPercent() {
        return rw.mixed() ? rwmixread : rw.reads() ? 100 : 0;
    }

    @Override
    public boolean equals(Object o) {
        return this == o;
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(this);
    }

    @Override
    public String toString() {
        return "job " + name + " (" + rw.fioName() + ", " + bs + ", numjobs=" + numjobs + ")";
    }
}
