package jaio.engine.uring;

import java.util.Arrays;
import java.util.concurrent.locks.LockSupport;
import jaio.CancelResult;
import jaio.Errno;

/**
 * Any thread may wait here for the answer to its cancel; the table of waiting threads is
 * guarded by the engine's submit lock, and each answer is published to its waiter through a
 * volatile field. How a cancel on io_uring learns its answer: the ASYNC_CANCEL's own CQE
 * carries it (0 found and stopped, -EALREADY running, -ENOENT not found), and whoever reaps
 * that CQE stores it in the canceller's ticket and unparks it.
 */
final class UringCancel {
    /** Not answered yet (no -errno is this value). */
    private static final int PENDING = Integer.MIN_VALUE;

    /** What the engine does for a thread waiting for its answer. */
    interface Reaper {
        /** Reaps what is in the ring, if the reap lock is free; false when another thread holds it. */
        boolean tryReap();

        /** Makes the thread holding the ring, maybe waiting in the kernel, return and reap. */
        void wakeLeader();
    }

    /** One thread's wait for its answer; one per thread, reused. */
    static final class Ticket {
        /** The answer; volatile: the reaper's write publishes it to the waiting thread. */
        volatile int res = PENDING;
        Thread waiter;
        int index = -1;
    }

    private static final ThreadLocal<Ticket> TICKET = ThreadLocal.withInitial(Ticket::new);

    /** The tickets in use, by index (the low bits of the cancel's user_data). */
    private Ticket[] tickets = new Ticket[4];

    /** Files the calling thread's ticket, reset for a new answer. Under the submit lock. */
    Ticket open() {
        Ticket t = TICKET.get();
        t.res = PENDING;
        t.waiter = Thread.currentThread();
        int i = 0;
        while (i < tickets.length && tickets[i] != null) {
            i++;
        }
        if (i == tickets.length) {
            tickets = Arrays.copyOf(tickets, i * 2);
        }
        tickets[i] = t;
        t.index = i;
        return t;
    }

    /** The user_data of the ASYNC_CANCEL for ticket {@code t}. */
    static long userData(Ticket t) {
        return UringSubmitter.CANCEL_TAG | t.index;
    }

    /** Gives the ticket's index back. Under the submit lock. */
    void close(Ticket t) {
        tickets[t.index] = null;
        t.waiter = null;
        t.index = -1;
    }

    /** The reaper found the answer of ticket {@code idx}. Under the submit lock. */
    void answer(int idx, int res) {
        Ticket t = idx >= 0 && idx < tickets.length ? tickets[idx] : null;
        if (t != null) {
            t.res = res;
            LockSupport.unpark(t.waiter);
        }
    }

    /**
     * Reaps (or has the leader reap) until the answer is in. The answer usually arrives
     * inside the io_uring_enter that submitted the cancel; this thread then reaps it itself,
     * or, when the leader holds the ring, wakes the leader, which reaps it and unparks this
     * thread. No lock held.
     */
    static CancelResult await(Ticket t, Reaper reaper) {
        while (true) {
            int r = t.res;
            if (r != PENDING) {
                if (r == 0) {
                    return CancelResult.CANCELED;
                }
                return r == -Errno.ENOENT ? CancelResult.ALREADY_DONE : CancelResult.NOT_CANCELED;
            }
            if (reaper.tryReap()) {
                if (t.res == PENDING) {
                    // Not posted yet (the kernel answers through task work, say).
                    LockSupport.parkNanos(t, 50_000L);
                }
            } else {
                reaper.wakeLeader();
                LockSupport.parkNanos(t, 1_000_000L);
            }
        }
    }
}
