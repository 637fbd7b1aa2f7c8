package jaio.core;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import jaio.CancelResult;
import jaio.Errno;
import jaio.spi.Capabilities;
import jaio.spi.CompletionSink;
import jaio.spi.Counters;
import jaio.spi.EngineContext;
import jaio.spi.EngineOptions;
import jaio.spi.EngineProvider;
import jaio.spi.FileHandle;
import jaio.spi.IoEngine;
import jaio.spi.Notifier;
import jaio.spi.Op;

/**
 * The engine-independent body of a completion context: validation, flow control, buffer
 * bouncing, cancel and close. The public {@code jaio.IoContext} checks arguments and calls
 * in here; engines report finished ops through the {@link CompletionSink} this implements.
 *
 * <p>Thread safe: any thread may submit, reap, await, cancel or close.
 */
public final class ContextCore<E> implements CompletionSink {
    /** The starvation bound of prioritized delivery (P2); see {@code IoContext.PRIORITY_STARVATION_BOUND}. */
    public static final int PRIORITY_STARVATION_BOUND = 64;

    private static final int OPEN = 0;
    private static final int CLOSING = 1;
    private static final int CLOSED = 2;

    /** How long the closing thread waits for completions between checks. */
    private static final long CLOSE_SLICE_NANOS = 10_000_000L;

    private final String name;
    private volatile int capacity;
    private final EventWriter<E> writer;
    private final Counters counters = new Counters();
    private final CompletionQueue queue;
    private final Bounce bounce = new Bounce();
    private final IoEngine engine;
    private final EngineOptions options;
    private final Capabilities caps;
    private final boolean pump;
    /** Signals the notification eventfd per posted event, or null (also null when the engine does it). */
    private final Notifier notifier;

    /** Events this context is answerable for: in flight plus unreaped (C3). */
    private final AtomicInteger used = new AtomicInteger();
    /** Ops submitted to the engine and not yet posted. */
    private final AtomicInteger inFlight = new AtomicInteger();
    /** Threads inside an engine call (other than the closing thread): close waits for none. */
    private final AtomicInteger engineUsers = new AtomicInteger();
    private volatile int state = OPEN;
    private volatile Thread closingThread;
    private final Object closeLock = new Object();

    private ContextCore(String name, int capacity, EventWriter<E> writer, EngineProvider provider,
                        int workers, EngineOptions options) throws IOException {
        this.name = name;
        this.capacity = capacity;
        this.writer = writer;
        this.queue = new CompletionQueue(this, counters);
        this.options = options;
        this.engine = provider.open(new EngineContext(name, capacity, workers, this, counters, options));
        this.caps = engine.capabilities();
        this.pump = engine.needsPumping();
        this.notifier = caps.signalsNotifyFd() ? null : options.notifier();
        queue.attach(engine);
        if (notifier != null) {
            // The context signals the eventfd when it posts; with a kernel ring that needs
            // pumping, somebody must post without waiting for a reaper.
            queue.startBackgroundPump();
        }
    }

    /**
     * Opens a context on the given engine.
     *
     * @throws IOException when the engine cannot be opened (the kernel refused its setup)
     */
    public static <E> ContextCore<E> open(String name, int capacity, EventWriter<E> writer, EngineProvider provider,
                                          int workers, EngineOptions options) throws IOException {
        return new ContextCore<>(name, capacity, writer, provider, workers, options);
    }

    public String name() {
        return name;
    }

    public int capacity() {
        return capacity;
    }

    public Capabilities capabilities() {
        return caps;
    }

    /** The options the engine was opened with. */
    public EngineOptions options() {
        return options;
    }

    public Counters counters() {
        return counters;
    }

    public boolean isOpen() {
        return state == OPEN;
    }

    /** Ops submitted and not yet completed. */
    public int inFlight() {
        return inFlight.get();
    }

    /** Events in flight plus unreaped. */
    public int used() {
        return used.get();
    }

    // ------------------------------------------------------------------ submit

    /**
     * Validates, reserves room for and starts {@code ops[0..count)} (C2, C3).
     *
     * @return how many were accepted, from the first; 0 when there is no room (EAGAIN)
     * @throws InvalidRequestException when the first op is invalid
     * @throws IllegalStateException when the context is closed
     */
    public int submit(CoreOp[] ops, int count) {
        if (!enterEngine()) {
            throw closedException();
        }
        try {
            return submitGated(ops, count);
        } finally {
            exitEngine();
        }
    }

