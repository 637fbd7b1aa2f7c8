package jaio.engine.threads;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import jaio.CancelResult;
import jaio.Errno;
import jaio.engine.DaemonThreads;
import jaio.linux.LibC;
import jaio.linux.Timespec;
import jaio.spi.Op;
import jaio.spi.Retry;

/**
 * Any thread may hand it ops and cancel them; one lock guards the waiting ops and the timers,
 * and the poller thread runs what became ready with no lock held. The thread-pool engine's one
 * thread for everything that waits (E3): descriptors waiting for readiness (POLL, sockets,
 * pipes and eventfds that were not ready) and TIMEOUTs. It waits in ppoll(2) over every waiting
 * descriptor at once plus an eventfd that wakes it, with the nearest timer as the timeout, so
 * a thousand idle connections cost one thread, never one each. Started on first use.
 *
 * <p>A TIMEOUT with a completion count is met when that many ops of the engine completed
 * after it started (every completion is counted, as the kernel engines count theirs): the
 * thread that posts the completion that meets it ends it, with result 0; its timer firing
 * first ends it with -ETIME.
 */
final class Poller {
    /** {@link Op#engineState}: waiting here for readiness. WorkerPool's states are 16 and 17. */
    static final int WAITING = 18;
    /** {@link Op#engineState}: waiting here for its timer or completion count. */
    static final int TIMING = 19;
    /** {@link Op#engineState}: the poller thread is running it (it was ready). */
    static final int HANDLING = 20;

    /** What the engine does with an op that became ready, on the poller thread, no lock held. */
    interface Handler {
        void ready(Op op, int revents);
    }

    /** Where finished ops are posted (no lock held). */
    interface Sink {
        void post(Op op);
    }

    private final String name;
    private final Handler handler;
    private final Sink sink;
    private final ReentrantLock lock = new ReentrantLock();
    private final AtomicLong completed = new AtomicLong();

    // ---- under lock ----
    private Op[] waiting = new Op[16];
    private int[] events = new int[16];
    private int waitingCount;
    private Op[] timers = new Op[4];
    private long[] deadlines = new long[4];
    private long[] targets = new long[4];
    private int timerCount;
    /** TIMEOUTs with a completion count, read without the lock to skip the check when none. */
    private volatile int counting;
    /** The loop, on a thread borrowed from {@link DaemonThreads}, and that thread. */
    private DaemonThreads.Task task;
    private Thread thread;
    private int wakeFd = -1;
    /** Set by {@link #cancelAll} (close): whatever would wait from now on ends cancelled instead. */
    private boolean cancelling;
    private boolean closed;

    Poller(String name, Handler handler, Sink sink) {
        this.name = name;
        this.handler = handler;
        this.sink = sink;
    }

    /**
     * Waits for {@code op}'s descriptor to be ready for {@code ev}; then the handler runs it.
     * An op whose cancel was asked for meanwhile, or that would wait once the context is
     * closing, ends here with -ECANCELED instead of waiting.
     */
    void await(Op op, int ev) {
        lock.lock();
        try {
            if (cancelling) {
                op.forceCancel();
            }
            if (cancelling || op.takeCancel()) {
                Retry.finish(op, -Errno.ECANCELED);
                op.engineState = 0;
            } else {
                park(op, ev);
                op = null;
            }
        } finally {
            lock.unlock();
        }
        if (op != null) {
            sink.post(op);
        } else {
            wake();
        }
    }

    /** Adds {@code op} to the waiting ops. Lock held. */
    private void park(Op op, int ev) {
        start();
        if (waitingCount == waiting.length) {
            waiting = Arrays.copyOf(waiting, waitingCount * 2);
            events = Arrays.copyOf(events, waitingCount * 2);
        }
        op.slot = waitingCount;
        op.engineState = WAITING;
        waiting[waitingCount] = op;
        events[waitingCount++] = ev;
    }

    /** Starts a TIMEOUT: its delay, and its completion count (0: none) counted from now. */
    void time(Op op) {
        long now = System.nanoTime();
        long delay = op.timeoutNanos;
        long deadline = delay > Long.MAX_VALUE - now ? Long.MAX_VALUE : now + delay;
        boolean refused;
        lock.lock();
        try {
            refused = cancelling;
            if (!refused) {
                arm(op, deadline);
            }
        } finally {
            lock.unlock();
        }
        if (refused) {
            Retry.finish(op, -Errno.ECANCELED);
            op.engineState = 0;
            sink.post(op);
            return;
        }
        wake();
    }

