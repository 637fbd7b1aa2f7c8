package jaio.bench.soak;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLongArray;
import jaio.CancelResult;
import jaio.Engine;
import jaio.Errno;
import jaio.Event;
import jaio.IoBuffers;
import jaio.IoContext;
import jaio.IoFile;
import jaio.Opcode;
import jaio.Request;

/**
 * One thread runs a soak ({@code ./jaio soak}); inside, one submitting thread and the
 * context's reapers share the ledger and the slots. A mixed workload on one engine: reads
 * and writes of a verified pattern on a file, fsync, noop, timeouts, polls and transfers on
 * pipes, random cancels, and a context closed every so many requests with requests in
 * flight (self-reaping and caller-reaped contexts in turn). Every request is held to the
 * ledger ({@link SoakLedger}): one event each, cancel answers that agree with the events,
 * data as written.
 */
public final class Soak {
    /** What to run: the engine, a count and/or a time limit, requests per context. */
    public record Options(Engine engine, long requests, Duration duration, int closeEvery, long seed) {}

    /** The figures of one run; {@link #ok()} when nothing was lost, duplicated, disagreed or corrupted. */
    public record Result(Engine engine, long accepted, long events, long droppedByClose, long lost, long duplicated,
                         long disagreements, long mismatches, long errors, long cancels, long canceled, int contexts,
                         double seconds, List<String> notes) {
        public boolean ok() {
            return lost == 0 && duplicated == 0 && disagreements == 0 && mismatches == 0 && errors == 0;
        }
    }

    static final int BLOCK = 4096;
    /** Blocks 0..READ_BLOCKS-1 hold version 0 and are only read; the next WRITE_BLOCKS are rewritten. */
    static final int READ_BLOCKS = 1024;
    static final int WRITE_BLOCKS = 1024;
    static final int DEPTH = 64;
    static final int PIPES = 4;
    /** No event for this long: the soak reports a hang and stops. */
    static final long STALL_NANOS = TimeUnit.SECONDS.toNanos(30);

    private final Options o;
    private final Path file;
    private final SoakLedger ledger;
    private final SplittableRandom rnd;
    /** Per written block: the version it holds, or -1 when unknown (a write that did not complete). */
    final AtomicLongArray versions = new AtomicLongArray(WRITE_BLOCKS);
    /** Per written block: 1 while a request on it is in flight. */
    final AtomicIntegerArray busy = new AtomicIntegerArray(WRITE_BLOCKS);
    private final Slot[] slots = new Slot[DEPTH];
    private long nextId;
    private long nextVersion = 1;
    private volatile long lastEventNanos;

    private Soak(Options o, Path file) {
        this.o = o;
        this.file = file;
        this.ledger = new SoakLedger(o.closeEvery() + 4 * DEPTH);
        this.rnd = new SplittableRandom(o.seed());
        for (int i = 0; i < DEPTH; i++) {
            slots[i] = new Slot(this);
        }
    }

    /**
     * Runs the soak in {@code dir} (a data file of 8 MiB is made there and removed after).
     *
     * @throws IOException when the engine cannot be opened or the file made
     */
    public static Result run(Options o, Path dir) throws IOException, InterruptedException {
        Path f = Files.createTempFile(dir, "jaio-soak", ".dat");
        try {
            byte[] b = new byte[(READ_BLOCKS + WRITE_BLOCKS) * BLOCK];
            MemorySegment s = MemorySegment.ofArray(b);
            for (int blk = 0; blk < READ_BLOCKS + WRITE_BLOCKS; blk++) {
                fill(s.asSlice((long) blk * BLOCK, BLOCK), blk, 0);
            }
            Files.write(f, b);
            return new Soak(o, f).run();
        } finally {
            Files.deleteIfExists(f);
        }
    }

