package jaio.core;

import java.util.concurrent.locks.LockSupport;

/**
 * The waiting side of a completion queue, for any number of threads at once: getEvents
 * (at least N, C4, C5), submit-and-wait (C8) and await (one request, C6). A caller takes
 * what is ready or links its {@link Waiter} and waits, pumping the kernel when it is the
 * one to do so; events are handed to it under the queue's lock by the posting thread. All
 * state touched here is the queue's, guarded by its lock; none of its own.
 */
final class Reaping {
    private static final ThreadLocal<Waiter> WAITERS = ThreadLocal.withInitial(() -> new Waiter(Thread.currentThread()));

    private final CompletionQueue q;

    Reaping(CompletionQueue q) {
        this.q = q;
    }

    /**
     * Reaps between {@code min} and {@code max} events into {@code out[off..]} (C4, C5).
     * {@code timeoutNanos} 0 polls, negative waits without limit. {@code sub[0..subCount)}
     * are claimed ops to submit first (C8): when this thread ends up pumping the kernel, the
     * submission and the first wait are one engine call. They are submitted exactly once on
     * every path, even when the context closes meanwhile; the caller holds the engine gate.
     *
     * @throws IllegalStateException when the context is closed (and nothing was taken)
     */
    int reap(int min, int max, Object[] out, int off, long timeoutNanos, CoreOp[] sub, int subCount) {
        Running st = Running.current();
        CompletionQueue prev = st.on;
        st.on = null;
        if (prev != null && prev != q) {
            prev.concurrency.leave();
        }
        int n = 0;
        try {
            if (subCount > 0 && !q.pumped) {
                q.engine.submit(sub, 0, subCount);
                subCount = 0;
            }
            if (q.pumped && subCount == 0) {
                q.pumping.harvest();
            } else if (!q.pumped && subCount == 0 && min > 0 && timeoutNanos != 0) {
                runAhead(min);
            }
            n = reapLocked(min, max, out, off, timeoutNanos, sub, subCount, prev == q);
            return n;
        } finally {
            if (n > 0) {
                st.on = q;
            } else if (prev != null && prev != q) {
                prev.concurrency.rejoin();
                st.on = prev;
            }
        }
    }

    private int reapLocked(int min, int max, Object[] out, int off, long timeoutNanos, CoreOp[] sub, int subCount,
                           boolean wasRunningHere) {
        q.lock.lock();
        Waiter w = null;
        try {
            if (wasRunningHere) {
                // Back for more: its completion work is finished.
                q.concurrency.stopped();
                q.serve();
            }
            if (q.closed || q.draining || timeoutNanos == 0 || q.yielding == Thread.currentThread()
                    || (q.ready.size() >= min && !q.concurrency.gated())) {
                if (subCount > 0) {
                    submitUnlocked(sub, subCount);
                    q.lock.unlock();
                    try {
                        q.pumping.harvest();
                    } finally {
                        q.lock.lock();
                    }
                }
                if (q.closed) {
                    throw q.closedException();
                }
                return takeCounted(out, off, max, 0);
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
                q.waiters.unlink(w);
                if (q.closed && n == 0) {
                    throw q.closedException();
                }
            }
            if (q.closed) {
                return n;
            }
            return w.satisfied ? n + q.takeInto(out, off + n, max - n) : takeCounted(out, off, max, n);
        } finally {
            if (w != null) {
                // A wait that ended in an exception (from a request this thread ran for the
                // engine, say) leaves no waiter behind for a later post to fill.
                q.waiters.unlink(w);
                w.clear();
                q.pumping.handOver();
            }
            q.updateWatch();
            q.lock.unlock();
        }
    }

