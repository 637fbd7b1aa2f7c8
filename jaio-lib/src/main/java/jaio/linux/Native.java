package jaio.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.util.Locale;

/**
 * Any thread may call it: the handles are immutable once linked, and errno is captured into a
 * segment of the calling thread's own. The one place that links native functions. Everything
 * else in jaio calls plain Java methods that return {@code >= 0} or {@code -errno}.
 *
 * <p>errno is captured by the linker ({@link Linker.Option#captureCallState}) into a small
 * per-thread segment, so reading it after a call allocates nothing.
 */
public final class Native {
    /** True when this is Linux on an architecture whose system call numbers jaio knows. */
    public static final boolean LINUX;
    /** Why the native bindings are unusable, or null when they are usable. */
    public static final String UNAVAILABLE_REASON;

    static final Linker LINKER = Linker.nativeLinker();
    static final SymbolLookup LIBC = LINKER.defaultLookup();

    private static final StructLayout CAPTURE_LAYOUT = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO =
            CAPTURE_LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");

    private static final ThreadLocal<MemorySegment> CAPTURE =
            ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(CAPTURE_LAYOUT));

    static {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String reason = null;
        if (!os.contains("linux")) {
            reason = "not Linux (os.name=" + System.getProperty("os.name") + ")";
        } else if (Arch.CURRENT == null) {
            reason = "unsupported architecture " + System.getProperty("os.arch")
                    + " (jaio knows the system call numbers of x86_64 and aarch64)";
        }
        LINUX = reason == null;
        UNAVAILABLE_REASON = reason;
    }

    private Native() {}

    /** The calling thread's errno capture segment; pass it as the first argument of a capturing handle. */
    static MemorySegment capture() {
        return CAPTURE.get();
    }

    /** errno as captured by the last capturing call made with {@code state}. */
    static int errno(MemorySegment state) {
        return (int) ERRNO.get(state, 0L);
    }

    /**
     * A downcall handle to a libc function that captures errno: the handle's first parameter
     * is the capture segment.
     *
     * @throws UnsatisfiedLinkError when libc has no such symbol
     */
    @SuppressWarnings("restricted") // linking native code is what this class is for
    static MethodHandle capturing(String name, FunctionDescriptor fd, Linker.Option... extra) {
        Linker.Option[] opts = new Linker.Option[extra.length + 1];
        opts[0] = CAPTURE_ERRNO;
        System.arraycopy(extra, 0, opts, 1, extra.length);
        return LINKER.downcallHandle(find(name), fd, opts);
    }

    /** A downcall handle that does not capture errno (for calls that cannot fail, or return the error). */
    @SuppressWarnings("restricted") // linking native code is what this class is for
    static MethodHandle plain(String name, FunctionDescriptor fd, Linker.Option... opts) {
        return LINKER.downcallHandle(find(name), fd, opts);
    }

    /** Whether libc exports this symbol. */
    static boolean has(String name) {
        return LIBC.find(name).isPresent();
    }

    private static MemorySegment find(String name) {
        return LIBC.find(name).orElseThrow(() -> new UnsatisfiedLinkError("libc has no symbol " + name));
    }

    /** Throws a clear error when the bindings cannot be used here. */
    public static void requireLinux() {
        if (!LINUX) {
            throw new UnsupportedOperationException("native bindings unavailable: " + UNAVAILABLE_REASON);
        }
    }
}
