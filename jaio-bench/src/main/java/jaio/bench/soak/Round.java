package jaio.bench.soak;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import jaio.CancelResult;
import jaio.Event;
import jaio.InvalidRequestException;
import jaio.IoContext;
import jaio.IoFile;
import jaio.Opcode;
import jaio.Poll;

/**
 * One submitting thread (the soak's) drives a round; the context's reapers (its own thread
 * when self-reaping, two of the soak's otherwise) hand back finished slots through the free
 * list. One context's life in the soak: open, submit a mix with random cancels, close with
 * requests in flight.
 */
final class Round {
    private static final int RECENT = 16;

    private final Soak soak;
    private final IoFile data;
    private final boolean selfReaping;
    private final IoContext ctx;
    private final ArrayBlockingQueue<Slot> free;
    private final Lane[] lanes = new Lane[Soak.PIPES];
    private final boolean polls;
    private final boolean timeouts;
    private final List<Thread> reapers = new ArrayList<>();
    private final Slot[] recent = new Slot[RECENT];
    private int recentCount;
    /** Set before the close: events from here on may be the close's cancels. */
    volatile boolean closing;

    Round(Soak soak, IoFile data, boolean selfReaping) throws IOException {
        this.soak = soak;
        this.data = data;
        this.selfReaping = selfReaping;
        IoContext.Builder b = IoContext.builder().engine(soak.engine()).capacity(256)
                .name("soak-" + soak.engineName());
        if (selfReaping) {
            b.selfReaping();
        }
        this.ctx = b.open();
        this.polls = Soak.offers(ctx, Opcode.POLL);
        this.timeouts = Soak.offers(ctx, Opcode.TIMEOUT);
        this.free = soak.freshFreeList();
        for (Slot s : soak.slots()) {
            s.req.callback(selfReaping ? e -> soak.onEvent(e, this) : null);
        }
        for (int i = 0; i < lanes.length; i++) {
            lanes[i] = new Lane();
        }
        if (!selfReaping) {
            for (int i = 0; i < 2; i++) {
                reapers.add(Thread.ofPlatform().name("soak-reaper-" + i).daemon().start(this::reap));
            }
        }
    }

    private void reap() {
        Event[] evs = new Event[32];
        for (int i = 0; i < evs.length; i++) {
            evs[i] = new Event();
        }
        while (true) {
            int n;
            try {
                n = ctx.getEvents(1, evs.length, evs, 50, TimeUnit.MILLISECONDS);
            } catch (IllegalStateException closed) {
                return;
            }
            for (int i = 0; i < n; i++) {
                soak.onEvent(evs[i], this);
            }
        }
    }

    /** A slot's event was booked: it may carry the next request. */
    void finished(Slot s) {
        s.inFlight = false;
        free.add(s);
    }

    /** Submits until {@code until} ids were used or the deadline; false when events stopped coming. */
    boolean submitUntil(long until, long deadline) throws InterruptedException {
        long since = System.nanoTime();
        SplittableRandom rnd = soak.rnd();
        while (soak.takeId() < until && System.nanoTime() < deadline) {
            for (Lane l : lanes) {
                if (soak.takeId() < until) {
                    step(l, rnd);
                }
            }
            if (soak.takeId() >= until) {
                break;
            }
            Slot s = free.poll(20, TimeUnit.MILLISECONDS);
            if (s == null) {
                if (soak.stalledSince(since)) {
                    return false;
                }
                continue;
            }
            if (!prepare(s, rnd)) {
                free.add(s);
                continue;
            }
            if (!submit(s)) {
                continue;
            }
            recent[recentCount < RECENT ? recentCount++ : rnd.nextInt(RECENT)] = s;
            if (rnd.nextInt(8) == 0) {
                Slot v = recent[rnd.nextInt(recentCount)];
                if (v.kind.cancellable) {
                    long vid = v.id;
                    CancelResult c = ctx.cancel(v.req);
                    soak.answered(vid, c);
                }
            }
        }
        return true;
    }

    /** Submits a prepared slot; false (and the slot back on the free list) when there was no room. */
    private boolean submit(Slot s) {
        long id = soak.takeId();
        s.id = id;
        s.req.userData(id).attachment(s);
        s.inFlight = true;
        int n;
        try {
            n = ctx.submit(s.req);
        } catch (InvalidRequestException e) {
            soak.ledger().note(soak.engineName() + ": " + s.kind + " refused: " + e.getMessage());
            soak.ledger().errors++;
            n = 0;
        }
        if (n == 0) {
            s.inFlight = false;
            s.dropped();
            free.add(s);
            return false;
        }
        soak.ledger().set(id, SoakLedger.ACCEPTED);
        soak.accepted();
        return true;
    }

