package jaio.engine.uring;

import java.util.Arrays;

/**
 * A thread waiting for the kernel's answer to its ASYNC_CANCEL: the reaper that takes the
 * cancel's CQE stores the answer here and unparks the thread. One per thread, reused.
 */
final class CancelTicket {
    /** Not answered yet (no -errno is this value). */
    static final int PENDING = Integer.MIN_VALUE;

    volatile int res = PENDING;
    Thread waiter;

    /** The tickets in use, by index (the low bits of the cancel's user_data). Not thread safe. */
    static final class Table {
        private CancelTicket[] slots = new CancelTicket[4];

        /** Files {@code t}, reset for a new answer, and returns its index. */
        int add(CancelTicket t) {
            t.res = PENDING;
            t.waiter = Thread.currentThread();
            for (int i = 0; i < slots.length; i++) {
                if (slots[i] == null) {
                    slots[i] = t;
                    return i;
                }
            }
            int i = slots.length;
            slots = Arrays.copyOf(slots, i * 2);
            slots[i] = t;
            return i;
        }

        CancelTicket get(int i) {
            return i >= 0 && i < slots.length ? slots[i] : null;
        }

        void remove(int i) {
            slots[i].waiter = null;
            slots[i] = null;
        }
    }
}
