package jaio.bench.plan;

import java.util.List;
import java.util.Objects;
import java.util.function.IntConsumer;

/**
 * The I/Os of one clone, in the order it issues them: direction, file, offset and length, as
 * fio 3.33 picks them (io_u.c: get_rw_ddir, get_next_offset, get_next_buflen; backend.c:
 * keep_running). The streams, the random map, the round robin over files, the rwmix
 * switching, the fsync points and the passes over the region follow fio's code, so a job file
 * and seed give fio's sequence; tests compare it with fio's own logs.
 *
 * <p>Two things differ by design: an fsync is taken as done when issued (fio's psync and
 * libaio do it inline; on io_uring fio may issue a second one before the first completes), and
 * rate limiting only delays I/Os, it never switches direction. Not thread safe: one job thread,
 * or a lock held by the caller. {@link #next} allocates nothing.
 */
public final class IoSequence {
    public static final int READ = 0;
    public static final int WRITE = 1;
    public static final int SYNC = 2;
    public static final int DATASYNC = 3;

    /** One I/O, filled in by {@link #next}. */
    public static final class Unit {
        /** READ, WRITE, SYNC or DATASYNC. */
        public int dir;
        /** Index of the file in the layout. */
        public int file;
        /** Byte offset in the file (0 for a sync). */
        public long offset;
        /** Bytes (0 for a sync). */
        public long length;

        @Override
        public String toString() {
            return switch (dir) {
                case READ -> "read " + file + " " + offset + " " + length;
                case WRITE -> "write " + file + " " + offset + " " + length;
                case SYNC -> "sync " + file;
                default -> "datasync " + file;
            };
        }
    }

    private static final class FileState {
        final FileLayout.PlannedFile plan;
        final int index;
        final long[] lastPos = new long[2];
        /** fio's last_block per direction (the region's aligned blocks), fixed for the file. */
        final long[] lastBlock = new long[2];
        RandomMap map;
        SkewedStream skew;
        boolean done;

        FileState(FileLayout.PlannedFile plan, int index) {
            this.plan = plan;
            this.index = index;
        }

        void reset() {
            lastPos[0] = plan.offset();
            lastPos[1] = plan.offset();
            if (map != null) {
                map.clear();
            }
        }
    }

    private final JobSpec job;
    private final Seeds seeds;
    private final FileState[] files;
    private final long size;
    private final boolean random;
    private final boolean writes;
    private final int[] rwmix = new int[2];
    private final long[][] zoneIndex = new long[2][];

    private FioRandom blockStream;
    private final FioRandom[] bsStream = new FioRandom[2];
    private FioRandom mixStream;
    private FioRandom zoneStream;

    private final long[] ioIssues = new long[2];
    private final long[] issueBytes = new long[2];
    private int rwmixDdir = READ;
    private long rwmixIssues;
    private boolean lastWasSync;
    private int nextFile;
    private int doneFiles;
    private int seqNrLeft = 1;
    private int passes;
    private boolean busyOk;
    private IntConsumer loopListener = file -> { };

    /**
     * @param job    the job
     * @param layout the clone's files, resolved
     * @param seeds  the clone's seeds (its thread number)
     */
    public IoSequence(JobSpec job, FileLayout layout, Seeds seeds) {
        this.job = job;
        this.seeds = seeds;
        this.size = layout.size();
        this.random = job.rw().random();
        this.writes = job.rw().writes();
        rwmix[READ] = job.rwmixread();
        rwmix[WRITE] = 100 - job.rwmixread();
        List<FileLayout.PlannedFile> pf = layout.files();
        files = new FileState[pf.size()];
        RandomSpec rs = job.random();
        boolean skewed = rs.kind() == RandomSpec.Kind.ZIPF || rs.kind() == RandomSpec.Kind.PARETO
                || rs.kind() == RandomSpec.Kind.NORMAL;
        long rangeSize = Math.min(job.bs().read().min(), job.bs().write().min());
        for (int i = 0; i < files.length; i++) {
            FileState f = new FileState(pf.get(i), i);
            long fsize = Math.min(f.plan.realSize(), f.plan.ioSize());
            if (random && skewed) {
                long nranges = (fsize + rangeSize - 1) / rangeSize;
                f.skew = new SkewedStream(rs, nranges, seeds.distribution(f.plan.fioName()));
            } else if (random && rs.randomMap()) {
                f.map = new RandomMap(fsize / job.bs().minOfAll());
            }
            f.reset();
            f.lastBlock[READ] = lastBlock(f, READ);
            f.lastBlock[WRITE] = lastBlock(f, WRITE);
            files[i] = f;
        }
        for (int d = 0; d < 2; d++) {
            zoneIndex[d] = zoneIndex(rs.zones().get(d));
        }
        seed();
    }

