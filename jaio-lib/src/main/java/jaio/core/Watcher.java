package jaio.core;

import java.util.concurrent.locks.LockSupport;

/**
 * A thread watching several completion queues at once (a group wait, SPEC C12). Queues
 * signal it when events they hold become available to take; it then takes them itself, in
 * the group's priority order. Signals are sticky: one that arrives before the thread parks
 * keeps it from parking.
 */
public final class Watcher {
    final Thread thread;
    private volatile boolean signaled;

    public Watcher(Thread thread) {
        this.thread = thread;
    }

    void signal() {
        signaled = true;
        LockSupport.unpark(thread);
    }

    /** Clears the signal; returns whether one had arrived. */
    public boolean consume() {
        boolean s = signaled;
        signaled = false;
        return s;
    }

    public boolean signaled() {
        return signaled;
    }
}
