package jaio.bench.run;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import jaio.Errno;
import jaio.IoBuffers;
import jaio.IoFile;
import jaio.bench.plan.IoSequence;
import jaio.bench.plan.JobSpec;
import jaio.posix.Aiocb;
import jaio.posix.PosixAio;

/**
 * A clone on jaio's POSIX AIO facade ({@code --ioengine=posix}, fio's {@code posixaio}): the
 * facade over the automatic engine, driven the way fio's posixaio engine drives glibc. Each
 * request is queued with aio_read, aio_write or aio_fsync, or, with iodepth_batch_submit above
 * 1, a batch with one lio_listio. Reaping scans the blocks in flight with aio_error, takes each
 * done one with aio_return, and while fewer than iodepth_batch_complete_min are done waits in
 * aio_suspend on those still in progress. A rate holds the next request back (the others stay
 * in flight); thinktime, verify_backlog, iodepth_low and the io_uring options do not apply.
 *
 * <p>The loop allocates nothing per request: iodepth blocks and their buffers are made once and
 * re-aimed (the facade reuses a block's request when only the offset moves). One job thread;
 * completions are taken by the facade's context, which reaps by itself.
 */
final class PosixJob extends Job {
    private static final long STUCK_NANOS = TimeUnit.SECONDS.toNanos(60);

    private final JobSpec.Depth d;
    private final int depth;
    private final long maxBs;
    private PosixAio aio;
    private IoFile[] files;
    private Aiocb[] blocks;
    private MemorySegment[] buffers;
    private int[] dir;
    private int[] fileOf;
    private long[] expectGen;
    private boolean[] readBackSlot;
    private boolean[] inFlight;
    private long[] startedAt;
    private long[] submittedAt;
    private int[] free;
    private int freeCount;
    private Aiocb[] batch;
    private int[] batchSlot;
    private Aiocb[] pending;
    private int flying;
    private final IoSequence.Unit unit = new IoSequence.Unit();
    private boolean held;
    private final BlockStamp stamp;

