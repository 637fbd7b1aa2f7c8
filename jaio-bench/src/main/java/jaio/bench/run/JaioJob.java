package jaio.bench.run;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import jaio.ContextStats;
import jaio.Event;
import jaio.IoBuffers;
import jaio.IoContext;
import jaio.IoFile;
import jaio.Opcode;
import jaio.Request;
import jaio.RequestFlag;
import jaio.bench.plan.IoSequence;
import jaio.bench.plan.JobSpec;

/**
 * A clone on one of jaio's engines: one context, up to iodepth requests kept in flight, like
 * fio's libaio or io_uring loop. Prepared requests are submitted at most iodepth_batch_submit
 * per call; each reap is {@code getEvents(min(complete_min, in flight), complete_max)}. After
 * the queue fills, iodepth_low lets it drain before filling again; a rate limit holds the next
 * request back until its time (with the others still in flight); thinktime drains the queue and
 * stalls; verify_backlog drains and reads back what was written.
 *
 * <p>The loop allocates nothing per request: a ring of iodepth Requests (userData = slot) and
 * their buffers are made once and re-aimed with {@code offset()} (or re-prepared when a slot
 * changes file, direction or length; the slices of each length are cached per slot), events
 * are reused, and the times of each slot sit in long arrays. One job thread.
 */
final class JaioJob extends Job {
    private static final byte READ = 0;
    private static final byte WRITE = 1;
    private static final byte SYNC = 2;
    private static final byte NONE = 3;
    /** A reap waiting longer than this means something is stuck: the job reports it. */
    private static final long STUCK_NANOS = TimeUnit.SECONDS.toNanos(60);

    private final int depth;
    private final JobSpec.Depth d;
    private final long minBs;
    private final long maxBs;
    private IoContext ctx;
    private IoFile[] files;
    private Request[] slots;
    private MemorySegment[] buffers;
    /** Per slot, the slice, view and one-segment vector of each length seen. */
    private SlotBuffers mem;
    private byte[] kind;
    private int[] fileOf;
    private long[] lenOf;
    private long[] offsets;
    private long[] expectGen;
    private boolean[] readBackSlot;
    private long[] startedAt;
    private long[] submittedAt;
    private int[] free;
    private int freeCount;
    private Request[] queue;
    private int queued;
    private Event[] events;
    private int inFlight;
    private final IoSequence.Unit unit = new IoSequence.Unit();
    private boolean held;
    private final BlockStamp stamp;
    private ContextStats finalStats;
    private ContextStats statsAtStart;

    JaioJob(Clone clone) {
        super(clone);
        this.d = spec.depth();
        this.depth = d.iodepth();
        this.minBs = spec.bs().minOfAll();
        this.maxBs = spec.bs().maxOfAll();
        this.stamp = newStamp();
        this.batchedProgress = true;
    }

    @Override
    public void open() throws IOException, EngineUnavailableException {
        List<jaio.bench.plan.FileLayout.PlannedFile> pf = clone.layout().files();
        files = new IoFile[pf.size()];
        try {
            for (int i = 0; i < files.length; i++) {
                files[i] = spec.direct()
                        ? IoFile.open(pf.get(i).path(), StandardOpenOption.READ, StandardOpenOption.WRITE, IoFile.DIRECT)
                        : IoFile.open(pf.get(i).path(), StandardOpenOption.READ, StandardOpenOption.WRITE);
                DataFile.advise(spec, files[i]);
            }
        } catch (IOException ex) {
            close();
            throw ex;
        }
        if (!spec.engine().singleIssuer()) {
            openContext();
        }
    }

    /**
     * single_issuer: the context is opened, used and closed by the job thread, which owns it
     * (IoContext.Builder.singleIssuer); the others are opened before the jobs start.
     */
    @Override
    protected void begin() throws IOException {
        if (spec.engine().singleIssuer()) {
            try {
                openContext();
            } catch (EngineUnavailableException e) {
                throw new IOException(e.getMessage(), e);
            }
        }
    }