    /** Prepares a random request on {@code s}; false when the chosen block is busy. */
    private boolean prepare(Slot s, SplittableRandom rnd) {
        s.lane = null;
        int p = rnd.nextInt(100);
        if (p < 30) {
            s.kind = Slot.Kind.READ_FIXED;
            s.block = rnd.nextInt(Soak.READ_BLOCKS);
            s.req.prepPread(data, s.buf, (long) s.block * Soak.BLOCK);
        } else if (p < 65) {
            int b = rnd.nextInt(Soak.WRITE_BLOCKS);
            if (!soak.busy.compareAndSet(b, 0, 1)) {
                return false;
            }
            s.block = Soak.READ_BLOCKS + b;
            long off = (long) s.block * Soak.BLOCK;
            if (p < 45) {
                s.kind = Slot.Kind.READ_WRITTEN;
                s.version = soak.versions.get(b);
                s.req.prepPread(data, s.buf, off);
            } else {
                s.kind = Slot.Kind.WRITE;
                s.version = soak.newVersion();
                Soak.fill(s.buf, s.block, s.version);
                s.req.prepPwrite(data, s.buf, off);
            }
        } else if (p < 70) {
            s.kind = Slot.Kind.FSYNC;
            s.req.prepSync(Opcode.FSYNC, data);
        } else if (p < 85 || !timeouts) {
            s.kind = Slot.Kind.NOOP;
            s.req.prepNoop();
        } else {
            s.kind = Slot.Kind.TIMEOUT;
            s.req.prepTimeout(Duration.ofMillis(1 + rnd.nextInt(3)), rnd.nextBoolean() ? 0 : 1 + rnd.nextInt(8));
        }
        return true;
    }

    /** Moves a lane one step when it can: poll, write, and once both ended, drain. */
    private void step(Lane l, SplittableRandom rnd) {
        switch (l.stage) {
            case IDLE -> {
                if (rnd.nextInt(4) != 0) {
                    return;
                }
                if (!polls) {
                    l.stage = Lane.Stage.POLLED;
                    return;
                }
                if (laneRequest(l, Slot.Kind.POLL)) {
                    l.stage = Lane.Stage.POLLED;
                }
            }
            case POLLED -> {
                if (laneRequest(l, Slot.Kind.PIPE_WRITE)) {
                    l.stage = Lane.Stage.WRITTEN;
                }
            }
            case WRITTEN -> {
                if (l.pending.get() == 0 && laneRequest(l, Slot.Kind.PIPE_DRAIN)) {
                    l.stage = Lane.Stage.DRAINING;
                }
            }
            case DRAINING -> {
                if (l.drainedFlag) {
                    l.drainedFlag = false;
                    l.stage = Lane.Stage.IDLE;
                }
            }
            default -> throw new AssertionError(l.stage);
        }
    }

    private boolean laneRequest(Lane l, Slot.Kind kind) {
        Slot s = free.poll();
        if (s == null) {
            return false;
        }
        s.kind = kind;
        s.lane = l;
        switch (kind) {
            case POLL -> s.req.prepPoll(l.rd, Poll.IN);
            case PIPE_WRITE -> s.req.prepPwrite(l.wr, s.buf.asSlice(0, 1), 0);
            default -> s.req.prepPread(l.rd, s.buf.asSlice(0, 1), 0);
        }
        if (kind != Slot.Kind.PIPE_DRAIN) {
            l.pending.incrementAndGet();
        }
        if (!submit(s)) {
            if (kind != Slot.Kind.PIPE_DRAIN) {
                l.pending.decrementAndGet();
            }
            return false;
        }
        if (kind == Slot.Kind.POLL) {
            recent[recentCount < RECENT ? recentCount++ : soak.rnd().nextInt(RECENT)] = s;
        }
        return true;
    }

    /** Closes the context with what is in flight, then the pipes. */
    void close() throws InterruptedException {
        closing = true;
        ctx.close();
        for (Thread t : reapers) {
            t.join();
        }
        for (Lane l : lanes) {
            if (l != null) {
                l.close();
            }
        }
    }

    /** After the ledger settled the round: slots whose events the close dropped let their blocks go. */
    void afterClose() {
        for (Slot s : soak.slots()) {
            if (s.inFlight) {
                if (s.req.isInFlight()) {
                    soak.ledger().note(soak.engineName() + ": " + s.kind + "#" + s.id + " still in flight after close");
                    soak.ledger().lost++;
                }
                s.inFlight = false;
                s.dropped();
            }
        }
    }
}
