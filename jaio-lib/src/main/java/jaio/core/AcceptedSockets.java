package jaio.core;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import jaio.spi.FileHandle;

/**
 * Any thread: the connections a context's ACCEPT requests made that their user has not taken
 * yet. The library owns them until then: one is closed when its request is submitted again
 * without the socket being taken, and all that remain are closed with the context, so an
 * accepted connection nobody looked at never leaks its descriptor.
 */
final class AcceptedSockets {
    private final Set<FileHandle> untaken = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    /** An ACCEPT's event is about to be posted with {@code h}: the library owns it. */
    void adopt(FileHandle h) {
        untaken.add(h);
        if (closed) {
            // Posted after the context closed its sockets (cannot happen: close waits for
            // every event first); closed here so that nothing escapes.
            discard(h);
        }
    }

    /** The user takes {@code h}: true once, for the first taker; false when it was taken or closed. */
    boolean take(FileHandle h) {
        return untaken.remove(h);
    }

    /** Closes {@code h} when nobody took it (its request is being reused). */
    void discard(FileHandle h) {
        if (untaken.remove(h)) {
            h.close();
        }
    }

    /** Closes every connection nobody took (context close, after the last event). */
    void closeAll() {
        closed = true;
        for (FileHandle h : untaken) {
            discard(h);
        }
    }
}
