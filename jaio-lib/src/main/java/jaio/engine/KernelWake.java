package jaio.engine;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntConsumer;

/**
 * Any thread may call it; the one waiter calls {@link #beginWait} and {@link #endWait} under
 * the engine's reap lock, {@link #ensure} runs under the engine's submit lock, and the
 * handshake between waiter and posters is made of volatile accesses (see below).
 *
 * <p>The wake-up protocol of an engine whose waiter sleeps in the kernel until at least N
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
 * <p>The handshake is Dekker's: the waiter writes {@link #waiterMin} and then reads
 * {@link #posts}; a poster writes posts and then reads waiterMin. All four accesses are
 * volatile, hence totally ordered, so at least one side sees the other's write.
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
        // Volatile write then volatile read: publishes N to any poster that bumps posts after
        // this read, and sees every bump made before it (the Dekker pair of kick).
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
    public void kick(IntConsumer wakeup) {
        // Bump then read (both volatile): a waiter that published its N before the bump is
        // seen here; one that publishes it later sees the bump in beginWait.
        posts.incrementAndGet();
        int m = waiterMin;
        if (m > 0) {
            wakeup.accept(m);
        }
    }

    /**
     * Makes sure {@code k} wake-ups are on their way: enough for any kernel wait for at most
     * k completions, in progress or about to start. Callers hold the engine's submit lock,
     * so two of them never post for the same shortfall. {@link #swallowed} runs under the
     * reap lock instead (hence an atomic counter), which a waiter holds while it is in the
     * kernel: whenever a waiter can be waiting, no reaper is between taking wake-ups from the
     * ring and counting them off, and the count here is what is really on its way.
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
     * itself, {@code posted} when it also posted real completions. Under the reap lock.
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