    /** fio's td_fill_rand_seeds: every stream from its seed (again at each pass under randrepeat). */
    private void seed() {
        boolean use64 = job.random().use64();
        boolean verify = job.verify().on();
        bsStream[READ] = FioRandom.seeded(seeds.blockSize(false, verify), use64);
        bsStream[WRITE] = FioRandom.seeded(seeds.blockSize(true, verify), use64);
        mixStream = FioRandom.seeded(seeds.mix(), false);
        zoneStream = FioRandom.seeded(seeds.zone(), false);
        blockStream = FioRandom.seeded(seeds.block(), use64);
    }

    /** fio's zone_state_index: for each of 100 access percents, the zone's [start%, end%, start bytes, end bytes]. */
    private static long[] zoneIndex(List<RandomSpec.Zone> zones) {
        if (zones.isEmpty()) {
            return null;
        }
        long[] idx = new long[400];
        java.util.Arrays.fill(idx, -1);
        int aprev = 0;
        long sprev = 0;
        long sprevSz = 0;
        for (RandomSpec.Zone z : zones) {
            for (int j = aprev; j < aprev + z.accessPercent() && j < 100; j++) {
                idx[4 * j] = sprev;
                idx[4 * j + 1] = sprev + z.sizePercent();
                idx[4 * j + 2] = sprevSz;
                idx[4 * j + 3] = sprevSz + z.size();
            }
            aprev += z.accessPercent();
            sprev += z.sizePercent();
            sprevSz += z.size();
        }
        return idx;
    }

    /** Bytes issued so far, reads and writes. */
    public long issuedBytes() {
        return issueBytes[READ] + issueBytes[WRITE];
    }

    /** Reads and writes issued so far. */
    public long issued(int dir) {
        return ioIssues[dir];
    }

    /** Passes over the region started (1 during the first). */
    public int passes() {
        return passes + 1;
    }

    /** The byte budget of a size-bound job: (io_size or size) times loops. */
    public long budget() {
        long per = job.files().ioSize() > 0 ? job.files().ioSize() : size;
        return per * Math.max(1, job.timing().loops());
    }

    /**
     * Sets what runs, with the file's index, each time the sequence starts a file over: at a new
     * pass (fio closes and reopens its files), when a time-based random job has used every block of
     * its random map, and when a time-based sequential job on one file reaches the end. fio drops
     * the file's page cache at those points when invalidate=1 (and the job is buffered), so a
     * time-based buffered job with fio's defaults reads from the disk on every pass.
     *
     * @return this sequence
     */
    public IoSequence onFileLoop(IntConsumer listener) {
        this.loopListener = Objects.requireNonNull(listener, "onFileLoop: listener");
        return this;
    }

    /**
     * The next I/O of the job.
     *
     * @param timeBased whether the byte budget is ignored (the caller stops on time)
     * @return false when the job has nothing more to issue
     */
    public boolean next(Unit u, boolean timeBased) {
        while (true) {
            if (!timeBased && issuedBytes() >= budget()) {
                return false;
            }
            if (fromFiles(u)) {
                return true;
            }
            if (!newPass(timeBased)) {
                return false;
            }
        }
    }

    /** fio's keep_running between passes, then clear_io_state. */
    private boolean newPass(boolean timeBased) {
        passes++;
        boolean again;
        if (timeBased || passes < Math.max(1, job.timing().loops())) {
            again = true;
        } else {
            long limit = job.files().ioSize() > 0 ? job.files().ioSize() : size;
            long done = issuedBytes();
            again = done < limit && limit - done >= job.bs().maxOfAll() && job.files().ioSize() > 0;
        }
        if (!again) {
            return false;
        }
        for (FileState f : files) {
            f.done = false;
            f.reset();
            loopListener.accept(f.index);
        }
        doneFiles = 0;
        rwmixIssues = 0;
        lastWasSync = false;
        if (seeds.repeatable()) {
            seed();
        }
        return true;
    }

    /** fio's set_io_u_file: the next file round robin, filled; a file that cannot give an I/O is done. */
    private boolean fromFiles(Unit u) {
        while (doneFiles < files.length) {
            int fi = nextFileIndex();
            if (fi < 0) {
                return false;
            }
            if (fill(fi, u)) {
                return true;
            }
            files[fi].done = true;
            doneFiles++;
        }
        return false;
    }

