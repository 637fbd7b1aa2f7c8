package jaio.bench.run;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.util.Optional;

/**
 * The three C library calls the tool needs and the library does not export: posix_fadvise
 * (fio's --invalidate), getrusage (CPU time and context switches of the whole process or of one
 * thread) and the open/close around the first. jaio keeps its own bindings internal (only
 * package {@code jaio} is exported), so the tool has this small class of its own; it is the only
 * place in jaio-bench that links native code. Every call degrades to "not available" off Linux.
 */
final class LinuxCalls {
    private static final boolean LINUX = System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux");
    /** From include/uapi/linux/fadvise.h. */
    private static final int POSIX_FADV_DONTNEED = 4;
    /** From include/uapi/asm-generic/fcntl.h. */
    private static final int O_RDONLY = 0;
    /** From include/uapi/linux/resource.h. */
    static final int RUSAGE_SELF = 0;
    /** From include/uapi/linux/resource.h: the calling thread only. */
    static final int RUSAGE_THREAD = 1;

    /** struct rusage from include/uapi/linux/resource.h, on 64-bit Linux: two timevals, then 14 longs. */
    static final StructLayout RUSAGE = MemoryLayout.structLayout(
            JAVA_LONG.withName("utime_sec"), JAVA_LONG.withName("utime_usec"),
            JAVA_LONG.withName("stime_sec"), JAVA_LONG.withName("stime_usec"),
            JAVA_LONG.withName("maxrss"), JAVA_LONG.withName("ixrss"), JAVA_LONG.withName("idrss"),
            JAVA_LONG.withName("isrss"), JAVA_LONG.withName("minflt"), JAVA_LONG.withName("majflt"),
            JAVA_LONG.withName("nswap"), JAVA_LONG.withName("inblock"), JAVA_LONG.withName("oublock"),
            JAVA_LONG.withName("msgsnd"), JAVA_LONG.withName("msgrcv"), JAVA_LONG.withName("nsignals"),
            JAVA_LONG.withName("nvcsw"), JAVA_LONG.withName("nivcsw"));

    private static final MethodHandle OPEN;
    private static final MethodHandle CLOSE;
    private static final MethodHandle FADVISE;
    private static final MethodHandle GETRUSAGE;

    static {
        MethodHandle open = null;
        MethodHandle close = null;
        MethodHandle fadvise = null;
        MethodHandle rusage = null;
        if (LINUX && JAVA_LONG.byteSize() == ADDRESS.byteSize()) {
            // open is variadic (the mode); passing it explicitly as the first variadic argument.
            open = link("open", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), Linker.Option.firstVariadicArg(2));
            close = link("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
            fadvise = link("posix_fadvise", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_INT));
            rusage = link("getrusage", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
        }
        OPEN = open;
        CLOSE = close;
        FADVISE = fadvise;
        GETRUSAGE = rusage;
    }

    private LinuxCalls() {}

    /** A downcall handle to libc's {@code name}, or null when libc has no such symbol. */
    @SuppressWarnings("restricted") // linking native code is what this class is for
    private static MethodHandle link(String name, FunctionDescriptor fd, Linker.Option... options) {
        Linker linker = Linker.nativeLinker();
        return find(linker.defaultLookup(), name).map(s -> linker.downcallHandle(s, fd, options)).orElse(null);
    }

    private static Optional<MemorySegment> find(SymbolLookup l, String name) {
        return l.find(name);
    }

    /** Whether getrusage is there (Linux, 64-bit). */
    static boolean hasRusage() {
        return GETRUSAGE != null;
    }

    /**
     * Drops the clean pages of a file from the page cache (posix_fadvise DONTNEED on the whole
     * file), like fio's invalidate=1.
     *
     * @return null when done, else why not
     */
    static String dropPageCache(java.nio.file.Path file) {
        if (OPEN == null || CLOSE == null || FADVISE == null) {
            return "posix_fadvise is not available on this system";
        }
        try (Arena a = Arena.ofConfined()) {
            int fd = (int) OPEN.invokeExact(a.allocateFrom(file.toString()), O_RDONLY, 0);
            if (fd < 0) {
                return "open failed";
            }
            int r = (int) FADVISE.invokeExact(fd, 0L, 0L, POSIX_FADV_DONTNEED);
            int ignored = (int) CLOSE.invokeExact(fd);
            return r == 0 ? null : "posix_fadvise returned error " + r;
        } catch (Throwable t) {
            return "posix_fadvise failed: " + t;
        }
    }

    /**
     * getrusage into {@code out} (a segment of {@link #RUSAGE}).
     *
     * @return false when unavailable or failed
     */
    static boolean getrusage(int who, MemorySegment out) {
        if (GETRUSAGE == null) {
            return false;
        }
        try {
            return (int) GETRUSAGE.invokeExact(who, out) == 0;
        } catch (Throwable t) {
            return false;
        }
    }

    static VarHandle field(String name) {
        return RUSAGE.varHandle(MemoryLayout.PathElement.groupElement(name));
    }
}