    private int submitGated(CoreOp[] ops, int count) {
        int valid = count;
        for (int i = 0; i < count; i++) {
            Validator.Problem p = Validator.check(ops[i], caps);
            if (p != null) {
                if (i == 0) {
                    throw invalid(ops[0], 0, p);
                }
                valid = i;
                break;
            }
        }
        int room = reserve(valid);
        if (room == 0) {
            counters.eagain.increment();
            return 0;
        }
        int granted = GlobalLimit.reserve(room);
        if (granted < room) {
            used.addAndGet(granted - room);
            if (granted == 0) {
                counters.eagain.increment();
                return 0;
            }
        }
        inFlight.addAndGet(granted);
        if (state != OPEN) {
            unreserve(granted);
            throw closedException();
        }
        int k = 0;
        Validator.Problem fail = null;
        while (k < granted) {
            fail = claim(ops[k]);
            if (fail != null) {
                break;
            }
            k++;
        }
        if (k < granted) {
            unreserve(granted - k);
        }
        if (k == 0) {
            throw invalid(ops[0], 0, fail);
        }
        counters.submitted.add(k);
        engine.submit(ops, 0, k);
        return k;
    }

    /**
     * Submits all of {@code ops[0..count)} or none, then reaps as {@link #reap} (C8).
     *
     * @return events reaped, or -EAGAIN when there was no room for the whole batch
     * @throws InvalidRequestException naming the first invalid op (nothing was submitted)
     */
    public int submitAndWait(CoreOp[] ops, int count, int minNr, E[] out, long timeoutNanos) {
        if (!enterEngine()) {
            throw closedException();
        }
        try {
            return submitAndWaitGated(ops, count, minNr, out, timeoutNanos);
        } finally {
            exitEngine();
        }
    }

    private int submitAndWaitGated(CoreOp[] ops, int count, int minNr, E[] out, long timeoutNanos) {
        for (int i = 0; i < count; i++) {
            Validator.Problem p = Validator.check(ops[i], caps);
            if (p != null) {
                throw invalid(ops[i], i, p);
            }
        }
        if (count > 0) {
            if (!reserveAll(count)) {
                counters.eagain.increment();
                return -Errno.EAGAIN;
            }
            if (!GlobalLimit.reserveAll(count)) {
                used.addAndGet(-count);
                counters.eagain.increment();
                return -Errno.EAGAIN;
            }
            inFlight.addAndGet(count);
            if (state != OPEN) {
                unreserve(count);
                throw closedException();
            }
            for (int k = 0; k < count; k++) {
                Validator.Problem fail = claim(ops[k]);
                if (fail != null) {
                    for (int j = 0; j < k; j++) {
                        unclaim(ops[j]);
                    }
                    unreserve(count);
                    throw invalid(ops[k], k, fail);
                }
            }
            counters.submitted.add(count);
        }
        return queue.reap(minNr, out.length, out, 0, timeoutNanos, ops, count);
    }

    /** Takes room for exactly n events, or none. */
    private boolean reserveAll(int n) {
        while (true) {
            int u = used.get();
            if (capacity - u < n) {
                return false;
            }
            if (used.compareAndSet(u, u + n)) {
                return true;
            }
        }
    }

    /** Reverses a successful {@link #claim} of an op that will not be submitted. */
    private void unclaim(CoreOp op) {
        bounce.abandon(op);
        if (op.file != null) {
            op.file.release();
        }
        op.setState(CoreOp.IDLE);
    }

    /** Takes room for up to n events; returns how many fit. */
    private int reserve(int n) {
        while (true) {
            int u = used.get();
            int room = capacity - u;
            if (room <= 0) {
                return 0;
            }
            int k = Math.min(room, n);
            if (used.compareAndSet(u, u + k)) {
                return k;
            }
        }
    }

    private void unreserve(int n) {
        used.addAndGet(-n);
        GlobalLimit.release(n);
        inFlightDone(n);
    }

    /** Makes the op ours: state, file reference, buffers. Undoes itself on failure. */
    private Validator.Problem claim(CoreOp op) {
        if (!op.casState(CoreOp.IDLE, CoreOp.INFLIGHT)) {
            return new Validator.Problem(Errno.EBUSY, "request is already in flight (submitted twice?)");
        }
        FileHandle f = op.file;
        if (f != null && !f.acquire()) {
            op.setState(CoreOp.IDLE);
            return new Validator.Problem(Errno.EBADF, "file " + f.name() + " was closed");
        }
        op.resetProgress();
        op.ctx = this;
        Validator.Problem p = bounce.prepare(op, caps.buffers(), counters);
        if (p != null) {
            if (f != null) {
                f.release();
            }
            op.setState(CoreOp.IDLE);
        }
        return p;
    }

