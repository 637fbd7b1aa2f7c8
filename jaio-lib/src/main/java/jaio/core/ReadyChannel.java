package jaio.core;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;

/**
 * A selectable channel, guarded by the completion queue's lock (apart from {@link #source()},
 * which any thread may call), that is readable exactly while a context has events to take,
 * so that a {@link java.nio.channels.Selector} loop can watch the context (C10). It is level
 * triggered: the queue writes one byte when events become available and drains the pipe when
 * none are left, under its own lock, so the channel never says "readable" about an empty
 * queue for longer than it takes the queue to notice.
 */
final class ReadyChannel implements AutoCloseable {
    private final Pipe pipe;
    private final ByteBuffer one = ByteBuffer.allocateDirect(1);
    private final ByteBuffer drain = ByteBuffer.allocateDirect(64);
    private boolean raised;

    ReadyChannel() {
        try {
            pipe = Pipe.open();
            pipe.source().configureBlocking(false);
            pipe.sink().configureBlocking(false);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the notification pipe", e);
        }
    }

    Pipe.SourceChannel source() {
        return pipe.source();
    }

    /** Makes the channel readable (available) or not. */
    void set(boolean available) {
        if (available == raised) {
            return;
        }
        raised = available;
        try {
            if (available) {
                one.clear();
                pipe.sink().write(one);
            } else {
                do {
                    drain.clear();
                } while (pipe.source().read(drain) > 0);
            }
        } catch (IOException e) {
            // The pipe was closed with the context: nobody watches any more.
        }
    }

    @Override
    public void close() {
        try {
            pipe.sink().close();
        } catch (IOException ignored) {
            // closing
        }
        try {
            pipe.source().close();
        } catch (IOException ignored) {
            // closing
        }
    }
}
