package jaio.spi;

import java.lang.foreign.MemorySegment;

/**
 * Classifies user memory by who controls its life, which decides whether an engine may hand
 * its address to the kernel for the length of a request (see {@link jaio.spi.BufferAccess}).
 *
 * <p>The FFM API has no public way to hold an arena open while the kernel uses its memory. So
 * memory the user can free at any moment (segments of confined and shared arenas) is never
 * given to the kernel: it is copied through library memory instead. Memory whose life the
 * library can extend simply by keeping a reference (the global arena, automatic arenas,
 * direct ByteBuffers, jaio's own buffers) is used in place.
 */
public final class Memory {
    /** Heap memory (arrays, heap ByteBuffers): may move, never handed to the kernel. */
    public static final byte HEAP = 0;
    /** Native memory freed only when unreachable (or never): safe in place while referenced. */
    public static final byte STABLE = 1;
    /** Native memory of a shared arena: any thread may use it, but the user may close it. */
    public static final byte SHARED = 2;
    /** Native memory of a confined arena: only its owner thread may touch it. */
    public static final byte CONFINED = 3;
    /**
     * Heap memory of an array other than byte[] (a long[], say): like {@link #HEAP}, but it
     * has no ByteBuffer view, so not even an engine that works through FileChannel can use it
     * in place.
     */
    public static final byte HEAP_NO_VIEW = 4;

    /** A thread that owns nothing, to ask whether a segment is confined to some thread. */
    private static final Thread NOBODY = Thread.ofPlatform().unstarted(() -> { });

    private Memory() {}

    public static byte classify(MemorySegment s) {
        if (!s.isNative()) {
            return s.heapBase().orElse(null) instanceof byte[] ? HEAP : HEAP_NO_VIEW;
        }
        if (!s.isAccessibleBy(NOBODY)) {
            return CONFINED;
        }
        // Only the scopes known not to be closable by user code count as stable; anything
        // else (including scopes of future JDKs) is treated as closable and copied.
        String scope = s.scope().getClass().getName();
        return switch (scope) {
            case "jdk.internal.foreign.GlobalSession",
                 "jdk.internal.foreign.GlobalSession$HeapSession",
                 "jdk.internal.foreign.ImplicitSession" -> STABLE;
            default -> SHARED;
        };
    }

    public static String describe(byte kind) {
        return switch (kind) {
            case HEAP -> "heap memory";
            case HEAP_NO_VIEW -> "heap memory of a non-byte array";
            case STABLE -> "native memory";
            case SHARED -> "a shared arena's segment";
            case CONFINED -> "a confined arena's segment";
            default -> "memory";
        };
    }
}
