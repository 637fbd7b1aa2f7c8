package jaio.core;

import java.util.concurrent.locks.LockSupport;

/**
 * Who waits in the kernel for a context whose engine's completions sit in a kernel ring
 * ({@code IoEngine.needsPumping()}): one thread at a time, the leader, guarded by the
 * completion queue's lock. The leader is a waiting thread: it blocks in the kernel asking for
 * as many completions as the neediest waiter lacks, while the others park; when a waiter
 * arrives that needs fewer, the engine is told to wake the leader, and when a waiter leaves,
 * another is made to take over. A background pump thread can take the leader's place for
 * good, for contexts watched from outside (eventfd, Selector, groups) or waited on by a virtual
 * thread (which never leads: it would hold its carrier in the kernel); during close the
 * closing thread pumps. Kernel waits are made with the lock released, inside the engine gate.
 */
final class Pumping {
    private final CompletionQueue q;

    private Waiter leader;
    private int leaderTarget;
    /** The closing thread while it pumps the engine. */
    private Thread closer;
    /** The background pump thread, once started. */
    private Thread background;

    Pumping(CompletionQueue q) {
        this.q = q;
    }

    /** The leader's target while there is a leader, else 0. Lock held. */
    int leaderTarget() {
        return leader != null ? leaderTarget : 0;
    }

    /** The leader's target when {@code t} is the leader, else 0. Lock held. */
    int leaderTargetOf(Thread t) {
        return leader != null && leader.thread == t ? leaderTarget : 0;
    }

    /** Wakes a leader asleep in the kernel for {@code target} completions, unless closing. Lock not held. */
    void wakeLeader(int target) {
        if (q.gate.enter()) {
            try {
                q.engine.wakeup(target);
            } finally {
                q.gate.exit();
            }
        }
    }

    /** Whether a waiter may lead now: pumping is needed and nobody else pumps. Lock held. */
    boolean mayLead() {
        return q.pumped && leader == null && closer == null && !(q.concurrency.gated() && q.ready.size() > 0);
    }

    /**
     * One kernel wait as the leader. The engine gate is held: entered by the caller, or by the
     * submit-and-wait caller when pending ops go with the wait. Lock held on entry and exit.
     */
    void leadOnce(Waiter w, long rem) {
        leader = w;
        int target = target();
        leaderTarget = target;
        CoreOp[] sub = w.pendingOps;
        int subCount = w.pendingCount;
        w.pendingOps = null;
        w.pendingCount = 0;
        q.lock.unlock();
        try {
            if (subCount > 0) {
                q.engine.submitAndWait(sub, 0, subCount, target, rem);
            } else {
                try {
                    q.engine.waitForCompletions(target, rem);
                } finally {
                    q.gate.exit();
                }
            }
        } finally {
            q.lock.lock();
            leader = null;
            leaderTarget = 0;
        }
    }

    /** How many kernel completions the leader should wait for: what the neediest waiter lacks. */
    private int target() {
        if (q.waiters.awaiting() > 0) {
            return 1;
        }
        return Math.max(1, q.waiters.minNeed() - q.ready.size());
    }

    /** After a waiter leaves: make sure somebody pumps for those still waiting. Lock held. */
    void handOver() {
        Waiter n = q.waiters.newest();
        if (q.pumped && leader == null && n != null && !q.closed) {
            q.lock.unparkOnRelease(n.thread);
        }
    }

    /**
     * After a waiter was linked: when the leader sleeps in the kernel for more completions than
     * the waiters now need, wakes it, with the lock released (the engine is never called under
     * the queue's lock). Lock held on entry and exit.
     */
    void linked() {
        if (leader != null && leaderTarget > target()) {
            int t = leaderTarget;
            q.lock.unlock();
            try {
                if (q.gate.enter()) {
                    try {
                        q.engine.wakeup(t);
                    } finally {
                        q.gate.exit();
                    }
                }
            } finally {
                q.lock.lock();
            }
        }
    }

    /** A non-blocking harvest, unless the context is closing. Lock not held. */
    void harvest() {
        if (q.gate.enter()) {
            try {
                q.engine.harvest();
            } finally {
                q.gate.exit();
            }
        }
    }

    // ------------------------------------------------------------------ closing

    /**
     * For the closing thread: pumps the engine once, unless another thread still holds the
     * pump (it is leaving, having been woken by close). Returns after at most about
     * {@code sliceNanos}. The closing thread needs no gate: it releases the engine itself.
     */
    void pumpForClose(long sliceNanos) {
        q.lock.lock();
        boolean mine = false;
        try {
            if (leader == null && closer == null) {
                closer = Thread.currentThread();
                mine = true;
            }
        } finally {
            q.lock.unlock();
        }
        if (!mine) {
            LockSupport.parkNanos(this, Math.min(sliceNanos, 1_000_000));
            return;
        }
        try {
            q.engine.harvest();
            if (q.gate.inFlight() > 0) {
                q.engine.waitForCompletions(1, sliceNanos);
            }
        } finally {
            q.lock.lock();
            closer = null;
            q.lock.unlock();
        }
    }

    // ------------------------------------------------------------------ background pump

    /**
     * Starts a thread that keeps harvesting the engine so that events reach the queue (and
     * its watchers) without anybody reaping; for engines that need pumping, once.
     */
    void startBackground() {
        q.lock.lock();
        try {
            if (!q.pumped || background != null || q.closed) {
                return;
            }
            background = Thread.ofPlatform().daemon().name(q.owner.name() + "-pump").unstarted(this::backgroundLoop);
            background.start();
        } finally {
            q.lock.unlock();
        }
    }

    private void backgroundLoop() {
        Waiter me = new Waiter(Thread.currentThread());
        try {
            pumpInBackground(me);
        } finally {
            q.lock.lock();
            try {
                if (leader == me) {
                    leader = null;
                    handOver();
                }
            } finally {
                q.lock.unlock();
            }
        }
    }

    /** Leads for good: each kernel wait posts what it finds to the queue, through the context's sink. */
    private void pumpInBackground(Waiter me) {
        while (true) {
            q.lock.lock();
            try {
                // Wait for a regular leader to finish, then lead for good.
                while (!q.closed && leader != null && leader != me) {
                    q.lock.unlock();
                    try {
                        LockSupport.parkNanos(this, 1_000_000);
                    } finally {
                        q.lock.lock();
                    }
                }
                if (q.closed || !q.gate.enter()) {
                    return;
                }
                leader = me;
                leaderTarget = 1;
            } finally {
                q.lock.unlock();
            }
            try {
                q.engine.waitForCompletions(1, 100_000_000L);
            } finally {
                q.gate.exit();
            }
        }
    }

    /** After close: waits, uninterruptibly, for the background pump to stop. Lock not held. */
    void awaitBackground() {
        Thread bg;
        q.lock.lock();
        try {
            bg = background;
        } finally {
            q.lock.unlock();
        }
        if (bg == null || bg == Thread.currentThread()) {
            return;
        }
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
}