    private int nextFileIndex() {
        int start = nextFile;
        do {
            int fi = nextFile;
            nextFile = nextFile + 1 >= files.length ? 0 : nextFile + 1;
            if (!files[fi].done) {
                return fi;
            }
        } while (nextFile != start);
        return -1;
    }

    /** fio's fill_io_u plus the accounting of td_io_queue. */
    private boolean fill(int fi, Unit u) {
        FileState f = files[fi];
        int dir = direction();
        u.file = fi;
        if (dir == SYNC || dir == DATASYNC) {
            u.dir = dir;
            u.offset = 0;
            u.length = 0;
            lastWasSync = true;
            return true;
        }
        busyOk = false;
        if (!nextOffset(f, dir, u)) {
            return false;
        }
        long len = nextLength(f, dir, u.offset);
        if (len == 0 || u.offset + len > f.plan.realSize()) {
            return false;
        }
        if (random && f.map != null && !busyOk) {
            long minBs = job.bs().side(dir).min();
            long block = (u.offset - f.plan.offset()) / minBs;
            long nr = f.map.mark(block, (len + minBs - 1) / minBs);
            if (nr * minBs < len) {
                len = nr * minBs;
            }
        }
        u.dir = dir;
        u.length = len;
        f.lastPos[dir] = u.offset + len;
        ioIssues[dir]++;
        issueBytes[dir] += len;
        lastWasSync = false;
        return true;
    }

    /** fio's get_rw_ddir without the rate switch: fsync points first, then the rwmix cycle. */
    private int direction() {
        if (!lastWasSync && writes) {
            long w = ioIssues[WRITE];
            int fs = job.sync().fsync();
            if (fs > 0 && w > 0 && w % fs == 0) {
                return SYNC;
            }
            int fd = job.sync().fdatasync();
            if (fd > 0 && w > 0 && w % fd == 0) {
                return DATASYNC;
            }
        }
        if (job.rw().mixed()) {
            if (ioIssues[rwmixDdir] >= rwmixIssues) {
                int d = mixStream.between(1, 100) <= rwmix[READ] ? READ : WRITE;
                if (d != rwmixDdir) {
                    // fio's set_rwmix_bytes runs before the switch: issues so far of the old direction
                    rwmixIssues = ioIssues[rwmixDdir] * rwmix[rwmixDdir ^ 1] / 100;
                }
                rwmixDdir = d;
            }
            return rwmixDdir;
        }
        return job.rw().reads() ? READ : WRITE;
    }

    /** fio's get_next_offset: a random or sequential block, moved into the file's region. */
    private boolean nextOffset(FileState f, int dir, Unit u) {
        boolean seqHit = false;
        if (job.rwSeqNr() > 0 && --seqNrLeft == 0) {
            seqHit = true;
            seqNrLeft = job.rwSeqNr();
        }
        long off;
        if (seqHit) {
            if (random) {
                long b = randomBlock(f, dir);
                if (b < 0) {
                    return false;
                }
                off = b * job.bs().side(dir).align();
            } else {
                off = sequential(f, dir);
                if (off < 0) {
                    return false;
                }
            }
        } else {
            // the I/Os between random ones (rw=randread:N) go on from the last one, off the random map
            busyOk = true;
            off = sequential(f, dir);
            if (off < 0) {
                long b = randomBlock(f, dir);
                if (b < 0) {
                    return false;
                }
                off = b * job.bs().side(dir).align();
            }
        }
        if (Long.compareUnsigned(off, f.plan.ioSize()) >= 0) {
            return false;
        }
        off += f.plan.offset();
        if (off >= f.plan.realSize()) {
            return false;
        }
        u.offset = off;
        return true;
    }

    /** fio's get_next_seq_offset, relative to the region's start; -1 at the end. */
    private long sequential(FileState f, int dir) {
        FileLayout.PlannedFile p = f.plan;
        long add = job.rwSeqAdd();
        if (f.lastPos[dir] >= p.ioSize() + p.offset() && job.timing().timeBased() && files.length == 1) {
            f.lastPos[dir] = p.offset();
            loopListener.accept(f.index);
        }
        if (f.lastPos[dir] >= p.realSize()) {
            return -1;
        }
        if (f.lastPos[dir] == p.offset() && p.offset() != 0 && add < 0) {
            f.lastPos[dir] = p.realSize() > p.ioSize() ? p.ioSize() : p.realSize();
        }
        long pos = f.lastPos[dir] - p.offset();
        if (pos != 0 && add != 0) {
            pos += add;
            // unsigned in fio: going back past the start wraps to the end
            if (Long.compareUnsigned(pos, p.realSize()) >= 0) {
                if (add > 0) {
                    pos = p.offset();
                } else {
                    pos = (p.realSize() > p.ioSize() ? p.ioSize() : p.realSize()) + add;
                }
            }
        }
        return pos;
    }