    /** Opens the context and lays out the slots and buffers. */
    private void openContext() throws IOException, EngineUnavailableException {
        try {
            JobSpec.EngineSpec e = spec.engine();
            IoContext.Builder b = IoContext.builder().engine(e.engine().jaioEngine()).capacity(depth)
                    .name(clone.label()).registerFiles(e.registerFiles()).sqPoll(e.sqPoll());
            if (e.fixedBufs()) {
                b.registeredBuffers(depth, (int) maxBs);
            }
            if (e.singleIssuer()) {
                b.singleIssuer();
            }
            ctx = b.open();
        } catch (UnsupportedOperationException | IllegalArgumentException ex) {
            // IllegalArgumentException: a library without the engine built in says so this way.
            close();
            throw new EngineUnavailableException("--engine: " + spec.engine().engine().cliName() + " is not available here: "
                    + ex.getMessage());
        } catch (IOException ex) {
            close();
            throw ex;
        }
        if (spec.engine().hipri() && !ctx.engineInfo().flags().contains(RequestFlag.HIPRI)) {
            String why = Hipri.refusal(ctx.engineInfo(), clone.layout().files().get(0).path());
            close();
            throw new EngineUnavailableException(why);
        }
        slots = new Request[depth];
        buffers = new MemorySegment[depth];
        kind = new byte[depth];
        fileOf = new int[depth];
        lenOf = new long[depth];
        offsets = new long[depth];
        expectGen = new long[depth];
        readBackSlot = new boolean[depth];
        startedAt = new long[depth];
        submittedAt = new long[depth];
        free = new int[depth];
        queue = new Request[depth];
        events = new Event[d.completeMax()];
        for (int i = 0; i < events.length; i++) {
            events[i] = new Event();
        }
        FillSeed fill = new FillSeed(clone.thread());
        for (int i = 0; i < depth; i++) {
            if (spec.engine().fixedBufs()) {
                buffers[i] = ctx.registeredBuffers().get(i).asSlice(0, maxBs);
            } else {
                buffers[i] = spec.direct() ? IoBuffers.forDirectIo(files[0], maxBs) : IoBuffers.allocate(maxBs);
            }
            for (long p = 0; p + 8 <= maxBs; p += 8) {
                buffers[i].set(ValueLayout.JAVA_LONG_UNALIGNED, p, fill.next());
            }
            slots[i] = Request.pread(files[0], buffers[i], 0).userData(i);
            kind[i] = NONE;
            free[freeCount++] = i;
        }
        mem = new SlotBuffers(buffers, minBs, maxBs, spec.bs().unaligned());
    }

    /** Pseudo-random buffer contents (fio's buffers are not zero either). */
    private static final class FillSeed {
        private long x;

        FillSeed(int thread) {
            x = 0x9E3779B97F4A7C15L * thread ^ 0x2545F4914F6CDD1DL;
        }

        long next() {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            return x;
        }
    }

    @Override
    public String engineName() {
        return ctx == null ? spec.engine().engine().cliName() : ctx.engine().shortName();
    }

    @Override
    public List<String> passedOver() {
        return ctx == null ? List.of() : ctx.engineInfo().passedOver();
    }

    @Override
    public ContextStats contextStats() {
        return finalStats;
    }

    @Override
    protected void mainLoop() {
        boolean timeBased = spec.timing().timeBased();
        drive((u, now) -> !schedule.over(now) && seq.next(u, timeBased), true);
    }

    @Override
    protected void finished() {
        if (ctx != null) {
            finalStats = JobStats.growth(ctx.stats(), statsAtStart);
            if (ctx.isSingleIssuer()) {
                // Only the owner, this thread, may close it; close() below then finds it closed.
                ctx.close();
            }
        }
    }

    @Override
    protected void syncFiles() {
        int[] next = {0};
        drive((u, now) -> {
            if (next[0] >= files.length) {
                return false;
            }
            u.dir = IoSequence.SYNC;
            u.file = next[0]++;
            u.offset = 0;
            u.length = 0;
            return true;
        }, false);
    }

    @Override
    protected void readBack(WrittenBlocks blocks) {
        drive(Source.readBack(blocks), false, true);
    }

    private void drive(Source src, boolean main) {
        drive(src, main, false);
    }

