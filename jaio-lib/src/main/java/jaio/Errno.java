package jaio;

/**
 * Error numbers carried by events as negative results ({@code -Errno.EIO}), with their names.
 *
 * <p>jaio uses Linux's numbering on every platform, so a result means the same thing whatever
 * engine produced it. {@link #name(long)} turns a code (positive or negative) into its
 * symbolic name, "EIO"; {@link #describe(long)} adds a short explanation.
 */
public final class Errno {
    public static final int EPERM = 1;
    public static final int ENOENT = 2;
    public static final int EINTR = 4;
    public static final int EIO = 5;
    public static final int ENXIO = 6;
    public static final int E2BIG = 7;
    public static final int EBADF = 9;
    public static final int EAGAIN = 11;
    public static final int ENOMEM = 12;
    public static final int EACCES = 13;
    public static final int EFAULT = 14;
    public static final int EBUSY = 16;
    public static final int EEXIST = 17;
    public static final int ENODEV = 19;
    public static final int EISDIR = 21;
    public static final int EINVAL = 22;
    public static final int ENFILE = 23;
    public static final int EMFILE = 24;
    public static final int EFBIG = 27;
    public static final int ENOSPC = 28;
    public static final int ESPIPE = 29;
    public static final int EROFS = 30;
    public static final int EPIPE = 32;
    public static final int ENOSYS = 38;
    public static final int ENODATA = 61;
    public static final int ETIME = 62;
    public static final int EOVERFLOW = 75;
    public static final int EBADFD = 77;
    public static final int ENOTSOCK = 88;
    public static final int EOPNOTSUPP = 95;
    public static final int EADDRINUSE = 98;
    public static final int EADDRNOTAVAIL = 99;
    public static final int ENETUNREACH = 101;
    public static final int ECONNABORTED = 103;
    public static final int ECONNRESET = 104;
    public static final int ENOBUFS = 105;
    public static final int EISCONN = 106;
    public static final int ENOTCONN = 107;
    public static final int ETIMEDOUT = 110;
    public static final int ECONNREFUSED = 111;
    public static final int EHOSTUNREACH = 113;
    public static final int EALREADY = 114;
    public static final int EINPROGRESS = 115;
    public static final int EDQUOT = 122;
    public static final int ECANCELED = 125;

    private static final String[] NAMES = new String[134];
    private static final String[] TEXTS = new String[134];

    static {
        def(EPERM, "EPERM", "operation not permitted");
        def(ENOENT, "ENOENT", "no such file, directory or request");
        def(EINTR, "EINTR", "interrupted");
        def(EIO, "EIO", "input/output error");
        def(ENXIO, "ENXIO", "no such device or address");
        def(E2BIG, "E2BIG", "argument list too long");
        def(EBADF, "EBADF", "bad file descriptor, or not open for this direction");
        def(EAGAIN, "EAGAIN", "resource temporarily unavailable, try again");
        def(ENOMEM, "ENOMEM", "out of memory");
        def(EACCES, "EACCES", "permission denied");
        def(EFAULT, "EFAULT", "bad address (buffer not accessible)");
        def(EBUSY, "EBUSY", "resource busy");
        def(EEXIST, "EEXIST", "file exists");
        def(ENODEV, "ENODEV", "no such device");
        def(EISDIR, "EISDIR", "is a directory");
        def(EINVAL, "EINVAL", "invalid argument");
        def(ENFILE, "ENFILE", "too many open files in the system");
        def(EMFILE, "EMFILE", "too many open files");
        def(EFBIG, "EFBIG", "file too large");
        def(ENOSPC, "ENOSPC", "no space left on device");
        def(ESPIPE, "ESPIPE", "illegal seek");
        def(EROFS, "EROFS", "read-only file system");
        def(EPIPE, "EPIPE", "broken pipe");
        def(ENOSYS, "ENOSYS", "function not implemented");
        def(ENODATA, "ENODATA", "no data available");
        def(ETIME, "ETIME", "timer expired");
        def(EOVERFLOW, "EOVERFLOW", "value too large");
        def(EBADFD, "EBADFD", "file descriptor in bad state");
        def(ENOTSOCK, "ENOTSOCK", "not a socket");
        def(EOPNOTSUPP, "EOPNOTSUPP", "operation not supported");
        def(EADDRINUSE, "EADDRINUSE", "address already in use");
        def(EADDRNOTAVAIL, "EADDRNOTAVAIL", "address not available");
        def(ENETUNREACH, "ENETUNREACH", "network unreachable");
        def(ECONNABORTED, "ECONNABORTED", "connection aborted");
        def(ECONNRESET, "ECONNRESET", "connection reset by peer");
        def(ENOBUFS, "ENOBUFS", "no buffer space available");
        def(EISCONN, "EISCONN", "already connected");
        def(ENOTCONN, "ENOTCONN", "not connected");
        def(ETIMEDOUT, "ETIMEDOUT", "timed out");
        def(ECONNREFUSED, "ECONNREFUSED", "connection refused");
        def(EHOSTUNREACH, "EHOSTUNREACH", "host unreachable");
        def(EALREADY, "EALREADY", "operation already in progress");
        def(EINPROGRESS, "EINPROGRESS", "operation in progress");
        def(EDQUOT, "EDQUOT", "disk quota exceeded");
        def(ECANCELED, "ECANCELED", "operation canceled");
    }

    private static void def(int code, String name, String text) {
        NAMES[code] = name;
        TEXTS[code] = text;
    }

    private Errno() {}

    /**
     * The symbolic name of an error code, "EIO". The sign is ignored so that an event's
     * negative result can be passed as is. Unknown codes read "errno 200".
     */
    public static String name(long code) {
        long c = Math.abs(code);
        if (c < NAMES.length && NAMES[(int) c] != null) {
            return NAMES[(int) c];
        }
        return "errno " + c;
    }

    /** The name and a short explanation: "EIO (input/output error)". */
    public static String describe(long code) {
        long c = Math.abs(code);
        if (c < TEXTS.length && TEXTS[(int) c] != null) {
            return NAMES[(int) c] + " (" + TEXTS[(int) c] + ")";
        }
        return name(code);
    }

    /**
     * The code for a symbolic name ("EIO" gives 5), or -1 when the name is unknown.
     */
    public static int code(String name) {
        for (int i = 0; i < NAMES.length; i++) {
            if (name.equals(NAMES[i])) {
                return i;
            }
        }
        return -1;
    }
}