    /** fio's get_next_rand_block: a block, starting the file over once in a time-based job; -1 when none. */
    private long randomBlock(FileState f, int dir) {
        long b = randomOffset(f, dir);
        if (b >= 0) {
            return b;
        }
        if (job.timing().timeBased()) {
            f.reset();
            loopListener.accept(f.index);
            return randomOffset(f, dir);
        }
        return -1;
    }

    /** fio's last_block: how many aligned blocks the region holds. */
    private long lastBlock(FileState f, int dir) {
        long max = Math.min(f.plan.ioSize(), f.plan.realSize());
        BlockSizes.Side s = job.bs().side(dir);
        if (s.min() > s.align()) {
            max -= s.min() - s.align();
        }
        return max / s.align();
    }

    private long randomOffset(FileState f, int dir) {
        RandomSpec rs = job.random();
        switch (rs.kind()) {
            case ZIPF, PARETO, NORMAL -> {
                return f.skew.next();
            }
            case ZONED, ZONED_ABS -> {
                return zoned(f, dir, rs.kind() == RandomSpec.Kind.ZONED_ABS);
            }
            default -> {
                long last = f.lastBlock[dir];
                return last == 0 ? -1 : uniform(f, last);
            }
        }
    }

    /** fio's __get_next_rand_offset: uniform over {@code last} blocks, moved to a free one when the map has it. */
    private long uniform(FileState f, long last) {
        long b = blockStream.scaled(last);
        if (f.map == null || f.map.isFree(b)) {
            return b;
        }
        return f.map.nextFree(b);
    }

    private long zoned(FileState f, int dir, boolean absolute) {
        long last = f.lastBlock[dir];
        if (last == 0) {
            return -1;
        }
        long[] idx = zoneIndex[dir];
        if (idx == null) {
            return uniform(f, last);
        }
        int v = (int) zoneStream.between(1, 100);
        int at = 4 * (v - 1);
        if (idx[at] < 0) {
            return uniform(f, last);
        }
        if (absolute) {
            long align = job.bs().side(dir).align();
            long start = idx[at + 2] / align;
            long end = idx[at + 3] / align;
            if (end > last) {
                // fio: "zoned_abs sizes exceed file size", and the file is done
                return -1;
            }
            long b = uniform(f, end - start);
            return b < 0 ? -1 : b + start;
        }
        long start = idx[at];
        long end = idx[at + 1];
        long offset = start != 0 ? start * last / 100 : 0;
        long b = uniform(f, last * (end - start) / 100);
        return b < 0 ? -1 : b + offset;
    }

    /** fio's get_next_buflen: a size from the range or split that fits in what is left of the region. */
    private long nextLength(FileState f, int dir, long offset) {
        BlockSizes.Side s = job.bs().side(dir);
        long min = s.min();
        long max = s.max();
        if (min == max) {
            return min;
        }
        long end = f.plan.ioSize() + f.plan.offset();
        if (offset + min > end) {
            return 0;
        }
        FioRandom r = bsStream[dir];
        long randMax = r.max();
        long len;
        do {
            long v = r.next();
            if (s.split().isEmpty()) {
                len = min + (long) ((double) max * (FioRandom.unsigned(v) / r.maxPlusOne()));
            } else {
                len = 0;
                long perc = 0;
                for (BlockSizes.Split sp : s.split()) {
                    if (sp.percent() == 0) {
                        continue;
                    }
                    len = sp.bs();
                    perc += sp.percent();
                    if (Long.compareUnsigned(Long.divideUnsigned(v, perc), Long.divideUnsigned(randMax, 100)) <= 0
                            && offset + len <= end) {
                        break;
                    }
                }
            }
            if (!job.bs().unaligned()) {
                if (Long.bitCount(min) == 1) {
                    len &= ~(min - 1);
                } else {
                    len -= len % min;
                }
            }
            if (len > max) {
                len = max;
            }
        } while (offset + len > end);
        return len;
    }

}
