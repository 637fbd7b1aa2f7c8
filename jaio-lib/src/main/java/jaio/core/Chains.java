package jaio.core;

import java.util.ArrayDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import jaio.Errno;
import jaio.Opcode;
import jaio.core.op.Refusal;
import jaio.spi.Op;
import jaio.spi.Retry;

/**
 * The chain runner (P4): linked requests, link timeouts and barriers, the same on every
 * engine. Engines never see a chain: the runner hands each member to the engine alone, when
 * the member before it has ended (and, for a link timeout, arms jaio's timer), so a member's
 * short transfer is continued by the engine's retry (E4) before the chain looks at its result,
 * and the events of a chain are posted in chain order. Any thread may call it: the ready queue
 * and the drain flag are lock-free, the barrier state is under {@link #lock}, each op's place
 * (held or started) is a CAS on the op.
 *
 * <p>At submission ({@link #start}) every member of a chain is claimed and counted in flight
 * with the chain (so the room is reserved for all its events), the first is started and the
 * others are HELD. When an op ends ({@link #ended}) it is posted, then its successor is made
 * ready (started) or, when a soft link broke, every later member ends with -ECANCELED. A ready op
 * is started by a thread outside any engine call ({@link TrackedEngine}): the thread that
 * ended its predecessor when it is outside, else that thread when its outermost engine call
 * returns.
 *
 * <p>Barriers: while one is pending ({@link #barrierActive}) every newly submitted chain is
 * deferred behind it, in order. The barrier starts once nothing but the deferred ops is in
 * flight; what was deferred after it starts once it has ended.
 */
final class Chains {
    private final String name;
    private final EngineGate gate;
    private final Completions sink;
    private final TrackedEngine engine;
    private final CompletionQueue queue;
    private final LinkTimer timer;

    /** Ops whose turn came, to be started by a thread outside any engine call. */
    private final ConcurrentLinkedQueue<CoreOp> ready = new ConcurrentLinkedQueue<>();
    /** One thread at a time drains {@link #ready}; the others leave their ops to it. */
    private final AtomicBoolean draining = new AtomicBoolean();

    /** Guards the barrier state below. */
    private final Object lock = new Object();
    /** Chains (by their first op) deferred behind a barrier, in submission order. */
    private final ArrayDeque<CoreOp> deferred = new ArrayDeque<>();
    /** Ops in {@link #deferred}'s chains. */
    private int deferredOps;
    /** The barrier started and not yet ended, or null. */
    private CoreOp runningBarrier;
    /** Whether a barrier is deferred or running: new submissions then queue behind it. */
    private volatile boolean barrierActive;

    Chains(String name, EngineGate gate, Completions sink, TrackedEngine engine, CompletionQueue queue) {
        this.name = name;
        this.queue = queue;
        this.gate = gate;
        this.sink = sink;
        this.engine = engine;
        this.timer = new LinkTimer(this);
    }

    // ------------------------------------------------------------------ submission

    /**
     * Null when the chain structure at {@code ops[i]} is sound, else why not: a link from the
     * batch's last op, a link timeout not right after the request it guards, a barrier inside
     * a chain, a chain longer than the capacity. Reads only.
     */
    Refusal check(CoreOp[] ops, int i, int count, int roomCapacity) {
        CoreOp op = ops[i];
        boolean follows = i > 0 && ops[i - 1].linkMode != Op.LINK_NONE;
        if (op.linkMode != Op.LINK_NONE && i == count - 1) {
            return new Refusal(Errno.EINVAL, "request is linked to the next one, but it is the last of the batch"
                    + " (a chain must be submitted in one batch)");
        }
        if (op.opcode == Opcode.LINK_TIMEOUT && (!follows || ops[i - 1].opcode == Opcode.LINK_TIMEOUT)) {
            return new Refusal(Errno.EINVAL, "a link timeout must come right after the request it guards,"
                    + " which must be linked to it");
        }
        if (op.opcode == Opcode.CLOSE && follows) {
            return new Refusal(Errno.EINVAL, "a CLOSE request closes its socket when it is submitted, so it cannot"
                    + " wait in a chain; submit it after the chain has ended");
        }
        if (op.barrier && follows) {
            return new Refusal(Errno.EINVAL, "a barrier may head a chain but not stand inside one");
        }
        if (!follows && op.linkMode != Op.LINK_NONE) {
            int n = 1;
            for (int j = i; j < count - 1 && ops[j].linkMode != Op.LINK_NONE; j++) {
                n++;
            }
            if (n > roomCapacity) {
                return new Refusal(Errno.EINVAL, "a chain of " + n + " requests can never fit the capacity of "
                        + roomCapacity + " events");
            }
        }
        return null;
    }