    PosixJob(Clone clone) {
        super(clone);
        this.d = spec.depth();
        this.depth = d.iodepth();
        this.maxBs = spec.bs().maxOfAll();
        this.stamp = newStamp();
        // its reap loop counts each batch (it used to be counted twice, per request as well)
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
            aio = PosixAio.builder().maxOutstanding(depth).name(clone.label()).open();
        } catch (UnsupportedOperationException | IllegalArgumentException ex) {
            close();
            throw new EngineUnavailableException("--engine: posix is not available here: " + ex.getMessage());
        } catch (IOException ex) {
            close();
            throw ex;
        }
        blocks = new Aiocb[depth];
        buffers = new MemorySegment[depth];
        dir = new int[depth];
        fileOf = new int[depth];
        expectGen = new long[depth];
        readBackSlot = new boolean[depth];
        inFlight = new boolean[depth];
        startedAt = new long[depth];
        submittedAt = new long[depth];
        free = new int[depth];
        pending = new Aiocb[depth];
        int b = Math.min(Math.max(1, d.batchSubmit()), PosixAio.AIO_LISTIO_MAX);
        batch = new Aiocb[b];
        batchSlot = new int[b];
        long x = 0x9E3779B97F4A7C15L * clone.thread() ^ 0x2545F4914F6CDD1DL;
        for (int i = 0; i < depth; i++) {
            buffers[i] = spec.direct() ? IoBuffers.forDirectIo(files[0], maxBs) : IoBuffers.allocate(maxBs);
            for (long p = 0; p + 8 <= maxBs; p += 8) {
                x ^= x << 13;
                x ^= x >>> 7;
                x ^= x << 17;
                buffers[i].set(ValueLayout.JAVA_LONG_UNALIGNED, p, x);
            }
            blocks[i] = new Aiocb().aio_buf(buffers[i]);
            free[freeCount++] = i;
        }
    }

    @Override
    public String engineName() {
        return aio == null ? "posix" : "posix/" + aio.engine().shortName();
    }

    /** Completions are taken on the facade's reaper thread: only the process's rusage covers all the I/O. */
    @Override
    protected boolean jobThreadDoesIo() {
        return false;
    }

    @Override
    protected void mainLoop() {
        boolean timeBased = spec.timing().timeBased();
        drive((u, now) -> !schedule.over(now) && seq.next(u, timeBased), true, false);
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
        }, false, false);
    }

    @Override
    protected void readBack(WrittenBlocks w) {
        drive(Source.readBack(w), false, true);
    }

    /** Keeps requests from {@code src} in flight until it has no more and all have completed. */
    private void drive(Source src, boolean main, boolean readBack) {
        boolean exhausted = false;
        long waitedSince = 0;
        while (true) {
            long now = System.nanoTime();
            long hold = 0;
            if (!exhausted && stats.errors() == 0) {
                hold = issue(src, main, readBack, now);
                if (hold < 0) {
                    exhausted = true;
                }
            }
            if (flying == 0) {
                if (exhausted || stats.errors() > 0) {
                    return;
                }
                if (hold > 0) {
                    LockSupport.parkNanos(Math.min(hold, TimeUnit.MILLISECONDS.toNanos(100)));
                    if (main && schedule.over(System.nanoTime())) {
                        exhausted = true;
                    }
                }
                continue;
            }
            int n = reap(Math.min(d.completeMin(), flying), hold > 0 ? hold : TimeUnit.SECONDS.toNanos(1), main);
            now = System.nanoTime();
            if (n > 0) {
                waitedSince = 0;
            } else if (hold <= 0) {
                if (waitedSince == 0) {
                    waitedSince = now;
                } else if (now - waitedSince > STUCK_NANOS) {
                    stats.error("no completion for 60 s with " + flying + " requests in flight");
                    return;
                }
            }
            if (main && schedule.over(now)) {
                exhausted = true;
                held = false;
            }
        }
    }

    /**
     * Queues requests from the source into the free blocks.
     *
     * @return 0 when the blocks are all in flight, a positive wait when the rate holds the next
     *         request back, -1 when the source has no more
     */
    private long issue(Source src, boolean main, boolean readBack, long now) {
        int queued = 0;
        long r = 0;
        while (freeCount > 0) {
            if (!held) {
                if (!src.next(unit, now)) {
                    r = -1;
                    break;
                }
                held = true;
            }
            if (main) {
                long wait = pacer.wait(unit.dir, now);
                if (wait > 0) {
                    r = wait;
                    break;
                }
                pacer.issued(unit.dir, unit.length);
            }
            held = false;
            int slot = free[--freeCount];
            aim(slot, readBack);
            issued(now, unit);
            Aiocb cb = blocks[slot];
            if (unit.dir == IoSequence.SYNC || unit.dir == IoSequence.DATASYNC || batch.length == 1) {
                long t0 = System.nanoTime();
                int rc = switch (unit.dir) {
                    case IoSequence.SYNC -> aio.aio_fsync(PosixAio.O_SYNC, cb);
                    case IoSequence.DATASYNC -> aio.aio_fsync(PosixAio.O_DSYNC, cb);
                    case IoSequence.WRITE -> aio.aio_write(cb);
                    default -> aio.aio_read(cb);
                };
                started(slot, rc == 0, t0, System.nanoTime());
            } else {
                batch[queued] = cb;
                batchSlot[queued++] = slot;
                if (queued == batch.length) {
                    flush(queued);
                    queued = 0;
                }
            }
            if (stats.errors() > 0) {
                break;
            }
        }
        if (queued > 0) {
            flush(queued);
        }
        return r;
    }

    /** Points a block at the unit; the facade reuses its request when only the offset changed. */
    private void aim(int slot, boolean readBack) {
        Aiocb cb = blocks[slot];
        dir[slot] = unit.dir;
        fileOf[slot] = unit.file;
        cb.aio_fildes(files[unit.file]);
        if (unit.dir == IoSequence.SYNC || unit.dir == IoSequence.DATASYNC) {
            return;
        }
        readBackSlot[slot] = readBack;
        expectGen[slot] = readBack ? generation() : -1;
        if (unit.dir == IoSequence.WRITE && spec.verify().on()) {
            ByteBuffer v = buffers[slot].asSlice(0, unit.length).asByteBuffer();
            stamp.stamp(v, unit.offset, generation());
        }
        cb.aio_offset(unit.offset).aio_nbytes(unit.length)
                .aio_lio_opcode(unit.dir == IoSequence.WRITE ? PosixAio.LIO_WRITE : PosixAio.LIO_READ);
    }

    private void flush(int n) {
        long t0 = System.nanoTime();
        aio.lio_listio(PosixAio.LIO_NOWAIT, batch, n, null);
        long t1 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            int e = aio.aio_error(batch[i]);
            started(batchSlot[i], e == Errno.EINPROGRESS || e == 0, t0, t1);
            batch[i] = null;
        }
    }

    private void started(int slot, boolean ok, long t0, long t1) {
        if (!ok) {
            Aiocb cb = blocks[slot];
            int e = aio.aio_error(cb);
            aio.aio_return(cb);
            stats.error("aio submit: " + Errno.name(e == -1 ? PosixAio.errno() : e));
            free[freeCount++] = slot;
            return;
        }
        startedAt[slot] = t0;
        submittedAt[slot] = t1;
        inFlight[slot] = true;
        flying++;
        stats.depth(flying);
    }

    /**
     * fio's posixaio reap: aio_error over the blocks in flight, aio_return for each done one,
     * and while fewer than {@code min} are done, aio_suspend on those still in progress.
     */
    private int reap(int min, long timeoutNanos, boolean main) {
        int got = 0;
        long bytes = 0;
        Duration timeout = Duration.ofNanos(timeoutNanos);
        while (true) {
            int waiting = 0;
            long now = System.nanoTime();
            for (int slot = 0; slot < depth; slot++) {
                if (!inFlight[slot]) {
                    continue;
                }
                Aiocb cb = blocks[slot];
                int err = aio.aio_error(cb);
                if (err == Errno.EINPROGRESS) {
                    pending[waiting++] = cb;
                    continue;
                }
                if (main && got == 0) {
                    checkRamp(now);
                }
                long res = aio.aio_return(cb);
                inFlight[slot] = false;
                flying--;
                bytes += complete(slot, res < 0 ? -err : res, now);
                got++;
            }
            if (got >= min || waiting == 0) {
                break;
            }
            int r = aio.aio_suspend(pending, waiting, timeout);
            for (int i = 0; i < waiting; i++) {
                pending[i] = null;
            }
            if (r == -1) {
                break; // the timeout passed: the caller looks at the schedule and the rate
            }
        }
        if (got > 0) {
            progressed(got, bytes);
        }
        return got;
    }

    /** Records one completion; returns the bytes it moved. */
    private long complete(int slot, long res, long now) {
        long slat = submittedAt[slot] - startedAt[slot];
        long clat = now - submittedAt[slot];
        Aiocb cb = blocks[slot];
        free[freeCount++] = slot;
        switch (dir[slot]) {
            case IoSequence.SYNC, IoSequence.DATASYNC -> {
                if (res < 0) {
                    stats.error("fsync of " + path(fileOf[slot]) + ": " + Errno.name(res));
                } else {
                    stats.sync.record(0, slat, clat);
                }
                return 0;
            }
            case IoSequence.WRITE -> {
                if (res != cb.aio_nbytes()) {
                    stats.error(describe("write", slot, res));
                } else {
                    writeDone(stats, fileOf[slot], cb.aio_offset(), res, slat, clat, now);
                }
            }
            default -> {
                if (res != cb.aio_nbytes()) {
                    stats.error(describe("read", slot, res));
                } else {
                    ByteBuffer v = spec.verify().on() ? buffers[slot].asSlice(0, res).asByteBuffer() : null;
                    readDone(stats, stamp, fileOf[slot], cb.aio_offset(), res, v, slat, clat, now, expectGen[slot],
                            readBackSlot[slot]);
                }
            }
        }
        return Math.max(0, res);
    }

    private String describe(String what, int slot, long res) {
        Aiocb cb = blocks[slot];
        return what + " at offset " + cb.aio_offset() + (files.length > 1 ? " of " + path(fileOf[slot]) : "") + ": "
                + (res < 0 ? Errno.name(res) : res + " of " + cb.aio_nbytes() + " bytes");
    }

    @Override
    public void close() {
        if (aio != null) {
            aio.close();
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
