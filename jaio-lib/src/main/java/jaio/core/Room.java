package jaio.core;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Any thread reserves and releases room in a context, lock-free: the events it answers for,
 * requests in flight plus events not yet reaped, never exceed its capacity (C3). A
 * submission reserves before anything is started; an event releases its room when it leaves
 * the completion queue. The capacity only grows ({@link #grow}), and is volatile so that a
 * reservation made after a resize returned sees the new value.
 */
final class Room {
    private volatile int capacity;
    private final AtomicInteger used = new AtomicInteger();

    Room(int capacity) {
        this.capacity = capacity;
    }

    int capacity() {
        return capacity;
    }

    /** Events in flight plus unreaped. */
    int used() {
        return used.get();
    }

    /** Takes room for up to n events; returns how many fit (0 when full). */
    int reserve(int n) {
        while (true) {
            int u = used.get();
            int room = capacity - u;
            if (room <= 0) {
                return 0;
            }
            int k = Math.min(room, n);
            if (used.compareAndSet(u, u + k)) {
                return k;
            }
        }
    }

    /** Takes room for exactly n events, or none. */
    boolean reserveAll(int n) {
        while (true) {
            int u = used.get();
            if (capacity - u < n) {
                return false;
            }
            if (used.compareAndSet(u, u + n)) {
                return true;
            }
        }
    }

    /** Gives back room for n events (reaped, dropped, or never started). */
    void release(int n) {
        used.addAndGet(-n);
    }

    /** Raises the capacity; the caller has made sure the engine has room first. */
    void grow(int newCapacity) {
        capacity = newCapacity;
    }
}
