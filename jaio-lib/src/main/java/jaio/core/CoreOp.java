package jaio.core;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import jaio.spi.Op;

/**
 * An op with the state the context keeps for it beside what the engine sees, shared by the
 * submitting, posting and reaping threads as described below: where it is in its life
 * (idle, in flight, completed), which context accepted it, its bounce memory, and its links
 * in the completion queue. Every public request owns exactly one for its whole life; it
 * is reused each time the request is submitted again, so the per-request path allocates
 * nothing.
 *
 * <p>Threading: {@link #state} is a volatile CAS-guarded word: the submitting thread claims the
 * op (IDLE to INFLIGHT), the posting thread completes it under the queue's lock, the reaping
 * thread makes it IDLE again. The queue links and the awaiter are guarded by the completion
 * queue's lock; the bounce fields belong to the thread that claims or completes the op.
 */
public class CoreOp extends Op {
    /** Not in flight; may be prepared and submitted. */
    public static final int IDLE = 0;
    /** Accepted by a context; an engine is driving it. */
    public static final int INFLIGHT = 1;
    /** Its event is posted and waits to be reaped. */
    public static final int COMPLETED = 2;

    /** {@link #held}: the op is not held by the chain runner. */
    static final int FREE = 0;
    /** {@link #held}: accepted, held by the chain runner until its turn (a later chain member, or behind a barrier). */
    static final int HELD = 1;
    /** {@link #held}: held, and cancelled meanwhile: it ends with -ECANCELED when its turn comes. */
    static final int HELD_CANCELLED = 2;

    private static final VarHandle STATE;
    private static final VarHandle HELD_STATE;
    private static final VarHandle TIMER;
    private static final VarHandle CANCEL_WAIT;
    private static final VarHandle FINISHED;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            STATE = l.findVarHandle(CoreOp.class, "state", int.class);
            HELD_STATE = l.findVarHandle(CoreOp.class, "held", int.class);
            TIMER = l.findVarHandle(CoreOp.class, "timerWord", long.class);
            CANCEL_WAIT = l.findVarHandle(CoreOp.class, "cancelWait", Cancelling.Wait.class);
            FINISHED = l.findVarHandle(CoreOp.class, "finished", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** An object of the caller's, returned in the event. */
    public Object attachment;

    @SuppressWarnings("unused") // through STATE
    private volatile int state;
    /**
     * The context that accepted this op last; written when it is claimed. Volatile: a thread
     * that cancels or awaits the op, holding no lock of the context yet, reads which context
     * it belongs to.
     */
    volatile ContextCore<?> ctx;
    /**
     * The cancel waiting for this submission's result, or null: set by the canceller, taken
     * (CAS to null) by whichever comes first, the posting thread with the result or the
     * canceller giving up; see {@link Cancelling}.
     */
    @SuppressWarnings("unused") // through CANCEL_WAIT
    private volatile Cancelling.Wait cancelWait;
    /**
     * Set (a release store, no fence) when this submission's event is ready, cleared at the
     * next submission: a canceller whose wait the finishing thread did not see notices the end
     * here (see {@link Cancelling}).
     */
    @SuppressWarnings("unused") // through FINISHED
    private boolean finished;
    /** Bounce memory owned by this op, parallel to segs (null entries where no bounce). */
    MemorySegment[] bounce;
    /** The engine-visible array used when some segments are bounced. */
    MemorySegment[] bounceIo;

    // ---- completion queue links (under the queue's lock) ----
    CoreOp qnext;
    CoreOp qprev;
    Waiter awaiter;
    /** Order of posting (for finding the oldest ready event) and the takes counted when posted. */
    long postSeq;
    long postTakes;

    // ---- chains and barriers (P4); see Chains ----
    /**
     * Set by the public layer while the op is idle: nothing submitted after this op starts
     * before it has ended, and it starts only once everything submitted before it has ended.
     */
    public boolean barrier;
    /** Ops in the chain this op heads, while it is deferred behind a barrier (Chains). */
    int unitSize;
    /** Whether the chain runner sees this op's completion (a chain member or a barrier); set at claim. */
    boolean tracked;
    /** The chain member this op follows, or null; set at claim. */
    CoreOp linkPrev;
    /** FREE, HELD or HELD_CANCELLED; CAS-guarded (the runner starts it, a cancel may hit it first). */
    @SuppressWarnings("unused") // through HELD_STATE
    private volatile int held;
    /** LINK_TIMEOUT: the arming generation and timer state in one word (see LinkTimer); CAS-guarded. */
    @SuppressWarnings("unused") // through TIMER
    private volatile long timerWord;
    /** LINK_TIMEOUT: the scheduled task while armed, to cancel it early; or null. */
    volatile java.util.concurrent.Future<?> timerTask;

    public final int state() {
        return state;
    }

    /** The context that accepted this op last, or null. */
    public final ContextCore<?> context() {
        return ctx;
    }

    /**
     * Whether the request carries a completion callback (a self-reaping context refuses one
     * without). The public layer, which owns callbacks, answers; the core never runs them.
     */
    public boolean hasCallback() {
        return false;
    }

    final boolean casState(int expect, int update) {
        return STATE.compareAndSet(this, expect, update);
    }

    final void setState(int s) {
        state = s;
    }

    /**
     * Sets the state with a release store (no full fence): for the completion queue's
     * transitions, made under its lock, which nothing orders a later load of the writing
     * thread against (the cancel and await paths read the state, and write nothing the poster
     * reads back after this store).
     */
    final void setStateRelease(int s) {
        STATE.setRelease(this, s);
    }

    final int held() {
        return held;
    }

    final void setHeld(int h) {
        held = h;
    }

    final boolean casHeld(int expect, int update) {
        return HELD_STATE.compareAndSet(this, expect, update);
    }

    final long timerWord() {
        return timerWord;
    }

    final boolean casTimer(long expect, long update) {
        return TIMER.compareAndSet(this, expect, update);
    }

    final boolean casCancelWait(Cancelling.Wait expect, Cancelling.Wait update) {
        return CANCEL_WAIT.compareAndSet(this, expect, update);
    }

    /**
     * Marks the submission finished, then takes the waiting cancel, if any (the posting thread,
     * before the op leaves flight).
     */
    final Cancelling.Wait takeCancelWait() {
        FINISHED.setRelease(this, true);
        return cancelWait == null ? null : (Cancelling.Wait) CANCEL_WAIT.getAndSet(this, (Cancelling.Wait) null);
    }

    /** Whether this submission has finished (its result is final). */
    final boolean finished() {
        return (boolean) FINISHED.getAcquire(this);
    }

    @Override
    public void resetProgress() {
        super.resetProgress();
        finished = false;
        awaiter = null;
        qnext = null;
        qprev = null;
        link = null;
        linkPrev = null;
        tracked = false;
        held = FREE;
    }
}