    /** Adds a TIMEOUT to the timers. Lock held. */
    private void arm(Op op, long deadline) {
        start();
        if (timerCount == timers.length) {
            timers = Arrays.copyOf(timers, timerCount * 2);
            deadlines = Arrays.copyOf(deadlines, timerCount * 2);
            targets = Arrays.copyOf(targets, timerCount * 2);
        }
        op.slot = timerCount;
        op.engineState = TIMING;
        timers[timerCount] = op;
        deadlines[timerCount] = deadline;
        targets[timerCount++] = op.timeoutCount > 0 ? completed.get() + op.timeoutCount : Long.MAX_VALUE;
        if (op.timeoutCount > 0) {
            counting++;
        }
    }

    /** {@code n} ops of the engine completed: ends the TIMEOUTs whose count that meets. */
    void completed(int n) {
        // Only counted while a TIMEOUT waits for a number of completions (an atomic add per
        // request otherwise): one racing a TIMEOUT being armed simply came before it.
        if (counting == 0) {
            return;
        }
        long c = completed.addAndGet(n);
        List<Op> met = null;
        lock.lock();
        try {
            for (int i = timerCount - 1; i >= 0; i--) {
                if (targets[i] <= c) {
                    Op op = removeTimer(i);
                    Retry.afterIteration(op, 0);
                    (met == null ? met = new ArrayList<>() : met).add(op);
                }
            }
        } finally {
            lock.unlock();
        }
        post(met);
    }

    /**
     * Removes {@code op} when it waits here and ends it with -ECANCELED: CANCELED, and the
     * caller posts it. NOT_CANCELED while the poller runs it (it sees its cancel flag before it
     * would wait again); null when the op is not here.
     */
    CancelResult cancel(Op op) {
        lock.lock();
        try {
            if (op.engineState == WAITING && op.slot < waitingCount && waiting[op.slot] == op) {
                removeWaiting(op.slot);
            } else if (op.engineState == TIMING && op.slot < timerCount && timers[op.slot] == op) {
                removeTimer(op.slot);
            } else {
                return op.engineState == HANDLING ? CancelResult.NOT_CANCELED : null;
            }
            Retry.finish(op, -Errno.ECANCELED);
            return CancelResult.CANCELED;
        } finally {
            lock.unlock();
        }
    }

    /** Ends everything waiting here with -ECANCELED and posts it (close). */
    void cancelAll() {
        List<Op> out = new ArrayList<>();
        lock.lock();
        try {
            // An op the poller thread is running now may want to wait again: it is cancelled
            // then, in await, or close would wait for it for ever.
            cancelling = true;
            while (waitingCount > 0) {
                out.add(removeWaiting(waitingCount - 1));
            }
            while (timerCount > 0) {
                out.add(removeTimer(timerCount - 1));
            }
        } finally {
            lock.unlock();
        }
        for (Op op : out) {
            op.forceCancel();
            Retry.finish(op, -Errno.ECANCELED);
        }
        post(out);
    }