    private Result run() throws IOException, InterruptedException {
        for (int i = 0; i < WRITE_BLOCKS; i++) {
            versions.set(i, 0);
        }
        long t0 = System.nanoTime();
        long deadline = o.duration() == null ? Long.MAX_VALUE : t0 + o.duration().toNanos();
        int contexts = 0;
        boolean stalled = false;
        try (IoFile data = IoFile.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            while (!stalled && nextId < o.requests() && System.nanoTime() < deadline) {
                boolean selfReaping = contexts % 2 == 0;
                stalled = !oneContext(data, selfReaping, deadline);
                contexts++;
            }
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        if (stalled) {
            ledger.note(o.engine().shortName() + ": no event for " + STALL_NANOS / 1_000_000_000 + " s: stopped");
        }
        return new Result(o.engine(), ledger.accepted, ledger.events, ledger.droppedByClose, ledger.lost,
                ledger.duplicated, ledger.disagreements, ledger.mismatches.get(), ledger.errors, ledger.cancels,
                ledger.canceled, contexts, secs, ledger.notes());
    }

    /** One context's life: up to closeEvery requests, then a close with requests in flight. False on a hang. */
    private boolean oneContext(IoFile data, boolean selfReaping, long deadline)
            throws IOException, InterruptedException {
        Round round = new Round(this, data, selfReaping);
        long from = nextId;
        long until = Math.min(o.requests(), from + o.closeEvery());
        boolean ok = true;
        try {
            ok = round.submitUntil(until, deadline);
        } finally {
            round.close();
            long to = nextId;
            ledger.settle(from, to, !selfReaping, o.engine().shortName());
            round.afterClose();
        }
        return ok;
    }

    // ------------------------------------------------------------------ shared with Round and Slot

    SoakLedger ledger() {
        return ledger;
    }

    SplittableRandom rnd() {
        return rnd;
    }

    Slot[] slots() {
        return slots;
    }

    long takeId() {
        return nextId;
    }

    void accepted() {
        nextId++;
    }

    long newVersion() {
        return nextVersion++;
    }

    void sawEvent() {
        lastEventNanos = System.nanoTime();
    }

    boolean stalledSince(long sinceNanos) {
        long last = Math.max(lastEventNanos, sinceNanos);
        return System.nanoTime() - last > STALL_NANOS;
    }

    String engineName() {
        return o.engine().shortName();
    }

    Engine engine() {
        return o.engine();
    }

    /** Fills a block with its pattern: longs derived from the block, the version and the position. */
    static void fill(MemorySegment blk, long block, long version) {
        for (int i = 0; i < BLOCK; i += 8) {
            blk.set(ValueLayout.JAVA_LONG_UNALIGNED, i, word(block, version, i));
        }
    }

    /** The first offset where {@code blk} differs from its pattern, or -1. */
    static int verify(MemorySegment blk, long block, long version) {
        for (int i = 0; i < BLOCK; i += 8) {
            if (blk.get(ValueLayout.JAVA_LONG_UNALIGNED, i) != word(block, version, i)) {
                return i;
            }
        }
        return -1;
    }

    private static long word(long block, long version, int at) {
        long x = block * 0x9E3779B97F4A7C15L ^ version * 0xC2B2AE3D27D4EB4FL ^ at * 0x165667B19E3779F9L;
        return x ^ (x >>> 29);
    }

    /** The opcodes the engine offers (TIMEOUT and POLL are not everywhere). */
    static boolean offers(IoContext ctx, Opcode op) {
        return ctx.engineInfo().operations().containsKey(op);
    }

    /** Free slots for a round, all of them. */
    ArrayBlockingQueue<Slot> freshFreeList() {
        ArrayBlockingQueue<Slot> q = new ArrayBlockingQueue<>(DEPTH);
        for (Slot s : slots) {
            s.inFlight = false;
            q.add(s);
        }
        return q;
    }

    /** Records a cancel answer for the request a slot carries now. */
    void answered(long id, CancelResult c) {
        ledger.set(id, c == CancelResult.CANCELED ? SoakLedger.ANSWER_CANCELED : SoakLedger.ANSWER_OTHER);
    }

    /** Checks one event and books it; any reaping thread. */
    void onEvent(Event e, Round round) {
        sawEvent();
        Slot s = (Slot) e.attachment();
        long r = e.result();
        int bits = 0;
        if (r == -Errno.ECANCELED) {
            bits |= SoakLedger.EVENT_CANCELED;
        }
        boolean closing = round.closing;
        if (closing) {
            bits |= SoakLedger.DURING_CLOSE;
        }
        String bad = s.check(r, closing);
        if (bad != null) {
            bits |= SoakLedger.ERROR;
            ledger.note(engineName() + ": request " + s.id + " (" + s.kind + "): " + bad);
        }
        ledger.event(s.id, bits);
        round.finished(s);
    }

    /** Names of the slots a context still held when it closed (for the report). */
    static List<String> held(Slot[] slots) {
        List<String> l = new ArrayList<>();
        for (Slot s : slots) {
            if (s.req.isInFlight()) {
                l.add(s.kind + "#" + s.id);
            }
        }
        return l;
    }

    /** Request is used by Slot and Round. */
    static Request request() {
        return Request.noop();
    }

    static MemorySegment buffer() {
        return IoBuffers.allocate(BLOCK);
    }
}
