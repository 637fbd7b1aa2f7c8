package jaio.core;

import java.nio.channels.Pipe;
import java.util.Arrays;
import java.util.concurrent.locks.LockSupport;
import jaio.spi.Counters;
import jaio.spi.IoEngine;
import jaio.spi.Op;

/**
 * A context's completion queue and its delivery policy (SPEC C4-C6, C10, C12, P2, P3; seed
 * sections 2.5 and 2.6).
 *
 * <p>Any number of engine threads post events; any number of threads wait for them. The
 * policy, all under one lock:
 * <ul>
 *   <li><b>At least N, exclusive, LIFO.</b> A waiter states its N. Each posted event is
 *       offered to the waiters newest first; the first whose N is met is handed N events at
 *       once (copied into its own event array under the lock) and woken. One event wakes at
 *       most one waiter: no herd. Posting a batch behaves as posting its events one by one.</li>
 *   <li><b>Balance beyond N.</b> Events of a posting batch left once every satisfiable waiter
 *       has its N are dealt one at a time to the waiters that batch woke, in turn, up to each
 *       one's maximum. A woken waiter then takes what is still ready, up to its maximum.</li>
 *   <li><b>Priority.</b> See {@link ReadyList}: highest first, with a starvation bound.</li>
 *   <li><b>One request.</b> A thread awaiting a particular request is handed that request's
 *       event and nothing else; no other waiter can take it.</li>
 *   <li><b>Concurrency (P3).</b> With a concurrency value K, events are handed out only while
 *       fewer than K threads run on the context (see {@link Running} for what counts); when
 *       one stops running, waiters are served again, newest first.</li>
 *   <li><b>Pumping.</b> For engines whose completions sit in a kernel ring, one thread at a time
 *       (the leader) blocks in the kernel, asking for as many completions as the neediest
 *       waiter lacks; the others park. When a waiter arrives that needs fewer, the engine is
 *       told to wake the leader. A background pump thread can take the leader's place for
 *       good, for contexts watched from outside (eventfd, Selector, groups).</li>
 *   <li><b>Watching.</b> Group waiters and a Selector channel are told whenever events are
 *       available to take.</li>
 * </ul>
 * Every call into the engine from here goes through the context's engine gate, so that close
 * never releases an engine another thread is inside, and none is made while holding the
 * queue's lock, so that an engine may post to the sink while holding its own locks.
 */
final class CompletionQueue {
    private static final ThreadLocal<Waiter> WAITERS = ThreadLocal.withInitial(() -> new Waiter(Thread.currentThread()));

    final WakingLock lock = new WakingLock();
    private final ContextCore<?> ctx;
    private final Counters counters;
    private IoEngine engine;
    private boolean pump;

    private final ReadyList ready = new ReadyList();
    private final WaiterList waiters = new WaiterList();

    private Waiter leader;
    private int leaderTarget;
    /** The closing thread while it pumps the engine. */
    private Thread closer;
    /** The background pump thread, once started. */
    private Thread background;

    /** P3: the concurrency value (0: unlimited) and the threads running on this context. */
    private int concurrency;
    private int running;

    /** Waiters woken by the post in progress, for dealing the leftovers. */
    private Waiter[] woken = new Waiter[8];
    private int wokenCount;

    private Watcher[] watchers = new Watcher[0];
    private ReadyChannel channel;

    private boolean closed;