    /**
     * For a thread that holds a self-reaping context's reaping role in its reaper's place:
     * reaps 1 to {@code max} events into {@code out[0..]} like {@link #reap}, but leaves the
     * thread's running state (P3) as it was, since it only delivers in the reaper's stead.
     */
    int reapAside(int max, Object[] out, long timeoutNanos) {
        Running st = Running.current();
        CompletionQueue prev = st.on;
        st.on = null;
        try {
            return reap(1, max, out, 0, timeoutNanos, null, 0);
        } finally {
            if (st.on == q) {
                q.lock.lock();
                try {
                    q.concurrency.stopped();
                } finally {
                    q.lock.unlock();
                }
            }
            st.on = prev;
        }
    }

    /**
     * Makes the reaper {@code t} leave its wait and not wait again until {@link #yieldDone}:
     * a helper wants its role. Returns the target to wake the engine with when {@code t} sleeps
     * in the kernel as the leader, else 0 (it is woken here when it parks in the queue).
     */
    int yieldFor(Thread t) {
        q.lock.lock();
        try {
            q.yielding = t;
            LockSupport.unpark(t);
            return q.pumping.leaderTargetOf(t);
        } finally {
            q.lock.unlock();
        }
    }

    /** The reaper {@code t} holds its role again: its reaps wait as usual. */
    void yieldDone(Thread t) {
        q.lock.lock();
        try {
            if (q.yielding == t) {
                q.yielding = null;
            }
        } finally {
            q.lock.unlock();
        }
    }

    /**
     * Takes up to {@code max - already} more ready events, unless concurrency forbids a new
     * running thread; counts this thread as running when it ends up with events. Lock held.
     */
    private int takeCounted(Object[] out, int off, int max, int already) {
        if (q.concurrency.gated()) {
            return already;
        }
        int n = already + q.takeInto(out, off + already, max - already);
        if (n > 0) {
            q.concurrency.started();
        }
        return n;
    }

    /** Submits with the lock released (the engine may take its own locks or enter the kernel). */
    private void submitUnlocked(CoreOp[] sub, int count) {
        q.lock.unlock();
        try {
            q.engine.submit(sub, 0, count);
        } finally {
            q.lock.lock();
        }
    }

    /**
     * Waits for one op's event and takes only that one (C6). Not subject to concurrency
     * control; the calling thread counts nowhere while it waits and resumes its previous
     * running state afterwards.
     *
     * @return true when the event was copied to {@code out[off]}, false on timeout
     * @throws IllegalStateException when the op is not in flight here, is already awaited,
     *         or the context closes
     */
    boolean await(CoreOp op, Object[] out, int off, long timeoutNanos) {
        Running st = Running.current();
        CompletionQueue prev = st.on;
        if (prev != null) {
            prev.concurrency.leave();
        }
        try {
            if (q.pumped) {
                q.pumping.harvest();
            }
            return awaitLocked(op, out, off, timeoutNanos);
        } finally {
            if (prev != null) {
                prev.concurrency.rejoin();
            }
        }
    }

    private boolean awaitLocked(CoreOp op, Object[] out, int off, long timeoutNanos) {
        q.lock.lock();
        Waiter w = null;
        try {
            if (q.closed) {
                throw q.closedException();
            }
            if (op.ctx != q.owner || op.state() == CoreOp.IDLE) {
                throw new IllegalStateException("request " + op + " is not in flight on " + q.owner.name()
                        + " (never submitted here, or its event was already reaped)");
            }
            if (op.state() == CoreOp.COMPLETED) {
                q.takeOne(op, out[off]);
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
                q.waiters.unlink(w);
                if (q.closed) {
                    throw q.closedException();
                }
                return false;
            }
            return true;
        } finally {
            if (w != null) {
                // As in reapLocked: no waiter stays behind an exception.
                if (w.linked && op.awaiter == w) {
                    op.awaiter = null;
                }
                q.waiters.unlink(w);
                w.clear();
                q.pumping.handOver();
            }
            q.updateWatch();
            q.lock.unlock();
        }
    }