    // ------------------------------------------------------------------ completion (sink)

    @Override
    public void complete(Op op) {
        finish((CoreOp) op);
        GlobalLimit.release(1);
        counters.completed.increment();
        queue.post((CoreOp) op);
        signal(1);
        inFlightDone(1);
    }

    @Override
    public void completeBatch(Op[] ops, int count) {
        if (count == 0) {
            return;
        }
        for (int i = 0; i < count; i++) {
            finish((CoreOp) ops[i]);
        }
        GlobalLimit.release(count);
        counters.completed.add(count);
        queue.post(ops, count);
        signal(count);
        inFlightDone(count);
    }

    private void signal(int n) {
        if (notifier != null) {
            notifier.signal(n);
        }
    }

    private void finish(CoreOp op) {
        bounce.finish(op);
        FileHandle f = op.file;
        if (f != null) {
            f.release();
        }
        if (op.result < 0) {
            counters.errors.increment();
            if (op.result == -Errno.ECANCELED) {
                counters.canceled.increment();
            }
        }
    }

    private void inFlightDone(int n) {
        if (inFlight.addAndGet(-n) == 0 && state != OPEN) {
            Thread t = closingThread;
            if (t != null) {
                LockSupport.unpark(t);
            }
        }
    }

    /** Called by the queue when events leave it (reaped or dropped). */
    void eventsGone(int n) {
        used.addAndGet(-n);
    }

    /** Copies an op's outcome into a public event and makes the op reusable. */
    @SuppressWarnings("unchecked") // the queue's arrays are the caller's E[], typed Object[] inside
    void fill(Object event, CoreOp op) {
        writer.write((E) event, op);
        op.setState(CoreOp.IDLE);
    }

    // ------------------------------------------------------------------ reaping

    /** See {@link CompletionQueue#reap}. */
    public int reap(int min, int max, E[] out, int off, long timeoutNanos) {
        return queue.reap(min, max, out, off, timeoutNanos, null, 0);
    }

    /** See {@link CompletionQueue#await}. */
    public boolean await(CoreOp op, E[] out, int off, long timeoutNanos) {
        return queue.await(op, out, off, timeoutNanos);
    }

    // ------------------------------------------------------------------ cancel

    /**
     * Best-effort cancel (C7); the op yields exactly one event whatever happens.
     *
     * @throws IllegalArgumentException when the op was never submitted to this context
     */
    public CancelResult cancel(CoreOp op) {
        checkOpen();
        if (op.ctx != this) {
            throw new IllegalArgumentException("request " + op + " was not submitted to " + name);
        }
        if (op.state() != CoreOp.INFLIGHT) {
            return CancelResult.ALREADY_DONE;
        }
        op.cancelRequested = true;
        if (!enterEngine()) {
            throw closedException();
        }
        CancelResult r;
        try {
            r = engine.cancel(op);
        } finally {
            exitEngine();
        }
        if (r == CancelResult.NOT_CANCELED && op.state() != CoreOp.INFLIGHT) {
            return CancelResult.ALREADY_DONE;
        }
        if (r == CancelResult.ALREADY_DONE && op.state() == CoreOp.INFLIGHT && op.ctx == this) {
            // The engine does not have it (yet, or any more) but its event is not posted:
            // it is still on its way, so it may complete normally.
            return CancelResult.NOT_CANCELED;
        }
        return r;
    }

    // ------------------------------------------------------------------ close

