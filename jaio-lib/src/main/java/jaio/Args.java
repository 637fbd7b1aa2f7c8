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
    static void checkEvents(String method, int minNr, int maxNr, Event[] events) {
        Objects.requireNonNull(events, () -> method + ": events");
        if (minNr < 0 || minNr > maxNr || maxNr > events.length) {
            throw new IllegalArgumentException(method + ": need 0 <= minNr <= maxNr <= events.length, got minNr=" + minNr
                    + " maxNr=" + maxNr + " events.length=" + events.length);
        }
        for (int i = 0; i < maxNr; i++) {
            if (events[i] == null) {
                throw new IllegalArgumentException(method + ": events[" + i + "] is null; fill the array with new Event()");
            }
        }
    }

    /** The length of an array argument; {@code what} names the method and the parameter when it is null. */
    static int length(String what, Object[] array) {
        if (array == null) {
            throw new NullPointerException(what);
        }
        return array.length;
    }

    /** A timeout in nanoseconds: negative, or too long to count in nanoseconds, means no limit (-1). */
    static long nanos(String method, Duration d) {
        Objects.requireNonNull(d, () -> method + ": timeout");
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
