package jaio.bench.run;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import jaio.ContextStats;
import jaio.Event;
import jaio.IoBuffers;
import jaio.IoContext;
import jaio.IoFile;
import jaio.Opcode;
import jaio.Request;
import jaio.bench.cli.JobSpec;

/**
 * A job on one of jaio's engines: one context, iodepth requests kept in flight, like fio's
 * libaio or io_uring loop. Prepared requests are submitted at most iodepth_batch_submit per
 * call; each reap is {@code getEvents(min(complete_min, in flight), complete_max)}.
 *
 * <p>The loop allocates nothing per request: a ring of iodepth Requests (userData = slot) and
 * their buffers are made once and re-aimed with {@code offset()} (or re-prepared when a slot
 * switches between read, write and fsync), events are reused, and the submit times of each
 * slot sit in long arrays. One job thread.
 */
final class JaioJob extends Job {
    private static final byte READ = 0;
    private static final byte WRITE = 1;
    private static final byte SYNC = 2;
    /** A reap waiting longer than this means something is stuck: the job reports it. */
    private static final long STUCK_NANOS = TimeUnit.SECONDS.toNanos(60);

    private final int depth;
    private IoContext ctx;
    private IoFile file;
    private Request[] slots;
    private MemorySegment[] buffers;
    private ByteBuffer[] views;
    private byte[] kind;
    private long[] offsets;
    private long[] startedAt;
    private long[] submittedAt;
    private int[] free;
    private int freeCount;
    private Request[] queue;
    private int queued;
    private Event[] events;
    private int inFlight;
    private final BlockStamp stamp = new BlockStamp();
    private ContextStats finalStats;
    private ContextStats statsAtStart;
    /** The verify generation stamped into written blocks (the schedule's). */
    private long generation;

    JaioJob(JobSpec spec, int index) {
        super(spec, index);
        this.depth = spec.iodepth();
    }

    @Override
    public void open() throws IOException, EngineUnavailableException {
        file = spec.direct()
                ? IoFile.open(spec.file(), StandardOpenOption.READ, StandardOpenOption.WRITE, IoFile.DIRECT)
                : IoFile.open(spec.file(), StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
            ctx = IoContext.builder().engine(spec.engine().jaioEngine()).capacity(depth)
                    .name(spec.name() + "." + index).open();
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
            // IllegalArgumentException: a library without the engine built in says so this way.
            file.close();
            throw new EngineUnavailableException("--engine: " + spec.engine().cliName() + " is not available here: " + e.getMessage());
        }
        slots = new Request[depth];
        buffers = new MemorySegment[depth];
        views = new ByteBuffer[depth];
        kind = new byte[depth];
        offsets = new long[depth];
        startedAt = new long[depth];
        submittedAt = new long[depth];
        free = new int[depth];
        queue = new Request[depth];
        events = new Event[spec.completeMax()];
        for (int i = 0; i < events.length; i++) {
            events[i] = new Event();
        }
        for (int i = 0; i < depth; i++) {
            buffers[i] = spec.direct() ? IoBuffers.forDirectIo(file, spec.bs()) : IoBuffers.allocate(spec.bs());
            views[i] = buffers[i].asByteBuffer();
            for (long p = 0; p + 8 <= spec.bs(); p += 8) {
                buffers[i].set(java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED, p, workload.nextLong());
            }
            slots[i] = Request.pread(file, buffers[i], 0).userData(i);
            kind[i] = READ;
            free[freeCount++] = i;
        }
    }

