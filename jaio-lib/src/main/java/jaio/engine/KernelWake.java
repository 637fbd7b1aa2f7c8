package jaio.engine;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The wake-up protocol of an engine whose waiter sleeps in the kernel until at least N
 * completions are there (io_getevents, io_uring_enter with GETEVENTS), shared by the kernel
 * engines. Nothing but completions ends such a wait, so a wake-up is made of them: the engine
 * posts as many internal, instantly completing requests as the waiter asked for, and whoever
 * reaps them swallows them.
 *
 * <p>The handshake, which loses no wake-up: the waiter publishes its N ({@link #beginWait})
 * before it looks at the ring, and a thread that posted completions outside the waiter's own
 * reaping bumps a counter before it reads N ({@link #kick}). So either the waiter sees the
 * bump and returns at once, or the kicker sees N and posts wake-ups. A reaper other than the
 * waiter that swallows wake-ups meant for a waiter still on its way into the kernel bumps the
 * counter too ({@link #swallowed}), so that waiter returns at once instead.
 *
 * <p>Thread safe. {@link #beginWait} and {@link #endWait} are called by the one waiter (under
 * the engine's reap lock); the rest by anyone.
 */
public final class KernelWake {
    /** Posts {@code n} internal wake-up completions; returns how many it posted. */
    @FunctionalInterface
    public interface Poster {
        int post(int n);
    }

    /** Wake-up completions posted and not yet reaped. */
    private final AtomicInteger outstanding = new AtomicInteger();
    /** Posts made by anyone but the waiter in the kernel. */
    private final AtomicLong posts = new AtomicLong();
    /** The N of the waiter in (or entering) the kernel; 0 when there is none. */
    private volatile int waiterMin;
    /** {@link #posts} as of the waiter's last return; the waiter's own. */
    private long seen;

    /**
     * The waiter is about to look at the ring and then wait for {@code need} completions.
     *
     * @return true when completions were posted outside its reaping since its last wait, so
     *         it must return at once instead of waiting
     */
    public boolean beginWait(int need) {
        waiterMin = need;
        return posts.get() != seen;
    }

    /** The waiter is back from the kernel (or did not go). */
    public void endWait() {
        waiterMin = 0;
        seen = posts.get();
    }

    /** The N of the waiter in the kernel, or 0. */
    public int waiterMin() {
        return waiterMin;
    }

    /**
     * After a post that did not come from the waiter's own reaping: when a waiter is in (or
     * entering) the kernel, has {@code wakeup} make sure its N wake-ups are on their way
     * (the engine's method that takes its lock and calls {@link #ensure}).
     */
    public void kick(java.util.function.IntConsumer wakeup) {
        posts.incrementAndGet();
        int m = waiterMin;
        if (m > 0) {
            wakeup.accept(m);
        }
    }

    /**
     * Makes sure {@code k} wake-ups are on their way: enough for any kernel wait for at most
     * k completions, in progress or about to start. The caller holds the lock under which the
     * engine posts wake-ups and counts what is in its ring, so that the count of outstanding
     * wake-ups is exact whenever that lock is free.
     */
    public void ensure(int k, Poster poster) {
        int want = k - outstanding.get();
        if (want > 0) {
            int n = poster.post(want);
            if (n > 0) {
                outstanding.addAndGet(n);
            }
        }
    }

    /**
     * A reaper took {@code wakes} wake-up completions; {@code byWaiter} when it is the waiter
     * itself, {@code posted} when it also posted real completions.
     */
    public void swallowed(int wakes, boolean byWaiter, boolean posted) {
        if (wakes == 0) {
            return;
        }
        outstanding.addAndGet(-wakes);
        if (!byWaiter && !posted) {
            // Meant for a waiter not yet in the kernel: make it return at once instead.
            posts.incrementAndGet();
        }
    }

    /** Wake-ups posted and not yet reaped. */
    public int outstanding() {
        return outstanding.get();
    }
}
