package jaio.engine;

import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A {@link WorkerPool}'s lock. It tries a while before it queues: the sections it guards are
 * short, and a thread that queues on a {@code ReentrantLock} allocates a node and soon parks (an
 * allocation and a hand-off per request when a worker and a submitter meet here). And it
 * unparks the workers woken under it only once it is released, so that they do not run into it.
 */
final class PoolLock {
    /** Attempts, a spin-wait hint apart, before a contended {@link #lock()} queues. */
    private static final int SPINS = 128;
    /** Each thread's array for the threads it unparks after releasing the lock. */
    private static final ThreadLocal<Thread[]> UNPARKS = ThreadLocal.withInitial(() -> new Thread[4]);

    private final ReentrantLock lock = new ReentrantLock();

    void lock() {
        if (lock.tryLock()) {
            return;
        }
        for (int i = 0; i < SPINS; i++) {
            Thread.onSpinWait();
            if (lock.tryLock()) {
                return;
            }
        }
        lock.lock();
    }

    /** Releases the lock, then unparks the threads {@code idlers} woke meanwhile. */
    void unlock(IdleWorkers idlers) {
        int n = idlers.pendingUnparks();
        if (n == 0) {
            lock.unlock();
            return;
        }
        Thread[] ts = UNPARKS.get();
        if (ts.length < n) {
            ts = new Thread[Math.max(n, 2 * ts.length)];
            UNPARKS.set(ts);
        }
        idlers.drainUnparks(ts);
        lock.unlock();
        for (int i = 0; i < n; i++) {
            LockSupport.unpark(ts[i]);
            ts[i] = null;
        }
    }

    /** Releases the lock with nobody to unpark (the section woke nobody). */
    void unlockOnly() {
        lock.unlock();
    }
}
