package jaio.core;

import java.util.Arrays;
import jaio.spi.Counters;
import jaio.spi.IoEngine;
import jaio.spi.Op;

/**
 * Any number of engine threads post to a context's completion queue and any number of
 * threads take from it, all under one {@link WakingLock}; this class holds what they share
 * (the ready events, the waiting threads, the closed flag) and the posting side of the
 * delivery policy (C4-C6, P2; seed sections 2.5 and 2.6). The other jobs live beside
 * it, on the same lock: {@link Reaping} (the waiter's side of getEvents and await),
 * {@link Pumping} (kernel waits and who does them), {@link Concurrency} (P3) and
 * {@link Watching} (group waiters and the Selector channel, C10, C12).
 *
 * <p>The policy a post applies:
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
 *   <li><b>Concurrency.</b> Events are handed out only while {@link Concurrency} admits
 *       another running thread.</li>
 * </ul>
 * Every call into the engine from the queue's classes goes through the context's engine
 * gate (the closing thread's own calls aside: it is the one that releases the engine), so
 * that close never releases an engine another thread is inside; and none is made while
 * holding the lock, so that an engine may post to the sink while holding its own locks.
 */
final class CompletionQueue {
    final WakingLock lock = new WakingLock();
    final ReadyList ready = new ReadyList();
    final WaiterList waiters = new WaiterList();
    /** The context, to tell its ops from others' and to name it. */
    final ContextCore<?> owner;
    final EngineGate gate;
    final Counters counters;
    final Concurrency concurrency = new Concurrency(this);
    final Watching watching = new Watching(this);
    final Pumping pumping = new Pumping(this);
    final Reaping reaping = new Reaping(this);
    private final EventWriter<Object> writer;
    private final Room room;
    /** Set once by {@link #attach}, before any op is submitted. */
    IoEngine engine;
    /** Whether the engine's completions must be pumped from a kernel ring. */
    boolean pumped;

    /** Closed: nothing more is handed out; later posts are dropped. */
    boolean closed;
    /**
     * A self-reaping context is closing: waiting stops (the reaper returns with what is
     * ready), but events are still posted and taken so that each reaches its callback.
     */
    boolean draining;

    /**
     * A self-reaping context's reaper, while a helper wants its role: its reaps return at
     * once instead of waiting (see {@link Reaping#yieldFor}).
     */
    Thread yielding;

    /** Waiters woken by the post in progress, for dealing the leftovers. */
    private Waiter[] woken = new Waiter[8];
    private int wokenCount;

    @SuppressWarnings("unchecked") // events are the caller's E, typed Object inside the queue
    CompletionQueue(ContextCore<?> owner, EventWriter<?> writer, Room room, EngineGate gate, Counters counters) {
        this.owner = owner;
        this.writer = (EventWriter<Object>) writer;
        this.room = room;
        this.gate = gate;
        this.counters = counters;
    }

    void attach(IoEngine e) {
        this.engine = e;
        this.pumped = e.needsPumping();
    }

    // ------------------------------------------------------------------ posting

    /** Posts finished ops; called by engines through the context's sink. */
    void post(Op[] ops, int count) {
        lock.lock();
        try {
            counters.completed.add(count);
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
            counters.completed.add(1);
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
            room.release(1);
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
        op.setStateRelease(CoreOp.COMPLETED);
        ready.add(op);
        if (ready.size() >= waiters.minNeed()) {
            dispatch();
        }
    }

    /** Serves the waiters that can be served now (after concurrency let a thread go). Lock held. */
    void serve() {
        wokenCount = 0;
        dispatch();
        dealLeftovers();
    }

    /** Hands N events to each waiter whose N is met, newest first, while concurrency allows. */
    private void dispatch() {
        while (ready.size() >= waiters.minNeed() && !concurrency.gated()) {
            Waiter w = waiters.newestSatisfiable(ready.size());
            if (w == null) {
                return;
            }
            for (int i = 0; i < w.min; i++) {
                give(w, ready.take());
            }
            w.satisfied = true;
            concurrency.started();
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

    // ------------------------------------------------------------------ handing out

    /** Takes up to max ready events into out[off..]; returns how many. Lock held. */
    int takeInto(Object[] out, int off, int max) {
        int n = 0;
        while (n < max && ready.size() > 0) {
            CoreOp op = ready.take();
            fill(out[off + n], op);
            n++;
        }
        if (n > 0) {
            counters.reaped.add(n);
            room.release(n);
        }
        return n;
    }

    /** Takes one particular ready op (await) into {@code event}. Lock held. */
    void takeOne(CoreOp op, Object event) {
        ready.remove(op);
        fill(event, op);
        counters.reaped.add(1);
        room.release(1);
    }

    private void give(Waiter w, CoreOp op) {
        fill(w.out[w.off + w.got], op);
        w.got++;
        counters.reaped.add(1);
        room.release(1);
    }

    /** Copies an op's outcome into a caller's event and makes the op reusable. */
    private void fill(Object event, CoreOp op) {
        writer.write(event, op);
        op.setStateRelease(CoreOp.IDLE);
    }

    /**
     * Wakes a waiter once the lock is released (so it does not run into the lock still held),
     * unless it is not parked but running a request for the engine. Lock held.
     */
    private void wake(Waiter w) {
        if (w.running) {
            return;
        }
        counters.wakeups.increment();
        lock.unparkOnRelease(w.thread);
    }

    /** Tells watchers and the Selector channel whether events are available. Lock held. */
    void updateWatch() {
        watching.update(ready.size() > 0 && !concurrency.gated() && !closed);
    }

    // ------------------------------------------------------------------ closing

    /**
     * Closes the queue: unreaped events are dropped, every waiter and watcher is woken (a
     * waiter leaves with what it was handed, or an IllegalStateException), and a leader
     * asleep in the kernel is woken. Later posts are dropped. Called by the closing thread,
     * which the engine gate does not count: close releases the engine only after this.
     */
    void close() {
        int wake;
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
                room.release(dropped);
            }
            waiters.unparkAll();
            watching.closing();
            wake = pumping.leaderTarget();
        } finally {
            lock.unlock();
        }
        if (wake > 0) {
            engine.wakeup(wake);
        }
    }

    /**
     * After events were posted by a thread outside the engine (the chain runner's timer): the
     * leader, blocked in the kernel for completions, would not see them; make it return. Lock
     * not held; the caller is inside the gate.
     */
    void wakeLeader() {
        int wake;
        lock.lock();
        try {
            wake = pumping.leaderTarget();
        } finally {
            lock.unlock();
        }
        if (wake > 0) {
            engine.wakeup(wake);
        }
    }

    /**
     * For a self-reaping context that begins to close (any thread): waiting stops, events do
     * not. Wakes the reaper, wherever it waits, so that it sees the context closing.
     */
    void beginDrain() {
        // The reaper, inside the gate as the leader, may leave the engine and close it at any
        // moment: this pass keeps the engine open until the wake-up below is done.
        gate.pass();
        try {
            int wake;
            lock.lock();
            try {
                draining = true;
                waiters.unparkAll();
                wake = pumping.leaderTarget();
            } finally {
                lock.unlock();
            }
            if (wake > 0) {
                engine.wakeup(wake);
            }
        } finally {
            gate.exit();
        }
    }

    /** After close: waits for the background pump to stop, then closes the Selector channel. */
    void awaitQuiet() {
        pumping.awaitBackground();
        lock.lock();
        try {
            watching.closeChannel();
        } finally {
            lock.unlock();
        }
    }

    IllegalStateException closedException() {
        return owner.closedException();
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
