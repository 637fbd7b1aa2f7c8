package jaio.core;

import java.util.concurrent.locks.LockSupport;

/**
 * The threads waiting on a completion queue, guarded by the queue's lock (not thread safe on
 * its own): newest first (the seed's exclusive LIFO wait queue), with the smallest N among
 * getEvents waiters kept at hand so that a post can tell in O(1) whether anybody can be
 * satisfied.
 */
final class WaiterList {
    /** Newest linked waiter; the list runs from newest to oldest. */
    private Waiter newest;
    /** Smallest N among linked getEvents waiters (Integer.MAX_VALUE when none). */
    private int minNeed = Integer.MAX_VALUE;
    /** Linked await waiters. */
    private int awaiting;

    Waiter newest() {
        return newest;
    }

    int minNeed() {
        return minNeed;
    }

    int awaiting() {
        return awaiting;
    }

    boolean isEmpty() {
        return newest == null;
    }

    void link(Waiter w) {
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
    }

    void unlink(Waiter w) {
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

    /** The newest getEvents waiter whose N is met by {@code ready} events, or null. */
    Waiter newestSatisfiable(int ready) {
        Waiter w = newest;
        while (w != null && (w.target != null || w.min > ready)) {
            w = w.older;
        }
        return w;
    }

    void unparkAll() {
        for (Waiter w = newest; w != null; w = w.older) {
            LockSupport.unpark(w.thread);
        }
    }
}
