package jaio.core;

import java.util.Arrays;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A {@link ReentrantLock}, for any thread, that unparks the threads woken while it was held
 * only once it is released (the list of them is guarded by the lock itself). A thread unparked under the lock would run straight into the lock still held by
 * its waker; besides the wasted context switch, a contended {@code ReentrantLock.lock}
 * allocates a queue node, which on the per-request path (a reaper woken by a posting worker)
 * would be an allocation per request. Reentrant like its parent: the threads are unparked
 * when the outermost hold is released.
 *
 * <p>{@link #lock} spins briefly before it queues: the sections this lock guards take tens of
 * nanoseconds, and a thread that queues on a {@code ReentrantLock} allocates a node and soon
 * parks, which on the per-request path (a worker posting while the reaper takes) would be an
 * allocation and a hand-off per request.
 */
public final class WakingLock extends ReentrantLock {
    private static final ThreadLocal<Thread[]> SCRATCH = ThreadLocal.withInitial(() -> new Thread[8]);
    /** Attempts, a spin-wait hint apart, before a contended {@link #lock} queues. */
    static final int SPINS = 128;

    /** Threads to unpark at the next release; only the holder touches them. */
    private Thread[] pending = new Thread[8];
    private int count;

    @Override
    public void lock() {
        if (tryLock()) {
            return;
        }
        for (int i = 0; i < SPINS; i++) {
            Thread.onSpinWait();
            if (tryLock()) {
                return;
            }
        }
        super.lock();
    }

    /** Unparks {@code t} once this lock is released. Lock held. */
    public void unparkOnRelease(Thread t) {
        if (count == pending.length) {
            pending = Arrays.copyOf(pending, count * 2);
        }
        pending[count++] = t;
    }

    @Override
    public void unlock() {
        if (count == 0 || getHoldCount() != 1) {
            super.unlock();
            return;
        }
        // Take the list while still holding the lock: once released, the next holder may add
        // to it.
        int n = count;
        Thread[] s = SCRATCH.get();
        if (s.length < n) {
            s = new Thread[Math.max(n, 2 * s.length)];
            SCRATCH.set(s);
        }
        System.arraycopy(pending, 0, s, 0, n);
        Arrays.fill(pending, 0, n, null);
        count = 0;
        super.unlock();
        for (int i = 0; i < n; i++) {
            LockSupport.unpark(s[i]);
            s[i] = null;
        }
    }
}
