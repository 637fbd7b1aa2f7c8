package jaio.nio;

import java.lang.ref.WeakReference;
import javax.management.ObjectName;
import jaio.ContextStats;
import jaio.IoContext;

/**
 * The MXBean of one context, holding it weakly so that monitoring never keeps a context alive.
 * After the context is gone or closed it reports the last snapshot it took.
 */
final class ContextMonitor implements IoContextMXBean {
    private final WeakReference<IoContext> context;
    private final String name;
    private final String engine;
    final ObjectName objectName;
    private volatile ContextStats last;
    private volatile boolean open = true;

    ContextMonitor(IoContext c, ObjectName objectName) {
        this.context = new WeakReference<>(c);
        this.name = c.name();
        this.engine = c.engine().shortName();
        this.objectName = objectName;
        this.last = c.stats();
    }

    IoContext context() {
        return context.get();
    }

    /** A fresh snapshot while the context is open, else the last one. */
    ContextStats stats() {
        IoContext c = context.get();
        if (c != null && c.isOpen()) {
            last = c.stats();
        } else {
            open = false;
        }
        return last;
    }

    @Override
    public String getName() {
        return name;
    }

    @Override
    public String getEngine() {
        return engine;
    }

    @Override
    public boolean isOpen() {
        stats();
        return open;
    }

    @Override
    public long getSubmitted() {
        return stats().submitted();
    }

    @Override
    public long getCompleted() {
        return stats().completed();
    }

    @Override
    public long getRetries() {
        return stats().retries();
    }

    @Override
    public long getPunted() {
        return stats().punted();
    }

    @Override
    public long getEagain() {
        return stats().eagain();
    }

    @Override
    public long getCanceled() {
        return stats().canceled();
    }

    @Override
    public long getWakeups() {
        return stats().wakeups();
    }

    @Override
    public long getErrors() {
        return stats().errors();
    }

    @Override
    public int getInFlight() {
        return stats().inFlight();
    }
}