    /** Stops the thread (after it finished what it runs) and closes its eventfd. */
    void close() {
        DaemonThreads.Task t;
        lock.lock();
        try {
            closed = true;
            t = task;
        } finally {
            lock.unlock();
        }
        if (t == null) {
            return;
        }
        wake();
        boolean interrupted = false;
        while (true) {
            try {
                t.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        LibC.close(wakeFd);
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Starts the thread on first use. Lock held. */
    private void start() {
        if (thread != null) {
            return;
        }
        int fd = LibC.eventfd(0, LibC.EFD_NONBLOCK);
        if (fd < 0) {
            throw new IllegalStateException("eventfd for the poller: " + Errno.describe(fd));
        }
        wakeFd = fd;
        try {
            task = DaemonThreads.start(name + "-poller", this::loop);
        } catch (Throwable t) {
            LibC.close(fd);
            wakeFd = -1;
            throw t;
        }
        thread = task.thread();
    }

    private void wake() {
        if (Thread.currentThread() != thread && wakeFd >= 0) {
            LibC.eventfdWrite(wakeFd, 1);
        }
    }

    private Op removeWaiting(int i) {
        Op op = waiting[i];
        int last = --waitingCount;
        waiting[i] = waiting[last];
        events[i] = events[last];
        waiting[i].slot = i;
        waiting[last] = null;
        op.slot = -1;
        op.engineState = HANDLING;
        return op;
    }

    private Op removeTimer(int i) {
        Op op = timers[i];
        if (targets[i] != Long.MAX_VALUE) {
            counting--;
        }
        int last = --timerCount;
        timers[i] = timers[last];
        deadlines[i] = deadlines[last];
        targets[i] = targets[last];
        timers[i].slot = i;
        timers[last] = null;
        op.slot = -1;
        op.engineState = HANDLING;
        return op;
    }

    private void post(List<Op> ops) {
        if (ops != null) {
            for (Op op : ops) {
                op.engineState = 0;
                sink.post(op);
            }
        }
    }

    // ------------------------------------------------------------------ the thread

    private void loop() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ts = arena.allocate(Timespec.LAYOUT);
            MemorySegment pfd = arena.allocate(LibC.POLLFD_SIZE * 64L, 8);
            Op[] polled = new Op[64];
            List<Op> ready = new ArrayList<>();
            int[] revents = new int[64];
            List<Op> expired = new ArrayList<>();
            while (true) {
                int n;
                long deadline = Long.MAX_VALUE;
                lock.lock();
                try {
                    if (closed) {
                        return;
                    }
                    n = waitingCount;
                    if ((n + 1) * (long) LibC.POLLFD_SIZE > pfd.byteSize()) {
                        pfd = arena.allocate(LibC.POLLFD_SIZE * (long) (2 * n + 2), 8);
                    }
                    if (polled.length < n + 1) {
                        polled = new Op[2 * n + 2];
                    }
                    entry(pfd, 0, wakeFd, LibC.POLLIN);
                    for (int i = 0; i < n; i++) {
                        polled[i + 1] = waiting[i];
                        entry(pfd, i + 1, waiting[i].file.fd(), events[i]);
                    }
                    for (int i = 0; i < timerCount; i++) {
                        deadline = Math.min(deadline, deadlines[i]);
                    }
                } finally {
                    lock.unlock();
                }
                MemorySegment timeout = MemorySegment.NULL;
                if (deadline != Long.MAX_VALUE) {
                    Timespec.set(ts, Math.max(0, deadline - System.nanoTime()));
                    timeout = ts;
                }
                int r = LibC.ppoll(pfd, n + 1, timeout);
                if (r > 0 && revents(pfd, 0) != 0) {
                    LibC.eventfdRead(wakeFd);
                }
                long now = System.nanoTime();
                lock.lock();
                try {
                    for (int i = 1; r > 0 && i <= n; i++) {
                        int rev = revents(pfd, i);
                        Op op = polled[i];
                        polled[i] = null;
                        if (rev != 0 && op.engineState == WAITING && op.slot >= 0 && op.slot < waitingCount
                                && waiting[op.slot] == op) {
                            if (revents.length == ready.size()) {
                                revents = Arrays.copyOf(revents, 2 * ready.size());
                            }
                            revents[ready.size()] = rev;
                            ready.add(removeWaiting(op.slot));
                        }
                    }
                    for (int i = timerCount - 1; i >= 0; i--) {
                        if (deadlines[i] <= now) {
                            expired.add(removeTimer(i));
                        }
                    }
                } finally {
                    lock.unlock();
                }
                Arrays.fill(polled, 0, Math.min(polled.length, n + 1), null);
                for (int i = 0; i < ready.size(); i++) {
                    handler.ready(ready.get(i), revents[i]);
                }
                for (Op op : expired) {
                    Retry.afterIteration(op, -Errno.ETIME);
                }
                post(expired);
                ready.clear();
                expired.clear();
            }
        }
    }

    private static void entry(MemorySegment pfd, int i, int fd, int ev) {
        long at = (long) i * LibC.POLLFD_SIZE;
        pfd.set(ValueLayout.JAVA_INT, at, fd);
        pfd.set(ValueLayout.JAVA_SHORT, at + 4, (short) ev);
        pfd.set(ValueLayout.JAVA_SHORT, at + 6, (short) 0);
    }

    private static int revents(MemorySegment pfd, int i) {
        return pfd.get(ValueLayout.JAVA_SHORT, (long) i * LibC.POLLFD_SIZE + 6) & 0xFFFF;
    }
}
