package jaio.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import jaio.Event;
import jaio.IoBuffers;
import jaio.IoContext;
import jaio.IoFile;
import jaio.Opcode;
import jaio.Request;

/**
 * Helpers shared by the engine tests: patterned files, buffers of every kind, event arrays and
 * reaping. Public for the tests of the engine packages; most members serve package jaio only.
 */
public final class TestFiles {
    public static final Duration LONG = Duration.ofSeconds(30);

    private TestFiles() {}

    /** The byte the pattern puts at a file offset (with a seed, so writes differ from the file). */
    public static byte pattern(long offset, int seed) {
        long x = offset * 0x9E3779B97F4A7C15L + seed * 0x632BE59BD9B4E019L;
        return (byte) (x >>> 56);
    }

    /** A file of {@code size} patterned bytes (seed 0). */
    public static Path patterned(Path dir, String name, int size) throws IOException {
        Path p = dir.resolve(name);
        byte[] b = new byte[size];
        for (int i = 0; i < size; i++) {
            b[i] = pattern(i, 0);
        }
        Files.write(p, b);
        return p;
    }

    /**
     * Writes a file of {@code blocks} 4 KiB blocks, each filled with its own block number (as
     * longs in native order), so that a read shows which block it read; returns {@code p}.
     */
    public static Path blockNumbered(Path p, int blocks) throws IOException {
        int block = 4096;
        byte[] data = new byte[blocks * block];
        MemorySegment s = MemorySegment.ofArray(data);
        for (int b = 0; b < blocks; b++) {
            for (int i = 0; i < block; i += 8) {
                s.set(ValueLayout.JAVA_LONG_UNALIGNED, (long) b * block + i, b);
            }
        }
        Files.write(p, data);
        return p;
    }

    public static byte[] readAll(Path p) throws IOException {
        return Files.readAllBytes(p);
    }

    public static byte[] bytes(ByteBuffer bb) {
        ByteBuffer d = bb.duplicate();
        byte[] b = new byte[d.remaining()];
        d.get(b);
        return b;
    }

    public static byte[] bytes(MemorySegment s) {
        return s.toArray(ValueLayout.JAVA_BYTE);
    }

    /** Fills with the pattern for file offsets starting at {@code offset}. */
    public static void fill(MemorySegment s, long offset, int seed) {
        for (long i = 0; i < s.byteSize(); i++) {
            s.set(ValueLayout.JAVA_BYTE, i, pattern(offset + i, seed));
        }
    }

    public static void fill(ByteBuffer bb, long offset, int seed) {
        for (int i = bb.position(); i < bb.limit(); i++) {
            bb.put(i, pattern(offset + i - bb.position(), seed));
        }
    }

    /** An array of {@code n} fresh events, for getEvents to fill. */
    public static Event[] events(int n) {
        Event[] evs = new Event[n];
        for (int i = 0; i < n; i++) {
            evs[i] = new Event();
        }
        return evs;
    }

    /** An array of {@code n} fresh NOOP requests. */
    public static Request[] noops(int n) {
        Request[] rs = new Request[n];
        for (int i = 0; i < n; i++) {
            rs[i] = Request.noop();
        }
        return rs;
    }

    /**
     * Takes exactly one event, failing the test when none comes within {@code timeout}; returns
     * the event itself (a fresh one each call), not a copy.
     */
    public static Event takeOne(IoContext ctx, Duration timeout) {
        Event[] ev = events(1);
        assertEquals(1, ctx.getEvents(1, ev, timeout), "one event within " + timeout);
        return ev[0];
    }

