package jaio.engine;

import java.io.IOException;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NonReadableChannelException;
import java.nio.channels.NonWritableChannelException;
import java.util.Locale;
import jaio.Errno;

/**
 * Turns the exceptions of Java's I/O into jaio's negative errno results, for engines that
 * work through FileChannel. The JDK puts the C library's message in the exception, so the
 * message is matched against the usual strerror texts; anything unknown is EIO.
 */
public final class IoErrors {
    private IoErrors() {}

    /** A negative errno for a failure of an I/O call. */
    public static long negErrno(Throwable t) {
        if (t instanceof ClosedChannelException || t instanceof AsynchronousCloseException) {
            return -Errno.EBADF;
        }
        if (t instanceof NonReadableChannelException || t instanceof NonWritableChannelException) {
            return -Errno.EBADF;
        }
        if (t instanceof IllegalStateException || t instanceof WrongThreadException) {
            // A segment's arena was closed, or a confined segment was touched from elsewhere.
            return -Errno.EFAULT;
        }
        if (t instanceof OutOfMemoryError) {
            return -Errno.ENOMEM;
        }
        if (t instanceof IllegalArgumentException) {
            return -Errno.EINVAL;
        }
        if (t instanceof IOException) {
            String m = t.getMessage() == null ? "" : t.getMessage().toLowerCase(Locale.ROOT);
            if (m.contains("no space left")) {
                return -Errno.ENOSPC;
            }
            if (m.contains("disk quota")) {
                return -Errno.EDQUOT;
            }
            if (m.contains("invalid argument") || m.contains("not a multiple of the block size")
                    || m.contains("alignment")) {
                return -Errno.EINVAL;
            }
            if (m.contains("bad file descriptor")) {
                return -Errno.EBADF;
            }
            if (m.contains("file too large")) {
                return -Errno.EFBIG;
            }
            if (m.contains("is a directory")) {
                return -Errno.EISDIR;
            }
            if (m.contains("read-only file system")) {
                return -Errno.EROFS;
            }
            if (m.contains("permission denied")) {
                return -Errno.EACCES;
            }
            if (m.contains("broken pipe")) {
                return -Errno.EPIPE;
            }
            if (m.contains("resource temporarily unavailable")) {
                return -Errno.EAGAIN;
            }
            return -Errno.EIO;
        }
        return -Errno.EIO;
    }
}
