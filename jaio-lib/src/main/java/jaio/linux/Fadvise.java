package jaio.linux;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.FunctionDescriptor;
import java.lang.invoke.MethodHandle;

/**
 * posix_fadvise(2): tells the kernel how a file's range will be used ({@code IoFile.advise}).
 * {@link #POSIX_FADV_DONTNEED} drops a file's clean pages from the page cache, so that a test or
 * benchmark can make buffered reads miss the cache without touching other files;
 * {@link #POSIX_FADV_RANDOM} turns readahead off for the open file.
 */
public final class Fadvise {
    /** From include/uapi/linux/fadvise.h (the value on every architecture jaio knows). */
    public static final int POSIX_FADV_DONTNEED = 4;
    /** From include/uapi/linux/fadvise.h: no readahead on this open file. */
    public static final int POSIX_FADV_RANDOM = 1;
    /** From include/uapi/linux/fadvise.h. */
    public static final int POSIX_FADV_WILLNEED = 3;
    /** From include/uapi/linux/fadvise.h: the default readahead. */
    public static final int POSIX_FADV_NORMAL = 0;
    /** From include/uapi/linux/fadvise.h: a larger readahead window. */
    public static final int POSIX_FADV_SEQUENTIAL = 2;
    /** From include/uapi/linux/fadvise.h (5 on every architecture but s390x's 31-bit ABI, which jaio does not run on). */
    public static final int POSIX_FADV_NOREUSE = 5;

    private static final MethodHandle FADVISE = Native.plain("posix_fadvise64",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_INT));

    private Fadvise() {}

    /**
     * posix_fadvise on {@code len} bytes from {@code offset} ({@code len} 0: to the end).
     * Dirty pages are not dropped: write them back (fsync) first.
     *
     * @return 0 or -errno (the call returns its error instead of setting errno)
     */
    public static int fadvise(int fd, long offset, long len, int advice) {
        try {
            int r = (int) FADVISE.invokeExact(fd, offset, len, advice);
            return -r;
        } catch (Throwable t) {
            throw LibC.rethrow(t);
        }
    }
}