    /** Reaps exactly n events (waiting up to 30 s in all), copying each. */
    public static List<EventCopy> reap(IoContext ctx, int n) {
        List<EventCopy> out = new ArrayList<>();
        Event[] evs = events(Math.max(1, n));
        long deadline = System.nanoTime() + LONG.toNanos();
        while (out.size() < n) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("only " + out.size() + " of " + n + " events within " + LONG);
            }
            int got = ctx.getEvents(1, n - out.size(), evs, left, java.util.concurrent.TimeUnit.NANOSECONDS);
            for (int i = 0; i < got; i++) {
                out.add(new EventCopy(evs[i]));
            }
        }
        return out;
    }

    public static EventCopy reapOne(IoContext ctx) {
        return reap(ctx, 1).get(0);
    }

    /** An immutable copy of an event's fields. */
    public record EventCopy(Request request, long userData, Opcode opcode, long result, long result2) {
        EventCopy(Event e) {
            this(e.request(), e.userData(), e.opcode(), e.result(), e.result2());
        }
    }

    /** The kinds of memory a request may use, for walking the option space. */
    public enum BufKind {
        HEAP_BUFFER, HEAP_BUFFER_SLICE, DIRECT_BUFFER, DIRECT_BUFFER_SLICE, HEAP_SEGMENT,
        AUTO_SEGMENT, SHARED_SEGMENT, SHARED_ARENA_BUFFER, IOBUFFERS_SEGMENT, GLOBAL_SEGMENT
    }

    /**
     * A buffer of the given kind holding exactly {@code size} usable bytes, aligned to
     * {@code align} where the kind allows alignment. For ByteBuffer kinds the usable bytes are
     * position..limit; the slice kinds put them in the middle of a larger buffer.
     */
    public static Object buffer(BufKind kind, int size, int align, Arena shared) {
        return switch (kind) {
            case HEAP_BUFFER -> ByteBuffer.allocate(size);
            case HEAP_BUFFER_SLICE -> ByteBuffer.allocate(size + 2 * align + 64).position(align).limit(align + size);
            case DIRECT_BUFFER -> ByteBuffer.allocateDirect(size + 2 * align).alignedSlice(align).limit(size);
            case DIRECT_BUFFER_SLICE -> {
                ByteBuffer b = ByteBuffer.allocateDirect(size + 3 * align).alignedSlice(align);
                yield b.position(align).limit(align + size);
            }
            case HEAP_SEGMENT -> MemorySegment.ofArray(new byte[size]);
            case AUTO_SEGMENT -> Arena.ofAuto().allocate(size, align);
            case SHARED_SEGMENT -> shared.allocate(size, align);
            case SHARED_ARENA_BUFFER -> shared.allocate(size, align).asByteBuffer();
            case IOBUFFERS_SEGMENT -> IoBuffers.allocateAligned(size, Math.max(align, 8));
            case GLOBAL_SEGMENT -> Arena.global().allocate(size, align);
        };
    }

    public static byte[] contents(Object buf) {
        return buf instanceof ByteBuffer bb ? bytes(bb) : bytes((MemorySegment) buf);
    }

    public static void fillBuf(Object buf, long offset, int seed) {
        if (buf instanceof ByteBuffer bb) {
            fill(bb, offset, seed);
        } else {
            fill((MemorySegment) buf, offset, seed);
        }
    }

    public static long size(Object buf) {
        return buf instanceof ByteBuffer bb ? bb.remaining() : ((MemorySegment) buf).byteSize();
    }

    public static Request pread(IoFile f, Object buf, long off) {
        return buf instanceof ByteBuffer bb ? Request.pread(f, bb, off) : Request.pread(f, (MemorySegment) buf, off);
    }

    public static Request pwrite(IoFile f, Object buf, long off) {
        return buf instanceof ByteBuffer bb ? Request.pwrite(f, bb, off) : Request.pwrite(f, (MemorySegment) buf, off);
    }

    public static Request preadv(IoFile f, Object[] bufs, long off) {
        if (bufs[0] instanceof ByteBuffer) {
            ByteBuffer[] b = new ByteBuffer[bufs.length];
            for (int i = 0; i < b.length; i++) {
                b[i] = (ByteBuffer) bufs[i];
            }
            return Request.preadv(f, b, off);
        }
        MemorySegment[] s = new MemorySegment[bufs.length];
        for (int i = 0; i < s.length; i++) {
            s[i] = (MemorySegment) bufs[i];
        }
        return Request.preadv(f, s, off);
    }

    public static Request pwritev(IoFile f, Object[] bufs, long off) {
        if (bufs[0] instanceof ByteBuffer) {
            ByteBuffer[] b = new ByteBuffer[bufs.length];
            for (int i = 0; i < b.length; i++) {
                b[i] = (ByteBuffer) bufs[i];
            }
            return Request.pwritev(f, b, off);
        }
        MemorySegment[] s = new MemorySegment[bufs.length];
        for (int i = 0; i < s.length; i++) {
            s[i] = (MemorySegment) bufs[i];
        }
        return Request.pwritev(f, s, off);
    }

    /** Reads a file region with a plain FileChannel: the model every engine must agree with. */
    public static byte[] model(Path p, long off, int len) throws IOException {
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.allocate(len);
            while (b.hasRemaining()) {
                if (ch.read(b, off + b.position()) < 0) {
                    break;
                }
            }
            b.flip();
            return bytes(b);
        }
    }
}