    /** The index of the first member of the chain that {@code ops[i]} belongs to. */
    static int chainStart(CoreOp[] ops, int i) {
        while (i > 0 && ops[i - 1].linkMode != Op.LINK_NONE) {
            i--;
        }
        return i;
    }

    /** The largest chain boundary at or below {@code n}: no chain is cut there. */
    static int chainBoundary(CoreOp[] ops, int n) {
        while (n > 0 && ops[n - 1].linkMode != Op.LINK_NONE) {
            n--;
        }
        return n;
    }

    /** Whether a batch needs the runner: it has links, link timeouts or barriers, or a barrier is pending. */
    boolean needed(CoreOp[] ops, int count) {
        if (barrierActive) {
            return true;
        }
        for (int i = 0; i < count; i++) {
            CoreOp op = ops[i];
            if (op.linkMode != Op.LINK_NONE || op.barrier || op.opcode == Opcode.LINK_TIMEOUT) {
                return true;
            }
        }
        return false;
    }

    /**
     * Hands claimed ops (whole chains) to the engine: links them, starts the first of each
     * chain and holds the others, deferring behind a barrier what must wait. Inside the gate.
     */
    void start(CoreOp[] ops, int count) {
        if (!needed(ops, count)) {
            engine.submit(ops, 0, count);
            return;
        }
        CoreOp[] heads = new CoreOp[count];
        int nHeads = 0;
        int deferFrom = -1;
        for (int i = 0; i < count; i++) {
            CoreOp op = ops[i];
            if (i > 0 && ops[i - 1].linkMode != Op.LINK_NONE) {
                CoreOp prev = ops[i - 1];
                prev.link = op;
                prev.tracked = true;
                op.linkPrev = prev;
                op.tracked = true;
                op.setHeld(CoreOp.HELD);
                if (op.opcode == Opcode.LINK_TIMEOUT) {
                    LinkTimer.reset(op);
                }
                heads[nHeads - 1].unitSize++;
                continue;
            }
            op.unitSize = 1;
            if (op.barrier) {
                op.tracked = true;
                if (deferFrom < 0) {
                    deferFrom = nHeads;
                }
            }
            heads[nHeads++] = op;
        }
        int direct = nHeads;
        synchronized (lock) {
            if (barrierActive) {
                direct = 0;
            } else if (deferFrom >= 0) {
                direct = deferFrom;
            }
            for (int h = direct; h < nHeads; h++) {
                CoreOp u = heads[h];
                u.setHeld(CoreOp.HELD);
                deferred.addLast(u);
                deferredOps += u.unitSize;
            }
            if (direct < nHeads) {
                barrierActive = true;
            }
        }
        if (direct > 0) {
            submitStarted(heads, direct);
        }
        if (direct < nHeads) {
            checkBarrier();
        }
    }

