package jaio.spi;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Any thread may use a handle at once: its reference count and closed bit are one atomic
 * word, and its channel is created once under the handle's monitor. A descriptor jaio owns
 * (a file, a pipe end, an eventfd, next a socket), shared by every engine and context.
 *
 * <p>It is reference counted so that it cannot be closed under a request in flight: each
 * accepted request {@link #acquire() acquires} it and releases it when its event is posted.
 * {@link #close()} marks it closed at once (new requests are refused) and releases the native
 * descriptor when the last request lets go. Without this a closed descriptor number could be
 * reused by an unrelated open while the kernel still reads or writes through the old one.
 */
public final class FileHandle {
    /** What kind of object the descriptor refers to. */
    public enum Kind { FILE, PIPE, EVENTFD, SOCKET, OTHER }

    private static final long CLOSED = 1L << 62;
    /** With CLOSED: a CLOSE request took the descriptor to close itself; the last release leaves it alone. */
    private static final long DETACHED = 1L << 61;
    private static final long FLAGS = CLOSED | DETACHED;

    private final String name;
    private final Kind kind;
    private final boolean readable;
    private final boolean writable;
    private final boolean direct;
    private final boolean dsync;
    private final boolean sync;
    private final int fd;
    private final int memAlign;
    private final int offsetAlign;
    /** The file store's block size for a direct file (FileChannel's O_DIRECT rule), else 1. */
    private final int storeAlign;
    /** The path the channel is opened from (the file, or /proc/self/fd/N), or null. */
    private final Path channelPath;
    private volatile FileChannel channel;
    private final Closer closer;
    /** CLOSED bit plus the number of requests holding the handle. */
    private final AtomicLong refs = new AtomicLong();
    /**
     * A socket's ops in flight, newest first, linked through the ops themselves (nothing
     * allocated per request), so that closing the socket can cancel them. Guarded by this
     * handle's monitor.
     */
    private Op tracked;
    private int trackedCount;

    /** Releases the native side once nothing uses the handle. */
    @FunctionalInterface
    public interface Closer {
        void close(int fd, FileChannel channel) throws IOException;
    }

    public FileHandle(String name, Kind kind, boolean readable, boolean writable, boolean direct,
                      boolean dsync, boolean sync, int fd, int memAlign, int offsetAlign, int storeAlign,
                      Path channelPath, FileChannel channel, Closer closer) {
        this.name = name;
        this.kind = kind;
        this.readable = readable;
        this.writable = writable;
        this.direct = direct;
        this.dsync = dsync;
        this.sync = sync;
        this.fd = fd;
        this.memAlign = Math.max(1, memAlign);
        this.offsetAlign = Math.max(1, offsetAlign);
        this.storeAlign = Math.max(1, storeAlign);
        this.channelPath = channelPath;
        this.channel = channel;
        this.closer = closer;
    }

    public String name() {
        return name;
    }

    public Kind kind() {
        return kind;
    }

    public boolean readable() {
        return readable;
    }

    public boolean writable() {
        return writable;
    }

    /** Opened with O_DIRECT: offsets, lengths and addresses must be aligned. */
    public boolean direct() {
        return direct;
    }

    /** The native descriptor, or -1 where there is none (portable mode). */
    public int fd() {
        return fd;
    }

    /** Buffer address alignment O_DIRECT needs (1 when not direct). */
    public int memAlign() {
        return direct ? memAlign : 1;
    }

    /** Offset and length alignment O_DIRECT needs (1 when not direct). */
    public int offsetAlign() {
        return direct ? offsetAlign : 1;
    }

    /**
     * The alignment of offsets, lengths and addresses for O_DIRECT through a FileChannel: the
     * larger of what the kernel needs and the file store's block size (1 when not direct).
     */
    public int storeAlign() {
        return direct ? Math.max(storeAlign, Math.max(memAlign, offsetAlign)) : 1;
    }

    public boolean isOpen() {
        return (refs.get() & CLOSED) == 0;
    }

    /**
     * A FileChannel on this descriptor, opened on first use with the same access mode and
     * flags. On Linux it is a second open of the same file through /proc/self/fd, so it
     * follows the descriptor even when the path was renamed or removed.
     */
    public FileChannel channel() throws IOException {
        FileChannel c = channel;
        if (c == null) {
            synchronized (this) {
                c = channel;
                if (c == null) {
                    if (channelPath == null) {
                        throw new IOException(name + ": no FileChannel for this kind of descriptor");
                    }
                    c = FileChannel.open(channelPath, channelOptions());
                    channel = c;
                }
            }
        }
        return c;
    }

    private Set<java.nio.file.OpenOption> channelOptions() {
        Set<java.nio.file.OpenOption> o = new java.util.HashSet<>();
        if (readable) {
            o.add(StandardOpenOption.READ);
        }
        if (writable) {
            o.add(StandardOpenOption.WRITE);
        }
        if (dsync) {
            o.add(StandardOpenOption.DSYNC);
        }
        if (sync) {
            o.add(StandardOpenOption.SYNC);
        }
        if (direct) {
            o.add(directOption());
        }
        return o;
    }

    /**
     * The JDK's O_DIRECT open option for FileChannel (com.sun.nio.file.ExtendedOpenOption.DIRECT
     * in jdk.unsupported), looked up by name so that the build does not lean on a
     * proprietary API at compile time.
     *
     * @throws UnsupportedOperationException when this JDK has no such option
     */
    public static java.nio.file.OpenOption directOption() {
        return DirectOption.VALUE;
    }

    private static final class DirectOption {
        static final java.nio.file.OpenOption VALUE = lookup();

        private static java.nio.file.OpenOption lookup() {
            try {
                Class<?> c = Class.forName("com.sun.nio.file.ExtendedOpenOption");
                for (Object constant : c.getEnumConstants()) {
                    if (((Enum<?>) constant).name().equals("DIRECT")) {
                        return (java.nio.file.OpenOption) constant;
                    }
                }
            } catch (ClassNotFoundException e) {
                // handled below
            }
            throw new UnsupportedOperationException("this JDK has no O_DIRECT option for FileChannel");
        }
    }

    /** Whether each write is durable when it completes (opened with DSYNC or SYNC). */
    public boolean syncWrites() {
        return dsync || sync;
    }

    /** Options the channel is opened with, for reports. */
    public Set<StandardOpenOption> modes() {
        EnumSet<StandardOpenOption> s = EnumSet.noneOf(StandardOpenOption.class);
        if (readable) {
            s.add(StandardOpenOption.READ);
        }
        if (writable) {
            s.add(StandardOpenOption.WRITE);
        }
        if (dsync) {
            s.add(StandardOpenOption.DSYNC);
        }
        if (sync) {
            s.add(StandardOpenOption.SYNC);
        }
        return s;
    }

    /** Takes a reference for a request; false when the handle is closed. */
    public boolean acquire() {
        while (true) {
            long r = refs.get();
            if ((r & CLOSED) != 0) {
                return false;
            }
            if (refs.compareAndSet(r, r + 1)) {
                return true;
            }
        }
    }

    /**
     * A descriptor of the same kind, released the same way, for {@code fd}, which the kernel
     * made from this one (a connection accepted on a listening socket); readable and writable.
     */
    public FileHandle adopt(int fd) {
        return new FileHandle("socket[" + fd + "]", kind, true, true, false, false, false, fd, 1, 1, 1, null, null,
                closer);
    }

    /** Whether the ops in flight on this descriptor are {@link #track tracked} (a socket's are). */
    public boolean tracksOps() {
        return kind == Kind.SOCKET;
    }

    /** Records {@code op} as in flight on this descriptor (after {@link #acquire}). */
    public synchronized void track(Op op) {
        op.fprev = null;
        op.fnext = tracked;
        if (tracked != null) {
            tracked.fprev = op;
        }
        tracked = op;
        trackedCount++;
    }

    /** Forgets {@code op} (before {@link #release}); nothing when it was not tracked. */
    public synchronized void untrack(Op op) {
        if (op.fprev == null && tracked != op) {
            return;
        }
        if (op.fprev != null) {
            op.fprev.fnext = op.fnext;
        } else {
            tracked = op.fnext;
        }
        if (op.fnext != null) {
            op.fnext.fprev = op.fprev;
        }
        op.fnext = null;
        op.fprev = null;
        trackedCount--;
    }

    /** The ops in flight on this descriptor now (tracked ones only), for a close that cancels them. */
    public synchronized Op[] inFlight() {
        Op[] a = new Op[trackedCount];
        int i = 0;
        for (Op o = tracked; o != null; o = o.fnext) {
            a[i++] = o;
        }
        return a;
    }

    /** Drops a request's reference; the last one out after close releases the descriptor. */
    public void release() {
        long r = refs.decrementAndGet();
        if (r == CLOSED) {
            closeNative();
        }
    }

    /** Number of requests holding the handle. */
    public long users() {
        return refs.get() & ~FLAGS;
    }

    /**
     * For a CLOSE request holding the handle: marks it closed (new requests are refused) and
     * says whether that request is its only user. Then the descriptor is the caller's to close
     * now, and the last release will not close it again; otherwise it is released as by
     * {@link #close()}, when the last request in flight lets go.
     */
    public boolean closeDetaching() {
        while (true) {
            long r = refs.get();
            if ((r & DETACHED) != 0) {
                return false;
            }
            boolean only = (r & ~FLAGS) == 1;
            if (refs.compareAndSet(r, r | CLOSED | (only ? DETACHED : 0))) {
                return only;
            }
        }
    }

    /**
     * Marks the handle closed: new requests are refused now; the descriptor is released once
     * the requests in flight are done. Idempotent.
     */
    public void close() {
        while (true) {
            long r = refs.get();
            if ((r & CLOSED) != 0) {
                return;
            }
            if (refs.compareAndSet(r, r | CLOSED)) {
                if (r == 0) {
                    closeNative();
                }
                return;
            }
        }
    }

    private void closeNative() {
        try {
            closer.close(fd, channel);
        } catch (IOException e) {
            // Nothing can be done with a close error of a descriptor nobody uses any more.
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
