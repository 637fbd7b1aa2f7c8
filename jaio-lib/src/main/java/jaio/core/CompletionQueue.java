package jaio.core;

import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import jaio.spi.IoEngine;

/**
 * A context's completion queue and its delivery policy (SPEC C4, C5, C6, P2, seed 2.6).
 *
 * <p>Any number of engine threads post events; any number of threads wait for them. The
 * policy, all under one lock:
 * <ul>
 *   <li><b>At least N, exclusive, LIFO.</b> A waiter states its N. Each posted event is
 *       offered to the waiters newest-first; the first whose N is met is handed N events at
 *       once (copied into its own event array under the lock) and woken. One event wakes at
 *       most one waiter: no herd.</li>
 *   <li><b>Balance beyond N.</b> Events of the same posting batch that are left once every
 *       satisfiable waiter has its N are dealt one at a time to the waiters woken by that
 *       batch, in turn, up to each one's maximum.</li>
 *   <li><b>Priority.</b> Ready events are kept per priority level and taken highest first;
 *       an event passed over {@link ReadyList#STARVATION_BOUND} times is taken next whatever its
 *       level, so a low priority waits at most that many takes once it heads its level.</li>
 *   <li><b>One request.</b> A thread awaiting a particular request is handed that request's
 *       event and nothing else; no other waiter can take it.</li>
 *   <li><b>Pumping.</b> For engines whose completions sit in a kernel ring, one waiter at a
 *       time (the leader) blocks in the kernel, asking for as many completions as the
 *       neediest waiter lacks; the others park. When the set of waiters changes so that the
 *       leader asks for too many, the engine is told to wake it.</li>
 * </ul>
 */
final class CompletionQueue {
    private static final ThreadLocal<Waiter> WAITERS = ThreadLocal.withInitial(() -> new Waiter(Thread.currentThread()));

    final ReentrantLock lock = new ReentrantLock();
    private final ContextCore ctx;
    private final Counters counters;
    private IoEngine engine;
    private boolean pump;

    private final ReadyList ready = new ReadyList();

    /** Newest linked waiter; the list runs from newest to oldest. */
    private Waiter newest;
    /** Smallest N among linked getEvents waiters (Integer.MAX_VALUE when none). */
    private int minNeed = Integer.MAX_VALUE;
    /** Linked await waiters. */
    private int awaiting;

    private Waiter leader;
    private int leaderTarget;
    /** The closing thread while it pumps the engine. */
    private Thread closer;

    /** Waiters woken by the post in progress, for dealing the leftovers. */
    private Waiter[] woken = new Waiter[8];
    private int wokenCount;

    private boolean closed;

    CompletionQueue(ContextCore ctx, Counters counters) {
        this.ctx = ctx;
        this.counters = counters;
    }

    void attach(IoEngine e) {
        this.engine = e;
        this.pump = e.needsPumping();
    }

    // ------------------------------------------------------------------ posting

    /** Posts finished ops; called by engines through the context's sink. */
    void post(Op[] ops, int count) {
        lock.lock();
        try {
            wokenCount = 0;
            for (int i = 0; i < count; i++) {
                postLocked(ops[i]);
            }
            dealLeftovers();
        } finally {
            lock.unlock();
        }
    }

    void post(Op op) {
        lock.lock();
        try {
            wokenCount = 0;
            postLocked(op);
            dealLeftovers();
        } finally {
            lock.unlock();
        }
    }

    private void postLocked(Op op) {
        if (closed) {
            op.setState(Op.IDLE);
            ctx.eventsGone(1);
            return;
        }
        Waiter a = op.awaiter;
        if (a != null) {
            op.awaiter = null;
            give(a, op);
            a.satisfied = true;
            unlink(a);
            wake(a);
            return;
        }
        op.setState(Op.COMPLETED);
        ready.add(op);
        if (ready.size() >= minNeed) {
            dispatch();
        }
    }

    /** Hands N events to each waiter whose N is met, newest waiter first. */
    private void dispatch() {
        while (ready.size() >= minNeed) {
            Waiter w = newest;
            while (w != null && (w.target != null || w.min > ready.size())) {
                w = w.older;
            }
            if (w == null) {
                return;
            }
            for (int i = 0; i < w.min; i++) {
                give(w, ready.take());
            }
            w.satisfied = true;
            unlink(w);
            if (wokenCount == woken.length) {
                woken = java.util.Arrays.copyOf(woken, wokenCount * 2);
            }
            woken[wokenCount++] = w;
            wake(w);
        }
    }

    /** Deals what the woken waiters left, one event at a time to each in turn. */
    private void dealLeftovers() {
        int n = wokenCount;
        if (n == 0) {
            return;
        }
        boolean dealt = true;
        while (ready.size() > 0 && dealt) {
            dealt = false;
            for (int i = 0; i < n && ready.size() > 0; i++) {
                Waiter w = woken[i];
                if (w.got < w.max) {
                    give(w, ready.take());
                    dealt = true;
                }
            }
        }
        for (int i = 0; i < n; i++) {
            woken[i] = null;
        }
        wokenCount = 0;
    }

