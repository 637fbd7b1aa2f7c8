package jaio;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Objects;

/** Argument checks shared by the reaping calls of contexts and groups, and by requests. Stateless. */
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

    /** Segments over the buffers, none of which may be null. */
    static MemorySegment[] segments(ByteBuffer[] bufs) {
        Objects.requireNonNull(bufs, "buffers");
        MemorySegment[] s = new MemorySegment[bufs.length];
        for (int i = 0; i < bufs.length; i++) {
            s[i] = MemorySegment.ofBuffer(Objects.requireNonNull(bufs[i], "buffer " + i));
        }
        return s;
    }

    /** The segments, none of which may be null. */
    static MemorySegment[] checked(MemorySegment[] segs) {
        Objects.requireNonNull(segs, "segments");
        for (int i = 0; i < segs.length; i++) {
            Objects.requireNonNull(segs[i], "segment " + i);
        }
        return segs;
    }

    /** A delay in nanoseconds, saturated at the long range. */
    static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException e) {
            return d.isNegative() ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
    }

    /** A request as its toString shows it: opcode, file, range and user data. */
    static String describe(RequestOp op) {
        StringBuilder b = new StringBuilder();
        b.append(op.opcode == null ? "EMPTY" : op.opcode.name()).append("(");
        if (op.file != null) {
            b.append(op.file.name()).append(", ");
        }
        if (op.segCount > 0) {
            b.append("offset=").append(op.offset).append(", length=").append(op.length).append(", ");
        }
        b.append("userData=").append(op.userData).append(")");
        return b.toString();
    }
}
