package jaio.core;

import java.nio.channels.Pipe;
import java.util.Arrays;

/**
 * Who watches a completion queue from outside (C10, C12): group waiters, told whenever
 * events are available to take, and the Selector channel, readable exactly while they are.
 * Guarded by the completion queue's lock; the watcher array is replaced, never changed in
 * place, so a signal loop never sees it half written.
 */
final class Watching {
    private final CompletionQueue q;
    private Watcher[] watchers = new Watcher[0];
    private ReadyChannel channel;

    Watching(CompletionQueue q) {
        this.q = q;
    }

    /** Tells watchers and the channel whether events are available. Lock held. */
    void update(boolean available) {
        if (channel != null) {
            channel.set(available);
        }
        if (available) {
            for (Watcher w : watchers) {
                w.signal();
            }
        }
    }

    /** The queue closes: every watcher looks (and finds it closed); the channel goes quiet. Lock held. */
    void closing() {
        for (Watcher w : watchers) {
            w.signal();
        }
        if (channel != null) {
            channel.set(false);
        }
    }

    void add(Watcher w) {
        q.lock.lock();
        try {
            Watcher[] n = Arrays.copyOf(watchers, watchers.length + 1);
            n[watchers.length] = w;
            watchers = n;
            if (q.ready.size() > 0 && !q.concurrency.gated()) {
                w.signal();
            }
            if (q.closed) {
                w.signal();
            }
        } finally {
            q.lock.unlock();
        }
    }

    void remove(Watcher w) {
        q.lock.lock();
        try {
            for (int i = 0; i < watchers.length; i++) {
                if (watchers[i] == w) {
                    Watcher[] n = new Watcher[watchers.length - 1];
                    System.arraycopy(watchers, 0, n, 0, i);
                    System.arraycopy(watchers, i + 1, n, i, watchers.length - i - 1);
                    watchers = n;
                    return;
                }
            }
        } finally {
            q.lock.unlock();
        }
    }

    /** The channel readable while events are available, created on first use. */
    Pipe.SourceChannel readyChannel() {
        q.lock.lock();
        try {
            if (q.closed) {
                throw q.closedException();
            }
            if (channel == null) {
                channel = new ReadyChannel();
                q.updateWatch();
            }
            return channel.source();
        } finally {
            q.lock.unlock();
        }
    }

    /** After close: nobody watches any more. Lock held. */
    void closeChannel() {
        if (channel != null) {
            channel.close();
        }
    }
}