    // ------------------------------------------------------------------ reaping

    /**
     * Reaps between {@code min} and {@code max} events into {@code out[off..]} (C4, C5).
     * {@code timeoutNanos} 0 polls, negative waits without limit.
     *
     * @throws IllegalStateException when the context is closed (and nothing was taken)
     */
    int reap(int min, int max, Object[] out, int off, long timeoutNanos) {
        return reap(min, max, out, off, timeoutNanos, null, 0);
    }

    /**
     * Like {@link #reap(int, int, Object[], int, long)}, first submitting {@code sub[0..subCount)}
     * (already claimed by the context). When this thread ends up pumping the kernel, the
     * submission and the first wait are one engine call (C8). The ops are submitted exactly
     * once on every path, even when the context closes meanwhile.
     */
    int reap(int min, int max, Object[] out, int off, long timeoutNanos, Op[] sub, int subCount) {
        if (subCount > 0 && !pump) {
            engine.submit(sub, 0, subCount);
            subCount = 0;
        }
        if (pump && subCount == 0) {
            engine.harvest();
        }
        lock.lock();
        Waiter w = null;
        try {
            if (closed || ready.size() >= min || timeoutNanos == 0) {
                if (subCount > 0) {
                    submitUnlocked(sub, subCount);
                    engine.harvest();
                }
                if (closed) {
                    throw ctx.closedException();
                }
                return takeInto(out, off, max);
            }
            w = WAITERS.get();
            w.reset(min, max, out, off, null);
            w.pendingOps = sub;
            w.pendingCount = subCount;
            link(w);
            waitFor(w, timeoutNanos);
            if (w.pendingCount > 0) {
                submitUnlocked(w.pendingOps, w.pendingCount);
                w.pendingCount = 0;
            }
            int n = w.got;
            if (!w.satisfied) {
                unlink(w);
                if (closed && n == 0) {
                    throw ctx.closedException();
                }
            }
            if (!closed) {
                n += takeInto(out, off + n, max - n);
            }
            return n;
        } finally {
            if (w != null) {
                w.clear();
                handOverPumping();
            }
            lock.unlock();
        }
    }

    /** Submits with the lock released (an engine may take its own locks or enter the kernel). */
    private void submitUnlocked(Op[] sub, int count) {
        lock.unlock();
        try {
            engine.submit(sub, 0, count);
        } finally {
            lock.lock();
        }
    }

    /**
     * Waits for one op's event and takes only that one (C6).
     *
     * @return true when the event was copied to {@code out[off]}, false on timeout
     * @throws IllegalStateException when the op is not in flight here, is already awaited,
     *         or the context closes
     */
    boolean await(Op op, Object[] out, int off, long timeoutNanos) {
        if (pump) {
            engine.harvest();
        }
        lock.lock();
        Waiter w = null;
        try {
            if (closed) {
                throw ctx.closedException();
            }
            if (op.ctx != ctx || op.state() == Op.IDLE) {
                throw new IllegalStateException("request " + op + " is not in flight on " + ctx.name()
                        + " (never submitted here, or its event was already reaped)");
            }
            if (op.state() == Op.COMPLETED) {
                ready.remove(op);
                ctx.fill(out[off], op);
                counters.reaped.increment();
                ctx.eventsGone(1);
                return true;
            }
            if (op.awaiter != null) {
                throw new IllegalStateException("another thread is already awaiting request " + op);
            }
            if (timeoutNanos == 0) {
                return false;
            }
            w = WAITERS.get();
            w.reset(1, 1, out, off, op);
            op.awaiter = w;
            link(w);
            waitFor(w, timeoutNanos);
            if (!w.satisfied) {
                op.awaiter = null;
                unlink(w);
                if (closed) {
                    throw ctx.closedException();
                }
                return false;
            }
            return true;
        } finally {
            if (w != null) {
                w.clear();
                handOverPumping();
            }
            lock.unlock();
        }
    }

