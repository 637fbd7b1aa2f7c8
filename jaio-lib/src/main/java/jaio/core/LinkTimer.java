package jaio.core;

import java.util.concurrent.Future;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import jaio.Errno;
import jaio.spi.Retry;

/**
 * Link timeouts (P4) for one context's chain runner, on one process-wide timer thread. Any
 * thread may call it; each link timeout's state is one CAS-guarded word on the op holding an
 * arming generation (so a timer task of an earlier use of the same request never fires for a
 * later one) and one of the states below.
 *
 * <p>The handshake between the timer and the guarded request's end: the timer moves ARMED to
 * FIRING, cancels the guarded request, then moves FIRING to FIRED. A guarded request that ends
 * meanwhile is not posted (FIRING to ENDED_FIRING): the timer thread posts it once its cancel
 * call has returned, so the cancel can never reach a later use of the request. Either way the
 * guarded request's event comes first, then the timeout's: -ETIME when it fired, -ECANCELED
 * when the request ended first.
 */
final class LinkTimer {
    private static final long IDLE = 0;
    private static final long ARMED = 1;
    private static final long FIRING = 2;
    private static final long FIRED = 3;
    private static final long DONE = 4;
    private static final long ENDED_FIRING = 5;
    private static final long STATE = 7;
    /** A cancel that did not stop the guarded request is tried again after this, then twice as late. */
    private static final long FIRST_RETRY_NANOS = 200_000L;
    private static final long MAX_RETRY_NANOS = 20_000_000L;

    private final Chains chains;

    LinkTimer(Chains chains) {
        this.chains = chains;
    }

    /** The timer thread, started when a first link timeout is armed. */
    private static final class Clock {
        static final ScheduledThreadPoolExecutor TIMER = timer();

        private static ScheduledThreadPoolExecutor timer() {
            ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1,
                    Thread.ofPlatform().daemon().name("jaio-link-timer").factory());
            t.setRemoveOnCancelPolicy(true);
            return t;
        }
    }

    private static long gen(long w) {
        return w >>> 3;
    }

    /** A new use of the link timeout: a new generation, not armed. Its op is not in flight elsewhere. */
    static void reset(CoreOp lt) {
        long w = lt.timerWord();
        lt.casTimer(w, ((gen(w) + 1) << 3) | IDLE);
        lt.timerTask = null;
    }

    /** The link timeout ends without having been armed (its chain broke before it). */
    static void settleUnarmed(CoreOp lt) {
        long w = lt.timerWord();
        lt.casTimer(w, (w & ~STATE) | DONE);
    }

    /**
     * A cancel of the link timeout itself: true when it had not fired (it will end with
     * -ECANCELED after its guarded request, and never fire), false when it fired.
     */
    static boolean disarm(CoreOp lt) {
        while (true) {
            long w = lt.timerWord();
            long st = w & STATE;
            if (st == DONE) {
                return true;
            }
            if (st != IDLE && st != ARMED) {
                return false;
            }
            if (lt.casTimer(w, (w & ~STATE) | DONE)) {
                Future<?> f = lt.timerTask;
                if (f != null) {
                    f.cancel(false);
                }
                return true;
            }
        }
    }

    /**
     * Arms {@code lt} after its guarded request was handed to the engine; {@code w} is the word
     * read before that. Nothing happens when the request has already ended.
     */
    void arm(CoreOp lt, long w) {
        if ((w & STATE) != IDLE || !lt.casTimer(w, (w & ~STATE) | ARMED)) {
            return;
        }
        long g = gen(w);
        Future<?> f = Clock.TIMER.schedule(() -> fire(lt, g, ARMED, FIRST_RETRY_NANOS), Math.max(0, lt.timeoutNanos),
                TimeUnit.NANOSECONDS);
        lt.timerTask = f;
        long now = lt.timerWord();
        if (gen(now) != g || (now & STATE) != ARMED) {
            // The request ended while the task was being scheduled: the task would do nothing.
            f.cancel(false);
        }
    }

    /**
     * The timer fired ({@code from} ARMED), or fires again ({@code from} FIRED) because the
     * guarded request had not stopped: a best-effort cancel can miss a request on its way into
     * the engine, so the timer tries again until the request has ended.
     */
    private void fire(CoreOp lt, long g, long from, long retryNanos) {
        long w = lt.timerWord();
        if (gen(w) != g || (w & STATE) != from || !lt.casTimer(w, (w & ~STATE) | FIRING)) {
            return;
        }
        CoreOp guarded = lt.linkPrev;
        jaio.CancelResult r = chains.cancelForTimer(guarded);
        while (true) {
            long v = lt.timerWord();
            if ((v & STATE) == FIRING) {
                if (lt.casTimer(v, (v & ~STATE) | FIRED)) {
                    if (r != jaio.CancelResult.CANCELED) {
                        long next = Math.min(2 * retryNanos, MAX_RETRY_NANOS);
                        Clock.TIMER.schedule(() -> fire(lt, g, FIRED, next), retryNanos, TimeUnit.NANOSECONDS);
                    }
                    return;
                }
            } else {
                // ENDED_FIRING: the guarded request ended while we cancelled; post both now.
                lt.casTimer(v, (v & ~STATE) | DONE);
                Retry.finish(lt, -Errno.ETIME);
                chains.settle(guarded, lt);
                chains.wake();
                return;
            }
        }
    }

    /**
     * The request {@code lt} guards has ended: true when the caller may post it (the result
     * of {@code lt} is then set), false when the timer is cancelling it and will post it.
     */
    boolean guardedEnded(CoreOp lt) {
        while (true) {
            long w = lt.timerWord();
            long st = w & STATE;
            if (st == IDLE || st == ARMED) {
                if (lt.casTimer(w, (w & ~STATE) | DONE)) {
                    Future<?> f = lt.timerTask;
                    if (st == ARMED && f != null) {
                        f.cancel(false);
                    }
                    Retry.finish(lt, -Errno.ECANCELED);
                    return true;
                }
            } else if (st == FIRING) {
                if (lt.casTimer(w, (w & ~STATE) | ENDED_FIRING)) {
                    return false;
                }
            } else {
                Retry.finish(lt, st == FIRED ? -Errno.ETIME : -Errno.ECANCELED);
                lt.casTimer(w, (w & ~STATE) | DONE);
                return true;
            }
        }
    }
}
