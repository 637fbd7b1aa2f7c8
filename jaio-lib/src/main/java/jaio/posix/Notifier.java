package jaio.posix;

import java.util.ArrayDeque;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import jaio.InvalidRequestException;
import jaio.IoContext;
import jaio.Request;

/**
 * Delivers a facade's sigevent notifications: SIGEV_THREAD functions on an executor, and
 * SIGEV_KEVENT events posted into the caller's context. Any thread may notify (mostly the
 * delivery thread); a lock guards the posts waiting for room and the gate that close shuts.
 *
 * <p>A post that finds the caller's context full waits here, in order, and a virtual thread
 * of the facade tries again every millisecond until the caller has reaped enough: no event is
 * dropped and the delivery thread never blocks. Posts still waiting when the facade closes are
 * dropped (nobody reaped them).
 */
final class Notifier {
    private static final ThreadLocal<Notifier> RUNNING_HERE = new ThreadLocal<>();

    private final String name;
    /** The facade's default executor when the caller gave one, else null (then {@link #owned}). */
    private final Executor given;
    private final Object lock = new Object();
    /** The facade's own executor, a virtual thread per notification, made on first use. */
    private ExecutorService owned;
    /** Functions running now; close waits for them. */
    private int running;
    private boolean closed;
    private final ArrayDeque<Post> waiting = new ArrayDeque<>();
    private Thread retrier;
    /** Counts for tests and stats: notifications that could not be delivered. */
    private long dropped;

    private record Post(IoContext ctx, Request noop) {}

    Notifier(String name, Executor given) {
        this.name = name;
        this.given = given;
    }

    /** Announces one settled block (subject: the block) or list (subject: the list array). */
    void notify(Sigevent s, Object subject) {
        if (s == null) {
            return;
        }
        switch (s.sigev_notify()) {
            case PosixAio.SIGEV_THREAD -> runFunction(s);
            case PosixAio.SIGEV_KEVENT -> post(s.sigev_notify_context(), s.sigev_value(), subject);
            default -> { }
        }
    }

    private void runFunction(Sigevent s) {
        SigevNotifyFunction fn = s.sigev_notify_function();
        long value = s.sigev_value();
        Runnable task = () -> run(fn, value);
        Executor ex = s.sigev_notify_executor() != null ? s.sigev_notify_executor() : given;
        try {
            if (ex == null) {
                ex = ownedExecutor();
                if (ex == null) {
                    return;
                }
            }
            ex.execute(task);
        } catch (RejectedExecutionException e) {
            synchronized (lock) {
                dropped++;
            }
        }
    }

    private ExecutorService ownedExecutor() {
        synchronized (lock) {
            if (closed) {
                return null;
            }
            if (owned == null) {
                owned = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name(name + "-notify-", 0).factory());
            }
            return owned;
        }
    }

    private void run(SigevNotifyFunction fn, long value) {
        synchronized (lock) {
            if (closed) {
                dropped++;
                return;
            }
            running++;
        }
        Notifier outer = RUNNING_HERE.get();
        RUNNING_HERE.set(this);
        try {
            fn.notify(value);
        } catch (Throwable t) {
            Thread th = Thread.currentThread();
            th.getUncaughtExceptionHandler().uncaughtException(th, t);
        } finally {
            RUNNING_HERE.set(outer);
            synchronized (lock) {
                running--;
                lock.notifyAll();
            }
        }
    }

    /** Whether the calling thread is running one of this notifier's functions. */
    boolean runningHere() {
        return RUNNING_HERE.get() == this;
    }

    private void post(IoContext ctx, long value, Object subject) {
        Request noop = Request.noop().userData(value).attachment(subject);
        synchronized (lock) {
            if (closed) {
                dropped++;
                return;
            }
            if (waiting.isEmpty()) {
                int r = tryPost(ctx, noop);
                if (r != 0) {
                    dropped += r < 0 ? 1 : 0;
                    return;
                }
            }
            waiting.add(new Post(ctx, noop));
            if (retrier == null) {
                retrier = Thread.ofVirtual().name(name + "-kevent-retry").start(this::retry);
            }
        }
    }

    /** 1: posted; 0: no room, try again; -1: the context cannot take it (closed, or it refuses). */
    private static int tryPost(IoContext ctx, Request noop) {
        try {
            return ctx.submit(noop) == 1 ? 1 : 0;
        } catch (IllegalStateException | InvalidRequestException e) {
            return -1;
        }
    }

    private void retry() {
        while (true) {
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                // close interrupts: it drops what waits
            }
            synchronized (lock) {
                while (!closed && !waiting.isEmpty()) {
                    Post p = waiting.peek();
                    int r = tryPost(p.ctx(), p.noop());
                    if (r == 0) {
                        break;
                    }
                    dropped += r < 0 ? 1 : 0;
                    waiting.poll();
                }
                if (closed || waiting.isEmpty()) {
                    dropped += waiting.size();
                    waiting.clear();
                    retrier = null;
                    return;
                }
            }
        }
    }

    /**
     * Ends notification: the facade's own executor runs what it was handed, then the gate
     * shuts (a function a caller's executor had not started by then is not run), running
     * functions are waited for (but not the caller's own, when it is one), and waiting posts
     * are dropped. Not interruptible; the interrupt status is kept.
     */
    void close() {
        ExecutorService ex;
        synchronized (lock) {
            ex = owned;
        }
        boolean self = runningHere();
        boolean interrupted = false;
        if (ex != null) {
            ex.shutdown();
            while (!self) {
                try {
                    if (ex.awaitTermination(1, TimeUnit.DAYS)) {
                        break;
                    }
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        Thread r;
        synchronized (lock) {
            closed = true;
            while (running > (self ? 1 : 0)) {
                try {
                    lock.wait();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            r = retrier;
        }
        if (r != null) {
            r.interrupt();
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Notifications that could not be delivered: rejected by an executor, refused by a closed context, or left at close. */
    long dropped() {
        synchronized (lock) {
            return dropped;
        }
    }

    /** Posts waiting for room in a caller's context. */
    int waitingPosts() {
        synchronized (lock) {
            return waiting.size();
        }
    }
}