    /**
     * Keeps requests from {@code src} in flight until it has no more and all have completed.
     *
     * @param main     the job's own sequence: paced, time limited, with think time and verify backlog
     * @param readBack reads of the read-back phase: checked against this run's generation
     */
    private void drive(Source src, boolean main, boolean readBack) {
        long waitedSince = 0;
        boolean exhausted = false;
        boolean draining = false;
        long holdUntil = 0;
        long sinceThink = 0;
        boolean thinking = false;
        boolean backlogDue = false;
        // One clock read per pass where it can be: the time read after the last reap stands for
        // the start of the requests prepared next (a pass that waited reads it again).
        long now = System.nanoTime();
        while (true) {
            if (!exhausted && !thinking && !backlogDue && stats.errors() == 0) {
                if (draining && inFlight <= d.low()) {
                    draining = false;
                }
                if (!draining && now - holdUntil >= 0) {
                    long wait = prepare(src, main, readBack, now);
                    if (wait < 0) {
                        exhausted = true;
                    } else if (wait > 0) {
                        holdUntil = now + wait;
                    }
                }
                submitQueued(now);
                if (d.low() < depth && inFlight >= depth) {
                    draining = true;
                }
            }
            if (inFlight == 0 && queued == 0) {
                if (exhausted || stats.errors() > 0) {
                    return;
                }
                if (thinking) {
                    think();
                    thinking = false;
                    sinceThink = 0;
                    now = System.nanoTime();
                    continue;
                }
                if (backlogDue) {
                    drive(Source.readBack(backlog), false, true);
                    if (written != null) {
                        written.removeAll(backlog);
                    }
                    backlog.clear();
                    backlogDue = false;
                    now = System.nanoTime();
                    continue;
                }
                if (holdUntil - now > 0) {
                    // nothing in flight: sleep until the rate allows the next request
                    LockSupport.parkNanos(Math.min(holdUntil - now, TimeUnit.MILLISECONDS.toNanos(100)));
                    now = System.nanoTime();
                    if (main && schedule.over(now)) {
                        exhausted = true;
                    }
                    continue;
                }
                if (queued == 0 && !exhausted) {
                    now = System.nanoTime();
                    continue;
                }
            }
            int min = Math.min(d.completeMin(), inFlight);
            long timeout = TimeUnit.SECONDS.toNanos(1);
            if (holdUntil - now > 0) {
                timeout = Math.max(1, holdUntil - now);
                min = Math.min(min, 1);
            }
            int n = ctx.getEvents(min, d.completeMax(), events, timeout, TimeUnit.NANOSECONDS);
            now = System.nanoTime();
            if (main && restartDue(now)) {
                // Before recording: what completes from now on counts (at the ramp's end; before
                // it, a restart for nothing: Job.restart says why).
                restart(now);
                statsAtStart = ctx.stats();
            }
            long bytes = 0;
            for (int i = 0; i < n; i++) {
                bytes += complete(events[i], now);
            }
            inFlight -= n;
            if (n > 0) {
                progressed(n, bytes);
                waitedSince = 0;
                sinceThink += n;
            } else if (min > 0) {
                if (waitedSince == 0) {
                    waitedSince = now;
                } else if (now - waitedSince > STUCK_NANOS) {
                    stats.error("no completion for 60 s with " + inFlight + " requests in flight");
                    return;
                }
            }
            if (main) {
                if (spec.pace().thinktime() > 0 && sinceThink >= spec.pace().thinktimeBlocks()) {
                    thinking = true;
                }
                if (backlog != null && backlog.count() >= spec.verify().backlog()) {
                    backlogDue = true;
                }
                if (schedule.over(now)) {
                    exhausted = true;
                    held = false;
                }
            }
        }
    }

    /** fio's thinktime: spin for thinktime_spin, sleep for the rest. */
    private void think() {
        long spin = spec.pace().thinktimeSpin();
        long t0 = System.nanoTime();
        while (System.nanoTime() - t0 < spin) {
            Thread.onSpinWait();
        }
        long rest = spec.pace().thinktime() - spin;
        if (rest > 0) {
            LockSupport.parkNanos(rest);
        }
    }

    /**
     * Fills the submit queue from the free slots.
     *
     * @return 0 when the queue is full or filled, a positive wait when the rate holds the next
     *         request back, -1 when the source has no more
     */
    private long prepare(Source src, boolean main, boolean readBack, long now) {
        while (freeCount > 0) {
            if (!held) {
                if (!src.next(unit, now)) {
                    return -1;
                }
                held = true;
            }
            if (main) {
                long wait = pacer.wait(unit.dir, now);
                if (wait > 0) {
                    return wait;
                }
            }
            held = false;
            int slot = free[--freeCount];
            aim(slot, unit, readBack);
            if (main) {
                pacer.issued(unit.dir, unit.length);
            }
            issued(now, unit);
            queue[queued++] = slots[slot];
        }
        return 0;
    }

