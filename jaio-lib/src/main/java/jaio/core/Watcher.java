package jaio.core;

import java.util.concurrent.locks.LockSupport;

/**
 * A thread watching several completion queues at once (a group wait, C12), signalled
 * by any thread and consumed by its own: queues signal it when events they hold become
 * available to take; it then takes them itself, in the group's priority order. Signals are
 * sticky: a signal sets the volatile flag, then unparks, so one that comes before the watcher
 * looks at the flag keeps it from parking, and one that comes after makes its park return
 * (the unpark's permit).
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
