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
    /** As {@link #checkEvents(String, int, int, Event[])}, and {@code minNr} within the context's capacity. */
    static void checkEvents(String method, int minNr, int maxNr, Event[] events, int capacity) {
        checkEvents(method, minNr, maxNr, events);
        if (minNr > capacity) {
            throw new IllegalArgumentException(method + ": minNr " + minNr + " exceeds the context's capacity " + capacity);
        }
    }

    static void checkEvents(String method, int minNr, int maxNr, Event[] events) {
        // Not requireNonNull with a message supplier: the capturing lambda is an object per call
        // wherever the JIT does not remove it, and these checks run once per request.
        if (events == null) {
            throw new NullPointerException(method + ": events");
        }
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
        if (d == null) {
            throw new NullPointerException(method + ": timeout");
        }
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
        Objects.requireNonNull(bufs, "Request.preadv/pwritev: buffers");
        MemorySegment[] s = new MemorySegment[bufs.length];
        for (int i = 0; i < bufs.length; i++) {
            if (bufs[i] == null) {
                throw new NullPointerException("Request.preadv/pwritev: buffers[" + i + "]");
            }
            s[i] = MemorySegment.ofBuffer(bufs[i]);
        }
        return s;
    }

    /** The segments, none of which may be null. */
    static MemorySegment[] checked(MemorySegment[] segs) {
        Objects.requireNonNull(segs, "Request.preadv/pwritev: segments");
        for (int i = 0; i < segs.length; i++) {
            if (segs[i] == null) {
                throw new NullPointerException("Request.preadv/pwritev: segments[" + i + "]");
            }
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
