package jaio.nio;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import jaio.Errno;

/** Turning events into what NIO callers expect: boxed counts, moved buffers, exceptions. Stateless. */
final class Results {
    /** Counts that are multiples of 512 up to 1 MiB, boxed once: block-sized transfers then box nothing. */
    private static final Integer[] BLOCKS = new Integer[2049];

    static {
        for (int i = 0; i < BLOCKS.length; i++) {
            BLOCKS[i] = i * 512;
        }
    }

    private Results() {}

    /** {@code n} boxed, from a cache for block-sized counts (Integer's own covers -128..127). */
    static Integer boxed(int n) {
        if ((n & 511) == 0 && n >= 0 && (n >>> 9) < BLOCKS.length) {
            return BLOCKS[n >>> 9];
        }
        return n;
    }

    /** Moves the buffers' positions past {@code n} bytes transferred, filling each in turn. */
    static void advance(ByteBuffer[] bufs, int offset, int length, long n) {
        for (int i = offset; i < offset + length && n > 0; i++) {
            ByteBuffer b = bufs[i];
            int step = (int) Math.min(b.remaining(), n);
            b.position(b.position() + step);
            n -= step;
        }
    }

    /** Bytes between position and limit of the buffers. */
    static long remaining(ByteBuffer[] bufs, int offset, int length) {
        long r = 0;
        for (int i = offset; i < offset + length; i++) {
            r += bufs[i].remaining();
        }
        return r;
    }

    /** The exception for a failed event: cancelled or closed under it, or the errno's. */
    static IOException failure(long result, String path) {
        if (result == -Errno.ECANCELED) {
            return new AsynchronousCloseException();
        }
        return new IOException((path == null ? "" : path + ": ") + Errno.describe(result));
    }
}