    /** Parks or pumps until w is satisfied, the deadline passes, or the queue closes. Lock held. */
    private void waitFor(Waiter w, long timeoutNanos) {
        boolean timed = timeoutNanos > 0;
        long deadline = timed ? System.nanoTime() + timeoutNanos : 0;
        while (!w.satisfied && !closed) {
            long rem = -1;
            if (timed) {
                rem = deadline - System.nanoTime();
                if (rem <= 0) {
                    return;
                }
            }
            if (pump && leader == null && closer == null) {
                leader = w;
                int target = pumpTarget();
                leaderTarget = target;
                Op[] sub = w.pendingOps;
                int subCount = w.pendingCount;
                w.pendingOps = null;
                w.pendingCount = 0;
                lock.unlock();
                try {
                    if (subCount > 0) {
                        engine.submitAndWait(sub, 0, subCount, target, rem);
                    } else {
                        engine.waitForCompletions(target, rem);
                    }
                } finally {
                    lock.lock();
                    leader = null;
                    leaderTarget = 0;
                }
            } else {
                if (w.pendingCount > 0) {
                    submitUnlocked(w.pendingOps, w.pendingCount);
                    w.pendingOps = null;
                    w.pendingCount = 0;
                    continue;
                }
                lock.unlock();
                try {
                    if (timed) {
                        LockSupport.parkNanos(this, rem);
                    } else {
                        LockSupport.park(this);
                    }
                } finally {
                    lock.lock();
                }
            }
        }
    }

    /** How many kernel completions the leader should wait for: what the neediest waiter lacks. */
    private int pumpTarget() {
        if (awaiting > 0) {
            return 1;
        }
        return Math.max(1, minNeed - ready.size());
    }

    /** After a waiter leaves: make sure somebody pumps for those still waiting. Lock held. */
    private void handOverPumping() {
        if (pump && leader == null && newest != null && !closed) {
            LockSupport.unpark(newest.thread);
        }
    }

    /** Takes up to max ready events into out[off..]; returns how many. Lock held. */
    private int takeInto(Object[] out, int off, int max) {
        int n = 0;
        while (n < max && ready.size() > 0) {
            Op op = ready.take();
            ctx.fill(out[off + n], op);
            n++;
        }
        if (n > 0) {
            counters.reaped.add(n);
            ctx.eventsGone(n);
        }
        return n;
    }

    private void give(Waiter w, Op op) {
        ctx.fill(w.out[w.off + w.got], op);
        w.got++;
        counters.reaped.increment();
        ctx.eventsGone(1);
    }

    private void wake(Waiter w) {
        counters.wakeups.increment();
        LockSupport.unpark(w.thread);
    }

    // ------------------------------------------------------------------ waiters

    private void link(Waiter w) {
        w.older = newest;
        w.newer = null;
        if (newest != null) {
            newest.newer = w;
        }
        newest = w;
        w.linked = true;
        if (w.target != null) {
            awaiting++;
        } else if (w.min < minNeed) {
            minNeed = w.min;
        }
        Waiter l = leader;
        if (l != null && leaderTarget > pumpTarget()) {
            // The leader sleeps in the kernel for more completions than this waiter needs.
            engine.wakeup(leaderTarget);
        }
    }

    private void unlink(Waiter w) {
        if (!w.linked) {
            return;
        }
        if (w.newer != null) {
            w.newer.older = w.older;
        } else {
            newest = w.older;
        }
        if (w.older != null) {
            w.older.newer = w.newer;
        }
        w.newer = null;
        w.older = null;
        w.linked = false;
        if (w.target != null) {
            awaiting--;
        } else if (w.min == minNeed) {
            int m = Integer.MAX_VALUE;
            for (Waiter v = newest; v != null; v = v.older) {
                if (v.target == null && v.min < m) {
                    m = v.min;
                }
            }
            minNeed = m;
        }
    }

    // ------------------------------------------------------------------ closing

    /**
     * Closes the queue: unreaped events are dropped, every waiter is woken (and leaves with
     * what it was handed, or an IllegalStateException), and a leader asleep in the kernel is
     * woken. Later posts are dropped.
     */
    void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            int dropped = 0;
            while (ready.size() > 0) {
                Op op = ready.take();
                op.setState(Op.IDLE);
                dropped++;
            }
            if (dropped > 0) {
                ctx.eventsGone(dropped);
            }
            for (Waiter w = newest; w != null; w = w.older) {
                LockSupport.unpark(w.thread);
            }
            if (leader != null) {
                engine.wakeup(leaderTarget);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * For the closing thread: pumps the engine once, unless a waiter still holds the pump (it
     * is leaving, having been woken by {@link #close}). Returns after at most about
     * {@code sliceNanos}.
     */
    void pumpForClose(long sliceNanos) {
        lock.lock();
        boolean mine = false;
        try {
            if (leader == null && closer == null) {
                closer = Thread.currentThread();
                mine = true;
            }
        } finally {
            lock.unlock();
        }
        if (!mine) {
            LockSupport.parkNanos(this, Math.min(sliceNanos, 1_000_000));
            return;
        }
        try {
            engine.harvest();
            if (ctx.inFlight() > 0) {
                engine.waitForCompletions(1, sliceNanos);
            }
        } finally {
            lock.lock();
            closer = null;
            lock.unlock();
        }
    }

    int readyCount() {
        lock.lock();
        try {
            return ready.size();
        } finally {
            lock.unlock();
        }
    }
}