    @Override
    public String engineName() {
        return ctx == null ? spec.engine().cliName() : ctx.engine().shortName();
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
    public void run(Schedule schedule) {
        beginMeasuring(schedule.start());
        generation = schedule.generation();
        boolean issuing = true;
        long waitedSince = 0;
        while (true) {
            if (issuing) {
                prepare();
                submitQueued();
            }
            if (inFlight == 0 && (!issuing || queued == 0)) {
                break;
            }
            int min = Math.min(spec.completeMin(), inFlight);
            int n = ctx.getEvents(min, spec.completeMax(), events, TimeUnit.SECONDS.toNanos(1), TimeUnit.NANOSECONDS);
            long now = System.nanoTime();
            if (!stats.measuring && schedule.rampOver(now)) {
                // Before recording: what completes from now on counts.
                stats.startMeasuring();
                beginMeasuring(now);
                statsAtStart = ctx.stats();
            }
            for (int i = 0; i < n; i++) {
                complete(events[i], now);
            }
            inFlight -= n;
            if (n > 0) {
                waitedSince = 0;
                progressIos.add(n);
                progressBytes.add((long) n * spec.bs());
                stats.lastCompletion = now;
            } else if (min > 0) {
                if (waitedSince == 0) {
                    waitedSince = now;
                } else if (now - waitedSince > STUCK_NANOS) {
                    stats.error("no completion for 60 s with " + inFlight + " requests in flight");
                    break;
                }
            }
            if (issuing && (schedule.over(now) || stats.errors() > 0)) {
                issuing = false;
            }
        }
        endMeasuring();
        finalStats = minus(ctx.stats(), statsAtStart);
    }

    /** The counters' growth since {@code start} (null: since the context opened). */
    private static ContextStats minus(ContextStats end, ContextStats start) {
        if (start == null) {
            return end;
        }
        return new ContextStats(end.submitted() - start.submitted(), end.completed() - start.completed(),
                end.reaped() - start.reaped(), end.retries() - start.retries(), end.punted() - start.punted(),
                end.eagain() - start.eagain(), end.canceled() - start.canceled(), end.bounced() - start.bounced(),
                end.errors() - start.errors(), end.wakeups() - start.wakeups(), end.inFlight(), end.unreaped());
    }

    /** Fills the submit queue from the free slots. */
    private void prepare() {
        while (freeCount > 0 && queued < depth) {
            if (workload.syncDue()) {
                int slot = free[--freeCount];
                slots[slot].prepSync(Opcode.FSYNC, file);
                kind[slot] = SYNC;
                workload.syncIssued();
                queue[queued++] = slots[slot];
                continue;
            }
            if (!workload.more()) {
                return;
            }
            int slot = free[--freeCount];
            boolean write = workload.nextIsWrite();
            long off = workload.nextOffset(write);
            offsets[slot] = off;
            Request r = slots[slot];
            if (write) {
                if (written != null) {
                    views[slot].clear();
                    stamp.stamp(views[slot], off, generation);
                }
                if (kind[slot] != WRITE) {
                    r.prepPwrite(file, buffers[slot], off);
                    kind[slot] = WRITE;
                } else {
                    r.offset(off);
                }
            } else if (kind[slot] != READ) {
                r.prepPread(file, buffers[slot], off);
                kind[slot] = READ;
            } else {
                r.offset(off);
            }
            queue[queued++] = r;
        }
    }

    /** Submits what is queued, at most iodepth_batch_submit per call, until all is in or there is no room. */
    private void submitQueued() {
        int done = 0;
        while (done < queued) {
            int chunk = Math.min(spec.batchSubmit(), queued - done);
            long t0 = System.nanoTime();
            int k = ctx.submit(queue, done, chunk);
            long t1 = System.nanoTime();
            for (int i = done; i < done + k; i++) {
                int slot = (int) queue[i].userData();
                startedAt[slot] = t0;
                submittedAt[slot] = t1;
            }
            inFlight += k;
            done += k;
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

    private void complete(Event e, long now) {
        int slot = (int) e.userData();
        long res = e.result();
        long slat = submittedAt[slot] - startedAt[slot];
        long clat = now - submittedAt[slot];
        switch (kind[slot]) {
            case SYNC -> {
                if (res < 0) {
                    stats.error("fsync: " + e.errnoName());
                } else {
                    stats.sync.record(0, slat, clat);
                }
            }
            case WRITE -> {
                if (res != spec.bs()) {
                    stats.error(describe("write", slot, res));
                } else {
                    stats.write.record(res, slat, clat);
                    if (written != null) {
                        written.set((int) (offsets[slot] / spec.bs()));
                    }
                }
            }
            default -> {
                if (res != spec.bs()) {
                    stats.error(describe("read", slot, res));
                } else {
                    stats.read.record(res, slat, clat);
                    if (spec.verify()) {
                        ByteBuffer v = views[slot];
                        v.clear();
                        String bad = stamp.check(v, offsets[slot], -1);
                        if (bad == null) {
                            stats.verifiedOk();
                        } else {
                            stats.mismatch(offsets[slot], bad);
                        }
                    }
                }
            }
        }
        free[freeCount++] = slot;
    }

    private String describe(String what, int slot, long res) {
        return what + " at offset " + offsets[slot] + ": "
                + (res < 0 ? jaio.Errno.name(res) : res + " of " + spec.bs() + " bytes");
    }

    @Override
    public void close() {
        if (ctx != null) {
            ctx.close();
        }
        if (file != null) {
            file.close();
        }
    }
}