    /**
     * Closes the context (C1); see {@code IoContext.close()} for the steps. Idempotent; a
     * concurrent second caller returns once the first has finished.
     */
    public void close() {
        synchronized (closeLock) {
            // Uninterruptibly: a second caller must not return before the first has finished
            // (IoContext.close then lets go of the notification eventfd).
            boolean interrupted = false;
            while (state == CLOSING) {
                try {
                    closeLock.wait();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            if (state == CLOSED) {
                return;
            }
            closingThread = Thread.currentThread();
            state = CLOSING;
        }
        // The waits below park; with the interrupt status set a park returns at once and the
        // loop would spin. Keep the interrupt for the caller, after the work.
        boolean interrupted = Thread.interrupted();
        try {
            queue.close();
            engine.cancelAll();
            // Done when no thread is inside the engine and nothing is in flight. Once the gate
            // is seen empty nobody can add to what is in flight (only gated callers submit).
            boolean lateCancelled = false;
            while (engineUsers.get() != 0 || inFlight.get() != 0) {
                if (!lateCancelled && engineUsers.get() == 0) {
                    // Callers that were inside the gate when close began may have handed ops to
                    // the engine after the cancelAll above (a POLL nobody answers would then
                    // hold close for ever). Nobody can enter any more: cancel once again.
                    lateCancelled = true;
                    engine.cancelAll();
                    continue;
                }
                if (pump && inFlight.get() > 0) {
                    queue.pumpForClose(CLOSE_SLICE_NANOS);
                } else {
                    LockSupport.parkNanos(this, 1_000_000);
                }
                interrupted |= Thread.interrupted();
            }
            queue.awaitQuiet();
        } finally {
            try {
                engine.close();
            } finally {
                synchronized (closeLock) {
                    state = CLOSED;
                    closingThread = null;
                    closeLock.notifyAll();
                }
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    // ------------------------------------------------------------------ the engine gate

    /**
     * Enters an engine call; false (and nothing entered) once the context is closing. Pairs
     * with {@link #exitEngine()}. The increment comes before the check, and close sets its
     * state before it looks at the count, so one of the two always sees the other.
     */
    boolean enterEngine() {
        engineUsers.incrementAndGet();
        if (state != OPEN) {
            exitEngine();
            return false;
        }
        return true;
    }

    void exitEngine() {
        if (engineUsers.decrementAndGet() == 0 && state != OPEN) {
            Thread t = closingThread;
            if (t != null) {
                LockSupport.unpark(t);
            }
        }
    }

    // ------------------------------------------------------------------ delivery options

    /**
     * Grows the capacity (C9) while requests may be in flight: the engine makes room first,
     * then submissions may use it.
     *
     * @throws IllegalArgumentException when the new capacity is smaller than the current one
     */
    public void resize(int newCapacity) {
        synchronized (closeLock) {
            checkOpen();
            if (newCapacity < capacity) {
                throw new IllegalArgumentException("capacity can only grow: " + capacity + " -> " + newCapacity);
            }
            if (newCapacity == capacity) {
                return;
            }
            if (!enterEngine()) {
                throw closedException();
            }
            try {
                engine.resize(newCapacity);
            } finally {
                exitEngine();
            }
            capacity = newCapacity;
        }
    }

    /** Sets the concurrency value (P3); 0 means unlimited. */
    public void setConcurrency(int k) {
        checkOpen();
        queue.setConcurrency(k);
    }

    /** Threads running completion work taken from this context now (P3). */
    public int runningThreads() {
        return queue.runningThreads();
    }

    /** Threads waiting in getEvents or await now. */
    public int waitingThreads() {
        return queue.waitingThreads();
    }

    /** A channel readable while events are available (C10); starts the background pump if needed. */
    public java.nio.channels.Pipe.SourceChannel readyChannel() {
        checkOpen();
        queue.startBackgroundPump();
        return queue.readyChannel();
    }

    /**
     * For group waits (P3): the calling thread stops running on whatever context it runs on,
     * and the returned token says which; {@link #resumeRunning} puts it back. Null when it ran
     * nowhere.
     */
    public static Object pauseRunning() {
        return CompletionQueue.pauseRunning();
    }

    /** The context the calling thread runs on, as a token for {@link #resumeRunning}, or null. */
    public static Object runningOn() {
        return CompletionQueue.runningOn();
    }

    /** When the calling thread runs nowhere, makes it run on the token's context again. */
    public static void resumeRunning(Object token) {
        CompletionQueue.resumeRunning((CompletionQueue) token);
    }

    /** This context's running-state token (see {@link #pauseRunning}). */
    public Object runningToken() {
        return queue;
    }

    /** Registers a group watcher (C12); starts the background pump if needed. */
    public void addWatcher(Watcher w) {
        checkOpen();
        queue.startBackgroundPump();
        queue.addWatcher(w);
    }

    public void removeWatcher(Watcher w) {
        queue.removeWatcher(w);
    }

    private void checkOpen() {
        if (state != OPEN) {
            throw closedException();
        }
    }

    IllegalStateException closedException() {
        return new IllegalStateException("completion context " + name + " is closed");
    }

    private static RequestRefused invalid(CoreOp op, int index, Validator.Problem p) {
        return new RequestRefused(op, index, p.errno(), p.reason());
    }
}