    /**
     * Caller-runs, on an engine with its own threads: before it parks, the waiting thread lets
     * the engine run a queued request on it ({@code IoEngine.runQueued}); meanwhile posts hand
     * it events without waking it. True when the engine did something: look again. Lock held
     * on entry and exit, released meanwhile.
     */
    private boolean runQueued(Waiter w) {
        if (!q.gate.enter()) {
            return false;
        }
        w.running = true;
        q.lock.unlock();
        try {
            return q.engine.runQueued();
        } finally {
            q.gate.exit();
            q.lock.lock();
            w.running = false;
        }
    }

    /**
     * Caller-runs ahead of the lock, on an engine with its own threads: while fewer than
     * {@code min} events are ready, the calling thread runs queued requests before it takes
     * the queue's lock, as it would after linking its waiter in {@link #waitFor}; at depth 1
     * the request it has just submitted then completes before the lock is taken once, where
     * the wait took it, gave it up around the run and took it again, and linked and unlinked
     * a waiter. What it reads here without the lock (the ready count, the concurrency limit,
     * the yielding thread) only decides whether to run a request now or a moment later.
     * Not under a concurrency limit: a thread that ran here counts as running until it takes
     * the lock, and must not hold other waiters back while it runs requests.
     */
    private void runAhead(int min) {
        Thread me = Thread.currentThread();
        if (q.ready.size() >= min || !q.concurrency.unlimitedNow() || q.yielding == me || me.isVirtual()
                || !q.gate.enter()) {
            return;
        }
        try {
            while (q.engine.runQueued() && q.ready.size() < min) {
                // Each run posted a completion, or put its request back for another iteration.
            }
        } finally {
            q.gate.exit();
        }
    }

    /** Links a waiter, and makes the leader's kernel wait fit what it needs. Lock held. */
    private void link(Waiter w) {
        q.waiters.link(w);
        q.pumping.linked();
    }

    /**
     * Parks or pumps until w is satisfied, the deadline passes, or the queue closes (or
     * drains). Lock held. An interrupt does not end the wait: the status is set aside while
     * parking (a park returns at once while it is set, so the loop would spin) and restored
     * on the way out.
     */
    private void waitFor(Waiter w, long timeoutNanos) {
        boolean timed = timeoutNanos > 0;
        long deadline = timed ? System.nanoTime() + timeoutNanos : 0;
        boolean interrupted = false;
        // J3: a virtual thread never waits in a native call (it would hold its carrier): a
        // platform thread of the context's, the background pump, waits in the kernel for it,
        // and the virtual thread parks in Java like any other waiter.
        boolean mayLead = !Thread.currentThread().isVirtual();
        if (!mayLead && q.pumped) {
            q.pumping.startBackground();
        }
        boolean first = true;
        try {
            while (!w.satisfied && !q.closed && !q.draining && q.yielding != w.thread) {
                interrupted |= Thread.interrupted();
                long rem = -1;
                if (timed) {
                    // The first time round the whole timeout is left (a clock read saved per wait).
                    rem = first ? timeoutNanos : deadline - System.nanoTime();
                    if (rem <= 0) {
                        return;
                    }
                }
                first = false;
                if (mayLead && q.pumping.mayLead() && (w.pendingCount > 0 || q.gate.enter())) {
                    q.pumping.leadOnce(w, rem);
                } else {
                    if (w.pendingCount > 0) {
                        submitUnlocked(w.pendingOps, w.pendingCount);
                        w.pendingOps = null;
                        w.pendingCount = 0;
                        continue;
                    }
                    // A post that satisfied it meanwhile did not unpark it: look again before parking.
                    if (mayLead && !q.pumped && (runQueued(w) || w.satisfied)) {
                        continue;
                    }
                    q.lock.unlock();
                    try {
                        if (timed) {
                            LockSupport.parkNanos(this, rem);
                        } else {
                            LockSupport.park(this);
                        }
                    } finally {
                        q.lock.lock();
                    }
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