    /** Hands ops to the engine, then arms the link timeouts that guard them. Inside the gate. */
    private void submitStarted(CoreOp[] ops, int n) {
        CoreOp[] lts = null;
        long[] words = null;
        for (int i = 0; i < n; i++) {
            Op l = ops[i].link;
            if (l != null && l.opcode == Opcode.LINK_TIMEOUT) {
                if (lts == null) {
                    lts = new CoreOp[n];
                    words = new long[n];
                }
                // Read before submitting: once submitted an op may end, be reaped and be reused.
                lts[i] = (CoreOp) l;
                words[i] = lts[i].timerWord();
            }
        }
        engine.submit(ops, 0, n);
        if (lts != null) {
            for (int i = 0; i < n; i++) {
                if (lts[i] != null) {
                    timer.arm(lts[i], words[i]);
                }
            }
        }
    }

    // ------------------------------------------------------------------ cancel

    /**
     * A cancel of an op the runner holds: it will end with -ECANCELED in its turn (CANCELED).
     * Null when the op is not held (the engine has it, or it ended).
     */
    jaio.CancelResult cancelHeld(CoreOp op) {
        if (op.opcode == Opcode.LINK_TIMEOUT && op.tracked) {
            // A link timeout stays held all its life; cancelling it disarms it, unless it fired.
            return LinkTimer.disarm(op) ? jaio.CancelResult.CANCELED : jaio.CancelResult.NOT_CANCELED;
        }
        if (op.casHeld(CoreOp.HELD, CoreOp.HELD_CANCELLED)) {
            return jaio.CancelResult.CANCELED;
        }
        // Cancelled while held by an earlier cancel, whose answer was CANCELED: it ends by that one.
        return op.held() == CoreOp.HELD_CANCELLED ? jaio.CancelResult.NOT_CANCELED : null;
    }

    // ------------------------------------------------------------------ completion

    /** A tracked op has ended and is finished (not posted): post it and move its chain on. */
    void ended(CoreOp op) {
        CoreOp lt = op.link != null && op.link.opcode == Opcode.LINK_TIMEOUT ? (CoreOp) op.link : null;
        if (lt != null && !timer.guardedEnded(lt)) {
            // The timer is cancelling op right now; it settles the chain once it is done.
            return;
        }
        settle(op, lt);
    }

    /** Posts op (and its link timeout, whose result is set), then starts or cancels what follows. */
    void settle(CoreOp op, CoreOp lt) {
        // Read all before posting: once posted, the request may be reaped and prepared again.
        boolean go = op.linkMode == Op.LINK_HARD || endedWell(op);
        CoreOp next = (CoreOp) op.link;
        boolean wasBarrier = op.barrier && op.tracked;
        sink.post(op);
        if (lt != null) {
            next = lt.linkMode != Op.LINK_NONE ? (CoreOp) lt.link : null;
            lt.setHeld(CoreOp.FREE);
            sink.finish(lt);
            sink.post(lt);
        }
        if (wasBarrier) {
            barrierEnded(op);
        }
        proceed(next, go);
    }

    /** Whether an op ended well for a soft link: no error and, for a transfer, every byte moved. */
    static boolean endedWell(Op op) {
        if (op.result < 0) {
            return false;
        }
        return !op.isTransfer() || op.result == op.length;
    }

    /** Starts {@code next} ({@code go}) or ends it and every later member with -ECANCELED. */
    private void proceed(CoreOp next, boolean go) {
        if (next == null) {
            return;
        }
        if (go) {
            makeReady(next);
            return;
        }
        while (next != null) {
            CoreOp after = (CoreOp) next.link;
            next.setHeld(CoreOp.FREE);
            Retry.finish(next, -Errno.ECANCELED);
            sink.finish(next);
            if (next.opcode == Opcode.LINK_TIMEOUT) {
                LinkTimer.settleUnarmed(next);
            }
            boolean wasBarrier = next.barrier && next.tracked;
            sink.post(next);
            if (wasBarrier) {
                barrierEnded(next);
            }
            next = after;
        }
    }

    private void makeReady(CoreOp op) {
        ready.add(op);
        if (!TrackedEngine.insideEngine()) {
            drain();
        }
    }

    boolean hasReady() {
        return !ready.isEmpty();
    }

