package jaio;

import java.time.Duration;
import java.util.Objects;

/** Argument checks shared by the reaping calls of contexts and groups. Stateless. */
final class Args {
    private Args() {}

    /**
     * Checks {@code 0 <= minNr <= maxNr <= events.length} and that {@code events[0..maxNr)}
     * holds no null.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    static void checkEvents(int minNr, int maxNr, Event[] events) {
        Objects.requireNonNull(events, "events");
        if (minNr < 0 || minNr > maxNr || maxNr > events.length) {
            throw new IllegalArgumentException("need 0 <= minNr <= maxNr <= events.length, got minNr=" + minNr
                    + " maxNr=" + maxNr + " events.length=" + events.length);
        }
        for (int i = 0; i < maxNr; i++) {
            if (events[i] == null) {
                throw new IllegalArgumentException("events[" + i + "] is null; fill the array with new Event()");
            }
        }
    }

    /** {@link #checkEvents(int, int, Event[])}, and that minNr is within a context's capacity. */
    static void checkEvents(int minNr, int maxNr, Event[] events, int capacity) {
        checkEvents(minNr, maxNr, events);
        if (minNr > capacity) {
            throw new IllegalArgumentException("minNr " + minNr + " exceeds the context's capacity " + capacity);
        }
    }

    /**
     * The events of a submit-and-wait: {@code 0 <= minNr <= events.length}, no null slot.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    static void checkBatchEvents(int minNr, Event[] events) {
        Objects.requireNonNull(events, "events");
        if (minNr < 0 || minNr > events.length) {
            throw new IllegalArgumentException("need 0 <= minNr <= events.length, got minNr=" + minNr);
        }
        for (Event e : events) {
            if (e == null) {
                throw new IllegalArgumentException("events has a null slot; fill the array with new Event()");
            }
        }
    }

    /** A timeout in nanoseconds: negative, or too long to count in nanoseconds, means no limit (-1). */
    static long nanos(Duration d) {
        Objects.requireNonNull(d, "timeout");
        if (d.isNegative()) {
            return -1;
        }
        try {
            return d.toNanos();
        } catch (ArithmeticException e) {
            return -1;
        }
    }
}
