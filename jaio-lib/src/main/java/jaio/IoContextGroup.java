package jaio;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import jaio.core.ContextCore;
import jaio.core.Watcher;

/**
 * Several contexts waited on at once, in priority order, by any number of threads (the group
 * is immutable; its members synchronise themselves) (C12; the seed's user-space grouping
 * of completion queues). A group wait takes events from the first context that has
 * some, then the next, until it has what it asked for: higher-priority contexts are always
 * drained first.
 *
 * <p>The group holds no events of its own; it watches its members, and a member tells it when
 * events it holds are available to take. Waiters on a member context itself (its getEvents)
 * are served before group waiters. A member whose engine must be pumped from the kernel gets
 * a background thread that does it, once it has been waited on through a group.
 *
 * <p>Any number of threads may wait on a group and on its members at once.
 */
public final class IoContextGroup {
    private final IoContext[] members;

    private IoContextGroup(IoContext[] members) {
        this.members = members;
    }

    /**
     * A group of contexts, highest priority first.
     *
     * @throws IllegalArgumentException when empty or a context appears twice
     * @throws IllegalStateException when a context is self-reaping (its reaper takes every
     *         event, so a group could take none)
     */
    public static IoContextGroup of(IoContext... inPriorityOrder) {
        Objects.requireNonNull(inPriorityOrder, "IoContextGroup.of: contexts");
        if (inPriorityOrder.length == 0) {
            throw new IllegalArgumentException("a group needs at least one context");
        }
        Set<IoContext> seen = new HashSet<>();
        for (IoContext c : inPriorityOrder) {
            Objects.requireNonNull(c, "IoContextGroup.of: a context");
            c.core.requireCallerReaps("joining an IoContextGroup");
            c.core.requireSharedReaping("joining an IoContextGroup");
            if (!seen.add(c)) {
                throw new IllegalArgumentException(c + " appears twice in the group");
            }
        }
        return new IoContextGroup(inPriorityOrder.clone());
    }

    /** The members, highest priority first. */
    public List<IoContext> members() {
        return List.of(members);
    }

    /**
     * Like {@link #getEvents(int, int, Event[], long, TimeUnit)} with maxNr = events.length; a
     * negative timeout, or one too long to count in nanoseconds, waits without limit.
     */
    public int getEvents(int minNr, Event[] events, Duration timeout) {
        return getEvents(minNr, Args.length("IoContextGroup.getEvents: events", events), events,
                Args.nanos("IoContextGroup.getEvents", timeout),
                TimeUnit.NANOSECONDS);
    }

    /**
     * Reaps between {@code minNr} and {@code maxNr} events from the members, highest
     * priority first, waiting up to the timeout for minNr (negative: no limit; zero: poll).
     * {@link Event#context()} tells which member an event came from. Callbacks run on this
     * thread before it returns.
     *
     * <p>A member found closed ends the call: the events already taken (from members before
     * it, or in earlier rounds of the wait) are returned, so none is lost; when none was taken
     * the member's IllegalStateException is thrown.
     *
     * @return the number of events filled in, from events[0]
     * @throws IllegalArgumentException when {@code 0 <= minNr <= maxNr <= events.length} does
     *         not hold or an event slot is null
     * @throws IllegalStateException when a member is closed and nothing was taken
     */
    public int getEvents(int minNr, int maxNr, Event[] events, long timeout, TimeUnit unit) {
        Args.checkEvents("IoContextGroup.getEvents", minNr, maxNr, events);
        boolean timed = timeout >= 0;
        long deadline = timed ? System.nanoTime() + unit.toNanos(timeout) : 0;
        IllegalStateException[] closed = new IllegalStateException[1];
        Object before = ContextCore.runningOn();
        IoContext[] last = new IoContext[1];
        int n = poll(events, 0, maxNr, closed, last);
        if (n >= minNr || (timed && timeout == 0) || closed[0] != null) {
            return finish(events, n, closed[0]);
        }
        try {
            n = await(minNr, maxNr, events, n, timed, deadline, closed, last);
        } finally {
            // P3: while it parked the thread counted nowhere; it runs again on the member it
            // last took events from, or where it ran before the call when it took none.
            ContextCore.resumeRunning(last[0] != null ? last[0].core.runningToken() : before);
        }
        return finish(events, n, closed[0]);
    }

    /** Waits, watching every member, until minNr were taken, the deadline or a closed member; returns the count. */
    private int await(int minNr, int maxNr, Event[] events, int n, boolean timed, long deadline,
                      IllegalStateException[] closed, IoContext[] last) {
        Watcher w = new Watcher(Thread.currentThread());
        int registered = 0;
        try {
            for (IoContext c : members) {
                try {
                    c.core.addWatcher(w);
                } catch (IllegalStateException e) {
                    // Closed since the poll above: leave with what was taken, as poll would.
                    closed[0] = e;
                    return n;
                }
                registered++;
            }
            boolean interrupted = false;
            try {
                while (true) {
                    w.consume();
                    n += poll(events, n, maxNr, closed, last);
                    if (n >= minNr || closed[0] != null) {
                        break;
                    }
                    long rem = timed ? deadline - System.nanoTime() : Long.MAX_VALUE;
                    if (rem <= 0) {
                        break;
                    }
                    // Parking with the interrupt status set would return at once: keep it aside.
                    interrupted |= Thread.interrupted();
                    if (!w.signaled()) {
                        // Blocked inside jaio: no longer running on any member (P3).
                        ContextCore.pauseRunning();
                        LockSupport.parkNanos(this, rem);
                    }
                }
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        } finally {
            for (int i = 0; i < registered; i++) {
                members[i].core.removeWatcher(w);
            }
        }
        return n;
    }

    /** Returns what was taken (running its callbacks), or throws when a member closed and nothing was. */
    private static int finish(Event[] events, int n, IllegalStateException closed) {
        if (n == 0 && closed != null) {
            throw closed;
        }
        Callbacks.runAll(events, n);
        return n;
    }

    /**
     * Takes what the members hold, in priority order, into events[from..max). A closed member
     * stops the walk and is recorded in {@code closed[0]}; what was taken stays taken. The
     * member events were last taken from goes in {@code last[0]}.
     */
    private int poll(Event[] events, int from, int max, IllegalStateException[] closed, IoContext[] last) {
        int n = from;
        for (IoContext c : members) {
            if (n == max) {
                break;
            }
            try {
                int k = c.core.reap(0, max - n, events, n, 0);
                if (k > 0) {
                    last[0] = c;
                }
                n += k;
            } catch (IllegalStateException e) {
                closed[0] = e;
                break;
            }
        }
        return n - from;
    }
}