    CompletionQueue(ContextCore<?> ctx, Counters counters) {
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
                postLocked((CoreOp) ops[i]);
            }
            dealLeftovers();
            updateWatch();
        } finally {
            lock.unlock();
        }
    }

    void post(CoreOp op) {
        lock.lock();
        try {
            wokenCount = 0;
            postLocked(op);
            dealLeftovers();
            updateWatch();
        } finally {
            lock.unlock();
        }
    }

    private void postLocked(CoreOp op) {
        if (closed) {
            op.setState(CoreOp.IDLE);
            ctx.eventsGone(1);
            return;
        }
        Waiter a = op.awaiter;
        if (a != null) {
            op.awaiter = null;
            give(a, op);
            a.satisfied = true;
            waiters.unlink(a);
            wake(a);
            return;
        }
        op.setState(CoreOp.COMPLETED);
        ready.add(op);
        if (ready.size() >= waiters.minNeed()) {
            dispatch();
        }
    }

    /** Hands N events to each waiter whose N is met, newest first, while concurrency allows. */
    private void dispatch() {
        while (ready.size() >= waiters.minNeed() && !gated()) {
            Waiter w = waiters.newestSatisfiable(ready.size());
            if (w == null) {
                return;
            }
            for (int i = 0; i < w.min; i++) {
                give(w, ready.take());
            }
            w.satisfied = true;
            running++;
            waiters.unlink(w);
            if (wokenCount == woken.length) {
                woken = Arrays.copyOf(woken, wokenCount * 2);
            }
            woken[wokenCount++] = w;
            wake(w);
        }
    }

    /** Deals what the woken waiters left, one event at a time to each in turn. */
    private void dealLeftovers() {
        int n = wokenCount;
        boolean dealt = true;
        while (n > 0 && ready.size() > 0 && dealt) {
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

    private boolean gated() {
        return concurrency > 0 && running >= concurrency;
    }

    // ------------------------------------------------------------------ reaping

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
        if (prev != null && prev != this) {
            prev.leave();
        }
        int n = 0;
        try {
            if (subCount > 0 && !pump) {
                engine.submit(sub, 0, subCount);
                subCount = 0;
            }
            if (pump && subCount == 0) {
                harvest();
            }
            n = reapLocked(min, max, out, off, timeoutNanos, sub, subCount, prev == this);
            return n;
        } finally {
            if (n > 0) {
                st.on = this;
            } else if (prev != null && prev != this) {
                prev.rejoin();
                st.on = prev;
            }
        }
    }

    private int reapLocked(int min, int max, Object[] out, int off, long timeoutNanos, CoreOp[] sub, int subCount,
                           boolean wasRunningHere) {
        lock.lock();
        Waiter w = null;
        try {
            if (wasRunningHere) {
                // Back for more: its completion work is finished.
                running--;
                wokenCount = 0;
                dispatch();
                dealLeftovers();
            }
            if (closed || timeoutNanos == 0 || (ready.size() >= min && !gated())) {
                if (subCount > 0) {
                    submitUnlocked(sub, subCount);
                    lock.unlock();
                    try {
                        harvest();
                    } finally {
                        lock.lock();
                    }
                }
                if (closed) {
                    throw ctx.closedException();
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
                waiters.unlink(w);
                if (closed && n == 0) {
                    throw ctx.closedException();
                }
            }
            if (closed) {
                return n;
            }
            return w.satisfied ? n + takeInto(out, off + n, max - n) : takeCounted(out, off, max, n);
        } finally {
            if (w != null) {
                w.clear();
                handOverPumping();
            }
            updateWatch();
            lock.unlock();
        }
    }

    /**
     * Takes up to {@code max - already} more ready events, unless concurrency forbids a new
     * running thread; counts this thread as running when it ends up with events. Lock held.
     */
    private int takeCounted(Object[] out, int off, int max, int already) {
        if (gated()) {
            return already;
        }
        int n = already + takeInto(out, off + already, max - already);
        if (n > 0) {
            running++;
        }
        return n;
    }

    /** Submits with the lock released (the engine may take its own locks or enter the kernel). */
    private void submitUnlocked(CoreOp[] sub, int count) {
        lock.unlock();
        try {
            engine.submit(sub, 0, count);
        } finally {
            lock.lock();
        }
    }

    /** A non-blocking harvest, unless the context is closing. Lock not held. */
    private void harvest() {
        if (ctx.enterEngine()) {
            try {
                engine.harvest();
            } finally {
                ctx.exitEngine();
            }
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
            prev.leave();
        }
        try {
            if (pump) {
                harvest();
            }
            return awaitLocked(op, out, off, timeoutNanos);
        } finally {
            if (prev != null) {
                prev.rejoin();
            }
        }
    }

    private boolean awaitLocked(CoreOp op, Object[] out, int off, long timeoutNanos) {
        lock.lock();
        Waiter w = null;
        try {
            if (closed) {
                throw ctx.closedException();
            }
            if (op.ctx != ctx || op.state() == CoreOp.IDLE) {
                throw new IllegalStateException("request " + op + " is not in flight on " + ctx.name()
                        + " (never submitted here, or its event was already reaped)");
            }
            if (op.state() == CoreOp.COMPLETED) {
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
                waiters.unlink(w);
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
            updateWatch();
            lock.unlock();
        }
    }

    /**
     * Parks or pumps until w is satisfied, the deadline passes, or the queue closes. Lock held.
     * An interrupt does not end the wait: the status is set aside while parking (a park returns
     * at once while it is set, so the loop would spin) and restored on the way out.
     */
    private void waitFor(Waiter w, long timeoutNanos) {
        boolean timed = timeoutNanos > 0;
        long deadline = timed ? System.nanoTime() + timeoutNanos : 0;
        boolean interrupted = false;
        try {
            while (!w.satisfied && !closed) {
                interrupted |= Thread.interrupted();
                long rem = -1;
                if (timed) {
                    rem = deadline - System.nanoTime();
                    if (rem <= 0) {
                        return;
                    }
                }
                boolean lead = pump && leader == null && closer == null && !(gated() && ready.size() > 0);
                if (lead && (w.pendingCount > 0 || ctx.enterEngine())) {
                    pumpAsLeader(w, rem);
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
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * One kernel wait as the leader. The engine gate is held: entered by the caller, or by the
     * submit-and-wait caller when pending ops go with the wait. Lock held on entry and exit.
     */
    private void pumpAsLeader(Waiter w, long rem) {
        leader = w;
        int target = pumpTarget();
        leaderTarget = target;
        CoreOp[] sub = w.pendingOps;
        int subCount = w.pendingCount;
        w.pendingOps = null;
        w.pendingCount = 0;
        lock.unlock();
        try {
            if (subCount > 0) {
                engine.submitAndWait(sub, 0, subCount, target, rem);
            } else {
                try {
                    engine.waitForCompletions(target, rem);
                } finally {
                    ctx.exitEngine();
                }
            }
        } finally {
            lock.lock();
            leader = null;
            leaderTarget = 0;
        }
    }

    /** How many kernel completions the leader should wait for: what the neediest waiter lacks. */
    private int pumpTarget() {
        if (waiters.awaiting() > 0) {
            return 1;
        }
        return Math.max(1, waiters.minNeed() - ready.size());
    }

    /** After a waiter leaves: make sure somebody pumps for those still waiting. Lock held. */
    private void handOverPumping() {
        Waiter n = waiters.newest();
        if (pump && leader == null && n != null && !closed) {
            lock.unparkOnRelease(n.thread);
        }
    }

    /** Takes up to max ready events into out[off..]; returns how many. Lock held. */
    private int takeInto(Object[] out, int off, int max) {
        int n = 0;
        while (n < max && ready.size() > 0) {
            CoreOp op = ready.take();
            ctx.fill(out[off + n], op);
            n++;
        }
        if (n > 0) {
            counters.reaped.add(n);
            ctx.eventsGone(n);
        }
        return n;
    }

    private void give(Waiter w, CoreOp op) {
        ctx.fill(w.out[w.off + w.got], op);
        w.got++;
        counters.reaped.increment();
        ctx.eventsGone(1);
    }

    /** Wakes a waiter once the lock is released (so it does not run into the lock still held). Lock held. */
    private void wake(Waiter w) {
        counters.wakeups.increment();
        lock.unparkOnRelease(w.thread);
    }

    /**
     * Links a waiter; when the leader sleeps in the kernel for more completions than this
     * waiter needs, wakes it, with the lock released (the engine is never called under the
     * queue's lock). Lock held on entry and exit.
     */
    private void link(Waiter w) {
        waiters.link(w);
        if (leader != null && leaderTarget > pumpTarget()) {
            int target = leaderTarget;
            lock.unlock();
            try {
                wakeLeader(target);
            } finally {
                lock.lock();
            }
        }
    }

    private void wakeLeader(int target) {
        if (ctx.enterEngine()) {
            try {
                engine.wakeup(target);
            } finally {
                ctx.exitEngine();
            }
        }
    }

    // ------------------------------------------------------------------ concurrency (P3)

    /** Sets the concurrency value K (0: unlimited) and serves waiters a raised K admits. */
    void setConcurrency(int k) {
        lock.lock();
        try {
            concurrency = k;
            wokenCount = 0;
            dispatch();
            dealLeftovers();
            updateWatch();
        } finally {
            lock.unlock();
        }
    }

    /**
     * For a group wait about to park (P3): the calling thread stops running wherever it runs,
     * since it now blocks inside jaio. Returns the queue it ran on, or null.
     */
    static CompletionQueue pauseRunning() {
        Running st = Running.current();
        CompletionQueue q = st.on;
        if (q != null) {
            st.on = null;
            q.leave();
        }
        return q;
    }

    /**
     * For a group wait that returns (P3): when the calling thread runs nowhere now, it runs on
     * {@code q} again (the member it took its last events from, or where it ran before the
     * call when it took none). Nothing happens for a null {@code q}.
     */
    static void resumeRunning(CompletionQueue q) {
        Running st = Running.current();
        if (st.on == null && q != null) {
            q.rejoin();
            st.on = q;
        }
    }

    /** The queue the calling thread runs on, or null. */
    static CompletionQueue runningOn() {
        return Running.current().on;
    }

    /** The calling thread stops running here (it blocks elsewhere in jaio). Lock not held. */
    private void leave() {
        lock.lock();
        try {
            running--;
            wokenCount = 0;
            dispatch();
            dealLeftovers();
            updateWatch();
        } finally {
            lock.unlock();
        }
    }

    /** The calling thread runs here again after blocking elsewhere in jaio. Lock not held. */
    private void rejoin() {
        lock.lock();
        try {
            running++;
            updateWatch();
        } finally {
            lock.unlock();
        }
    }

    int runningThreads() {
        lock.lock();
        try {
            return running;
        } finally {
            lock.unlock();
        }
    }

    // ------------------------------------------------------------------ watching (C10, C12)

    /** Tells watchers and the Selector channel whether events are available. Lock held. */
    private void updateWatch() {
        boolean available = ready.size() > 0 && !gated() && !closed;
        if (channel != null) {
            channel.set(available);
        }
        if (available) {
            for (Watcher w : watchers) {
                w.signal();
            }
        }
    }

    void addWatcher(Watcher w) {
        lock.lock();
        try {
            Watcher[] n = Arrays.copyOf(watchers, watchers.length + 1);
            n[watchers.length] = w;
            watchers = n;
            if (ready.size() > 0 && !gated()) {
                w.signal();
            }
            if (closed) {
                w.signal();
            }
        } finally {
            lock.unlock();
        }
    }

    void removeWatcher(Watcher w) {
        lock.lock();
        try {
            for (int i = 0; i < watchers.length; i++) {
                if (watchers[i] == w) {
                    Watcher[] n = new Watcher[watchers.length - 1];
                    System.arraycopy(watchers, 0, n, 0, i);
                    System.arraycopy(watchers, i + 1, n, i, watchers.length - i - 1);
                    watchers = n;
                    return;
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** The channel readable while events are available, created on first use. */
    Pipe.SourceChannel readyChannel() {
        lock.lock();
        try {
            if (closed) {
                throw ctx.closedException();
            }
            if (channel == null) {
                channel = new ReadyChannel();
                updateWatch();
            }
            return channel.source();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Starts a thread that keeps harvesting the engine so that events reach the queue (and
     * its watchers) without anybody reaping; for engines that need pumping, once.
     */
    void startBackgroundPump() {
        lock.lock();
        try {
            if (!pump || background != null || closed) {
                return;
            }
            background = Thread.ofPlatform().daemon().name(ctx.name() + "-pump").unstarted(this::backgroundLoop);
            background.start();
        } finally {
            lock.unlock();
        }
    }

    private void backgroundLoop() {
        Waiter me = new Waiter(Thread.currentThread());
        try {
            pumpInBackground(me);
        } finally {
            lock.lock();
            try {
                if (leader == me) {
                    leader = null;
                    handOverPumping();
                }
            } finally {
                lock.unlock();
            }
        }
    }

    private void pumpInBackground(Waiter me) {
        while (true) {
            lock.lock();
            try {
                // Wait for a regular leader to finish, then lead for good.
                while (!closed && leader != null && leader != me) {
                    lock.unlock();
                    try {
                        LockSupport.parkNanos(this, 1_000_000);
                    } finally {
                        lock.lock();
                    }
                }
                if (closed || !ctx.enterEngine()) {
                    return;
                }
                leader = me;
                leaderTarget = 1;
            } finally {
                lock.unlock();
            }
            try {
                engine.waitForCompletions(1, 100_000_000L);
            } finally {
                ctx.exitEngine();
            }
        }
    }

    // ------------------------------------------------------------------ closing

    /**
     * Closes the queue: unreaped events are dropped, every waiter and watcher is woken (a
     * waiter leaves with what it was handed, or an IllegalStateException), and a leader
     * asleep in the kernel is woken. Later posts are dropped.
     */
    void close() {
        int wake = 0;
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            int dropped = 0;
            while (ready.size() > 0) {
                ready.take().setState(CoreOp.IDLE);
                dropped++;
            }
            if (dropped > 0) {
                ctx.eventsGone(dropped);
            }
            waiters.unparkAll();
            for (Watcher w : watchers) {
                w.signal();
            }
            if (leader != null) {
                wake = leaderTarget;
            }
            if (channel != null) {
                channel.set(false);
            }
        } finally {
            lock.unlock();
        }
        if (wake > 0) {
            // Called by the closing thread, which the engine gate does not count.
            engine.wakeup(wake);
        }
    }

    /** After close: waits for the background pump to stop, then closes the Selector channel. */
    void awaitQuiet() {
        Thread bg;
        lock.lock();
        try {
            bg = background;
        } finally {
            lock.unlock();
        }
        if (bg != null && bg != Thread.currentThread()) {
            boolean interrupted = false;
            while (bg.isAlive()) {
                try {
                    bg.join();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        lock.lock();
        try {
            if (channel != null) {
                channel.close();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * For the closing thread: pumps the engine once, unless another thread still holds the
     * pump (it is leaving, having been woken by {@link #close}). Returns after at most about
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

    int waitingThreads() {
        lock.lock();
        try {
            int n = 0;
            for (Waiter w = waiters.newest(); w != null; w = w.older) {
                n++;
            }
            return n;
        } finally {
            lock.unlock();
        }
    }
}