    /** Points a slot's request at the unit: the cheap offset() when only the offset changes. */
    private void aim(int slot, IoSequence.Unit u, boolean readBack) {
        Request r = slots[slot];
        IoFile f = files[u.file];
        if (u.dir == IoSequence.SYNC || u.dir == IoSequence.DATASYNC) {
            if (spec.engine().hipri()) {
                r.flags();
            }
            r.prepSync(u.dir == IoSequence.SYNC ? Opcode.FSYNC : Opcode.FDSYNC, f);
            kind[slot] = SYNC;
            fileOf[slot] = u.file;
            return;
        }
        byte k = u.dir == IoSequence.WRITE ? WRITE : READ;
        offsets[slot] = u.offset;
        readBackSlot[slot] = readBack;
        expectGen[slot] = readBack ? generation() : -1;
        if (k == WRITE && spec.verify().on()) {
            ByteBuffer v = mem.view(slot, u.length);
            v.clear();
            stamp.stamp(v, u.offset, generation());
        }
        if (kind[slot] == k && fileOf[slot] == u.file && lenOf[slot] == u.length) {
            r.offset(u.offset);
            return;
        }
        if ((kind[slot] == SYNC || kind[slot] == NONE) && spec.engine().hipri()) {
            // transfers poll (RWF_HIPRI); syncs carry no flags
            r.flag(RequestFlag.HIPRI);
        }
        MemorySegment seg = mem.slice(slot, u.length);
        if (spec.engine().vectored()) {
            MemorySegment[] vec = mem.vector(slot, u.length, seg);
            if (k == WRITE) {
                r.prepPwritev(f, vec, u.offset);
            } else {
                r.prepPreadv(f, vec, u.offset);
            }
        } else if (k == WRITE) {
            r.prepPwrite(f, seg, u.offset);
        } else {
            r.prepPread(f, seg, u.offset);
        }
        kind[slot] = k;
        fileOf[slot] = u.file;
        lenOf[slot] = u.length;
    }

    /**
     * Submits what is queued, at most iodepth_batch_submit per call, until all is in or there is
     * no room. {@code prepared}: when the queued requests were prepared, where their submission
     * latency starts (fio's slat starts when it sets up the I/O unit, too); each later call's
     * starts where the one before returned.
     */
    private void submitQueued(long prepared) {
        int done = 0;
        long t0 = prepared;
        while (done < queued) {
            int chunk = Math.min(d.batchSubmit(), queued - done);
            int k;
            try {
                k = ctx.submit(queue, done, chunk);
            } catch (jaio.InvalidRequestException e) {
                // the engine refuses what the job asks (hipri without O_DIRECT, say): the job ends with the reason
                stats.error(e.getMessage());
                for (int i = done; i < queued; i++) {
                    free[freeCount++] = (int) queue[i].userData();
                    queue[i] = null;
                }
                queued = done;
                return;
            }
            long t1 = System.nanoTime();
            for (int i = done; i < done + k; i++) {
                int slot = (int) queue[i].userData();
                startedAt[slot] = t0;
                submittedAt[slot] = t1;
                stats.depth(inFlight + 1 + i - done);
            }
            inFlight += k;
            done += k;
            t0 = t1;
            if (k < chunk) {
                break;
            }
        }
        if (done < queued) {
            System.arraycopy(queue, done, queue, 0, queued - done);
        }
        for (int i = queued - done; i < queued; i++) {
            queue[i] = null;
        }
        queued -= done;
    }

    /** Records one completion; returns the bytes it moved. */
    private long complete(Event e, long now) {
        int slot = (int) e.userData();
        long res = e.result();
        long slat = submittedAt[slot] - startedAt[slot];
        long clat = now - submittedAt[slot];
        switch (kind[slot]) {
            case SYNC -> {
                if (res < 0) {
                    stats.error("fsync of " + path(fileOf[slot]) + ": " + e.errnoName());
                } else {
                    stats.sync.record(0, slat, clat);
                }
            }
            case WRITE -> {
                if (res != lenOf[slot]) {
                    stats.error(describe("write", slot, res));
                } else {
                    writeDone(stats, fileOf[slot], offsets[slot], res, slat, clat, now);
                }
            }
            default -> {
                if (res != lenOf[slot]) {
                    stats.error(describe("read", slot, res));
                } else {
                    ByteBuffer v = null;
                    if (spec.verify().on()) {
                        v = mem.view(slot, lenOf[slot]);
                        v.clear();
                    }
                    readDone(stats, stamp, fileOf[slot], offsets[slot], res, v, slat, clat, now, expectGen[slot],
                            readBackSlot[slot]);
                }
            }
        }
        free[freeCount++] = slot;
        return Math.max(0, res);
    }

    private String describe(String what, int slot, long res) {
        return what + " at offset " + offsets[slot] + (files.length > 1 ? " of " + path(fileOf[slot]) : "") + ": "
                + (res < 0 ? jaio.Errno.name(res) : res + " of " + lenOf[slot] + " bytes");
    }

    @Override
    public void close() {
        if (ctx != null && (ctx.isOpen() || !ctx.isSingleIssuer())) {
            ctx.close();
        }
        if (files != null) {
            for (IoFile f : files) {
                if (f != null) {
                    f.close();
                }
            }
        }
    }
}