    /**
     * Starts the ready ops, from a thread outside any engine call. One thread drains at a
     * time; one that finds another draining leaves its ops to it, which looks again after
     * letting go of the flag, so a ready op is never left behind.
     */
    void drain() {
        while (!ready.isEmpty()) {
            if (!draining.compareAndSet(false, true)) {
                return;
            }
            try {
                drainOnce();
            } finally {
                draining.set(false);
            }
        }
    }

    private void drainOnce() {
        CoreOp[] batch = new CoreOp[8];
        boolean posted = false;
        while (true) {
            int n = 0;
            CoreOp op;
            while (n < batch.length && (op = ready.poll()) != null) {
                if (op.casHeld(CoreOp.HELD, CoreOp.FREE)) {
                    batch[n++] = op;
                } else {
                    // Cancelled while held: it ends now, in its place in the chain.
                    op.setHeld(CoreOp.FREE);
                    Retry.finish(op, -Errno.ECANCELED);
                    sink.finish(op);
                    endOrPost(op);
                    posted = true;
                }
            }
            if (n == 0) {
                if (ready.isEmpty()) {
                    break;
                }
                continue;
            }
            if (gate.enter()) {
                try {
                    submitStarted(batch, n);
                } finally {
                    gate.exit();
                }
            } else {
                // Closing: nothing more reaches the engine.
                for (int i = 0; i < n; i++) {
                    Retry.finish(batch[i], -Errno.ECANCELED);
                    sink.finish(batch[i]);
                    endOrPost(batch[i]);
                }
                posted = true;
            }
            java.util.Arrays.fill(batch, 0, n, null);
        }
        if (posted) {
            wake();
        }
    }

    /**
     * After posting events outside the engine (the timer thread, a drain that ended ops
     * itself): a waiter blocked in the kernel for them would not see them, so wake it.
     */
    void wake() {
        if (engine.needsPumping() && gate.enter()) {
            try {
                queue.wakeLeader();
            } finally {
                gate.exit();
            }
        }
    }

    /** An op the runner ended itself: through the chain when it is tracked, else posted. */
    private void endOrPost(CoreOp op) {
        if (op.tracked) {
            ended(op);
        } else {
            sink.post(op);
        }
    }

    /** Cancels a guarded op for its link timeout, from the timer thread; the engine's answer. */
    jaio.CancelResult cancelForTimer(CoreOp op) {
        op.forceCancel();
        if (gate.enter()) {
            try {
                return engine.cancel(op);
            } finally {
                gate.exit();
            }
        }
        // Closing: the close sequence cancels what is in flight.
        return jaio.CancelResult.CANCELED;
    }

    // ------------------------------------------------------------------ barriers

    /** Whether a barrier is pending or running (a volatile read, for the posting path). */
    boolean barrierActive() {
        return barrierActive;
    }

    /** Starts the first deferred barrier once nothing else is in flight. Any thread, no lock held. */
    void checkBarrier() {
        CoreOp b;
        synchronized (lock) {
            b = deferred.peekFirst();
            if (runningBarrier != null || b == null || gate.inFlight() != deferredOps) {
                return;
            }
            deferred.pollFirst();
            deferredOps -= b.unitSize;
            runningBarrier = b;
        }
        makeReady(b);
    }

    /** A barrier has ended (and was posted): starts what was deferred behind it, up to the next barrier. */
    private void barrierEnded(CoreOp b) {
        CoreOp[] release;
        int n = 0;
        synchronized (lock) {
            if (runningBarrier != b) {
                return;
            }
            runningBarrier = null;
            release = new CoreOp[deferred.size()];
            while (!deferred.isEmpty() && !deferred.peekFirst().barrier) {
                CoreOp u = deferred.pollFirst();
                deferredOps -= u.unitSize;
                release[n++] = u;
            }
            if (deferred.isEmpty()) {
                barrierActive = false;
            }
        }
        for (int i = 0; i < n; i++) {
            makeReady(release[i]);
        }
        checkBarrier();
    }

    @Override
    public String toString() {
        return "chains of " + name;
    }
}
