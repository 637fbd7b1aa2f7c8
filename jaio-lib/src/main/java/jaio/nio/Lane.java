package jaio.nio;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import jaio.Engine;
import jaio.Errno;
import jaio.IoContext;

/**
 * A self-reaping context as the facades use it, for any number of threads: a pool of
 * reusable requests ({@link Slot}) and a backlog for the requests the context had no room
 * for, so that a facade never refuses an operation because the context is full.
 *
 * <p>Room comes back when an event is reaped, which is before its callback runs; so each
 * callback of this lane submits from the backlog. A starter whose submission found no room
 * queues its slot, then tries the backlog itself; if then nothing of this lane is in flight
 * (the room is held by other users of the context, whose callbacks do not know this lane) it
 * schedules a retry, so the backlog never waits for a callback that is not coming.
 */
final class Lane {
    private static final int POOL_MAX = 256;
    private static final long RETRY_MICROS = 200;
    private static volatile Lane shared;
    private static ScheduledExecutorService retries;

    private final IoContext context;
    private final Slot[] pool = new Slot[POOL_MAX];
    private int pooled;
    private final ConcurrentLinkedDeque<Slot> backlog = new ConcurrentLinkedDeque<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Observer observer;

    Lane(IoContext context) {
        if (!context.isSelfReaping()) {
            throw new IllegalArgumentException("jaio.nio needs a self-reaping context (IoContext.Builder.selfReaping()): " + context);
        }
        this.context = context;
        this.observer = Observer.of(context);
    }

    /**
     * The lane of the process-wide context the facades use when none is given: self-reaping,
     * capacity 1024, on the best engine here (engine named by {@code -Djaio.nio.engine}).
     */
    static Lane shared() {
        Lane l = shared;
        if (l == null) {
            synchronized (Lane.class) {
                l = shared;
                if (l == null) {
                    try {
                        String engine = System.getProperty("jaio.nio.engine", "auto");
                        l = new Lane(IoContext.builder().capacity(1024).name("jaio-nio")
                                .engine(Engine.parse(engine)).selfReaping().open());
                    } catch (IOException e) {
                        throw new UncheckedIOException("jaio.nio: cannot open the shared context", e);
                    }
                    shared = l;
                }
            }
        }
        return l;
    }

    IoContext context() {
        return context;
    }

    Observer observer() {
        return observer;
    }

    /** A free slot, from the pool or new. */
    Slot acquire() {
        Slot s = null;
        synchronized (pool) {
            if (pooled > 0) {
                s = pool[--pooled];
                pool[pooled] = null;
            }
        }
        return s != null ? s : new Slot(this);
    }

    void release(Slot s) {
        synchronized (pool) {
            if (pooled < POOL_MAX) {
                pool[pooled++] = s;
            }
        }
    }

    /**
     * Submits a prepared slot, or queues it when the context has no room.
     *
     * @throws jaio.InvalidRequestException when the request is refused (the slot is freed)
     * @throws IllegalStateException when the context is closed (the slot is freed)
     */
    void start(Slot s) {
        s.startNanos = Observer.now();
        // Written before the submission, which publishes it: the event may come before submit returns.
        s.acceptedNanos = s.startNanos;
        inFlight.incrementAndGet();
        int n;
        try {
            n = Observer.DIAGNOSE ? submitObserved(s) : context.submit(s.batch, 0, 1);
        } catch (RuntimeException e) {
            inFlight.decrementAndGet();
            s.outcome = null;
            s.abandon();
            throw e;
        }
        if (n == 1) {
            return;
        }
        backlog.addLast(s);
        drainBacklog();
        if (!backlog.isEmpty() && inFlight.get() == backlog.size()) {
            scheduleRetry();
        }
    }

    private int submitObserved(Slot s) {
        long punted = observer.puntedBefore();
        int n = context.submit(s.batch, 0, 1);
        observer.submitted(s, s.startNanos, punted);
        return n;
    }

    /** Bookkeeping before the outcome runs: counts and the slow-request event. */
    void finishedOne(Slot s, long result) {
        inFlight.decrementAndGet();
        observer.finished(s, result);
    }

    /** Submits from the backlog while the context takes them. */
    void drainBacklog() {
        Slot s;
        while ((s = backlog.pollFirst()) != null) {
            s.acceptedNanos = Observer.now();
            int n;
            try {
                n = context.submit(s.batch, 0, 1);
            } catch (RuntimeException e) {
                // Closed under us, or refused: the operation fails as its event would.
                inFlight.decrementAndGet();
                Outcome o = s.outcome;
                s.outcome = null;
                s.abandon();
                o.finished(-Errno.ECANCELED);
                continue;
            }
            if (n == 0) {
                backlog.addFirst(s);
                return;
            }
        }
    }

    private void scheduleRetry() {
        ScheduledExecutorService r;
        synchronized (Lane.class) {
            if (retries == null) {
                retries = Executors.newSingleThreadScheduledExecutor(t -> {
                    Thread th = new Thread(t, "jaio-nio-retry");
                    th.setDaemon(true);
                    return th;
                });
            }
            r = retries;
        }
        r.schedule(() -> {
            drainBacklog();
            if (!backlog.isEmpty() && inFlight.get() == backlog.size()) {
                scheduleRetry();
            }
        }, RETRY_MICROS, TimeUnit.MICROSECONDS);
    }
}
