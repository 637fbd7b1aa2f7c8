package jaio.core;

import java.io.IOException;
import java.nio.channels.Pipe;
import java.util.function.BooleanSupplier;
import jaio.CancelResult;
import jaio.Errno;
import jaio.spi.Capabilities;
import jaio.spi.Counters;
import jaio.spi.EngineContext;
import jaio.spi.EngineOptions;
import jaio.spi.EngineProvider;
import jaio.spi.FileHandle;
import jaio.spi.IoEngine;
import jaio.spi.Notifier;

/**
 * The engine-independent body of a completion context, for any number of threads at once
 * (each part synchronises itself: the gate and room are atomics, delivery is under the
 * completion queue's lock, close under the gate's state lock). The public
 * {@code jaio.IoContext} checks arguments and calls in here. This class wires the parts
 * together and keeps the entry points: {@link Admission} validates and starts submissions,
 * {@link Completions} takes the engine's finished ops, the {@link CompletionQueue} and its
 * helpers deliver them, {@link ContextClose} closes, and every engine call passes the
 * {@link EngineGate}.
 */
public final class ContextCore<E> {
    /** The starvation bound of prioritized delivery (P2); see {@code IoContext.PRIORITY_STARVATION_BOUND}. */
    public static final int PRIORITY_STARVATION_BOUND = 64;

    private final String name;
    private final Counters counters = new Counters();
    private final Room room;
    private final EngineGate gate = new EngineGate();
    private final CompletionQueue queue;
    private final IoEngine engine;
    private final EngineOptions options;
    private final Capabilities caps;
    private final Admission admission;
    private final Chains chains;
    private final ContextClose closing;
    private final AcceptedSockets accepted = new AcceptedSockets();
    private final Cancelling cancelling;
    /** The largest capacity the engine takes (its provider's {@code maxCapacity}). */
    private final int maxCapacity;
    /** Whether the context reaps by itself (see {@link #startSelfReaping}). */
    private final boolean selfReaping;
    /** The one thread that may call a single-issuer context (the one that opened it), else null. */
    private final Thread owner;
    /** The reaper of a self-reaping context once started, else null; written once, before it starts. */
    private volatile Thread reaperThread;
    /** The reaping role of a self-reaping context once started, else null; written once. */
    private volatile Helping helping;

    private ContextCore(String name, int capacity, EventWriter<E> writer, EngineProvider provider, int workers,
                        EngineOptions options, boolean selfReaping, Runnable afterClose) throws IOException {
        this.maxCapacity = provider.maxCapacity();
        checkCapacity(provider.kind().shortName(), capacity, maxCapacity);
        this.name = name;
        this.room = new Room(capacity);
        this.options = options;
        this.selfReaping = selfReaping;
        this.owner = options.singleIssuer() ? Thread.currentThread() : null;
        this.queue = new CompletionQueue(this, writer, room, gate, counters);
        Bounce bounce = new Bounce();
        Completions sink = new Completions(queue, gate, bounce, counters, accepted);
        TrackedEngine tracked = new TrackedEngine(
                provider.open(new EngineContext(name, capacity, workers, sink, counters, options)));
        this.engine = tracked;
        this.caps = singleIssuerReport(engine.capabilities(), options);
        Notifier notifier = caps.signalsNotifyFd() ? null : options.notifier();
        sink.attach(notifier);
        this.chains = new Chains(name, gate, sink, tracked, queue);
        sink.attach(chains);
        tracked.attach(chains);
        queue.attach(engine);
        this.admission = new Admission(this, caps, selfReaping, room, gate, bounce, counters, chains);
        this.closing = new ContextClose(gate, queue, engine, afterClose, accepted::closeAll);
        this.cancelling = new Cancelling(this, gate, engine, chains);
        if (notifier != null && !selfReaping) {
            // The context signals the eventfd when it posts; with a kernel ring that needs
            // pumping, somebody must post without waiting for a reaper (a self-reaping
            // context has one).
            queue.pumping.startBackground();
        }
    }

    /**
     * Opens a context on the given engine. {@code selfReaping}: the context will reap by
     * itself once {@link #startSelfReaping} is called; requests without a callback are
     * refused. {@code afterClose} (or null) runs once the engine is released.
     *
     * @throws IOException when the engine cannot be opened (the kernel refused its setup)
     */
    public static <E> ContextCore<E> open(String name, int capacity, EventWriter<E> writer, EngineProvider provider,
                                          int workers, EngineOptions options, boolean selfReaping,
                                          Runnable afterClose) throws IOException {
        return new ContextCore<>(name, capacity, writer, provider, workers, options, selfReaping, afterClose);
    }

    /** A context whose caller reaps, with nothing to do after close. */
    public static <E> ContextCore<E> open(String name, int capacity, EventWriter<E> writer, EngineProvider provider,
                                          int workers, EngineOptions options) throws IOException {
        return open(name, capacity, writer, provider, workers, options, false, null);
    }

    /**
     * Starts the reaper of a self-reaping context: a platform daemon thread that takes every
     * event as it arrives and hands batches of {@code batch.length} to {@code handler}, and
     * that runs the close sequence when the context closes, delivering what remains. Once.
     */
    public void startSelfReaping(EventHandler<E> handler, E[] batch) {
        if (!selfReaping) {
            throw new IllegalStateException(name + " was not opened self-reaping");
        }
        SelfReaper<E> r = new SelfReaper<>(name, queue, closing, handler, batch);
        helping = r.helping();
        reaperThread = r.thread();
        closing.startReaper(r);
    }

    /**
     * Whether the calling thread runs this self-reaping context's in-place callbacks: it is the
     * reaper, or a thread that holds the reaping role while it waits ({@link #awaitHelping}).
     */
    public boolean onReaperThread() {
        Thread t = Thread.currentThread();
        if (reaperThread == t) {
            return true;
        }
        Helping h = helping;
        return h != null && h.holds(t);
    }

    /**
     * For a self-reaping context: waits until {@code condition} is true (a callback made it
     * so). A platform thread waits as a helper: when the reaper is not busy it takes the
     * reaping role, waits for events itself and runs their callbacks in place, with the same
     * guarantees as the reaper (one at a time, each once, none after close), so a completion
     * needs no hand-off between threads; a virtual thread, or any thread when callbacks run on
     * an executor, parks until a batch of callbacks has run. {@code timeoutNanos} negative:
     * without limit. See {@link Helping}.
     *
     * @return 0 when the condition holds; 1 when the timeout passed first; 2 when the thread
     *         was interrupted (the status is cleared); 3 when the context closed first
     * @throws IllegalStateException when not self-reaping, or called by a thread running the
     *         context's in-place callbacks (it would wait for itself)
     */
    public int awaitHelping(BooleanSupplier condition, long timeoutNanos) {
        Helping h = helping;
        if (h == null) {
            throw new IllegalStateException(name + " is not self-reaping: nobody runs callbacks to wait for");
        }
        return h.await(condition, timeoutNanos);
    }

    /** See {@link Helping#freeForHelper}; false on a context that is not self-reaping. */
    public boolean freeForHelper() {
        Helping h = helping;
        return h != null && h.freeForHelper();
    }

    /** See {@link Helping#resumeReaper}; nothing on a context that is not self-reaping. */
    public void resumeReaper() {
        Helping h = helping;
        if (h != null) {
            h.resumeReaper();
        }
    }

    /** After callbacks ran on an executor: the threads in {@link #awaitHelping} look again. */
    public void callbacksRan() {
        Helping h = helping;
        if (h != null) {
            h.delivered();
        }
    }

    public String name() {
        return name;
    }

    /** The accepted connections nobody took yet. */
    AcceptedSockets accepted() {
        return accepted;
    }

    /**
     * Takes the connection an ACCEPT of this context made: true for the first taker, false
     * when it was taken already or closed (its request was reused, or the context closed).
     */
    public boolean takeAccepted(FileHandle h) {
        return accepted.take(h);
    }

    public int capacity() {
        return room.capacity();
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
        return gate.isOpen();
    }

    public boolean isSelfReaping() {
        return selfReaping;
    }

    /** Ops submitted and not yet completed. */
    public int inFlight() {
        return gate.inFlight();
    }

    /** Events in flight plus unreaped. */
    public int used() {
        return room.used();
    }

    // ------------------------------------------------------------------ submit, reap

    /**
     * Validates, reserves room for and starts {@code ops[0..count)} (C2, C3).
     *
     * @return how many were accepted, from the first; 0 when there is no room (EAGAIN)
     * @throws RequestRefused when the first op is invalid
     * @throws IllegalStateException when the context is closed
     */
    public int submit(CoreOp[] ops, int count) {
        requireOwner("submit");
        if (!gate.enter()) {
            throw closedException();
        }
        try {
            return admission.submit(ops, count);
        } finally {
            gate.exit();
        }
    }

    /**
     * Submits all of {@code ops[0..count)} or none, then reaps as {@link #reap} (C8).
     *
     * @return events reaped, or -EAGAIN when there was no room for the whole batch
     * @throws RequestRefused naming the first invalid op (nothing was submitted)
     */
    public int submitAndWait(CoreOp[] ops, int count, int minNr, E[] out, long timeoutNanos) {
        requireOwner("submitAndWait");
        if (!gate.enter()) {
            throw closedException();
        }
        try {
            if (!admission.claimAll(ops, count)) {
                return -Errno.EAGAIN;
            }
            if (chains.needed(ops, count)) {
                // Chains and barriers go through the runner, which hands the engine one
                // member at a time: submit first, then reap.
                chains.start(ops, count);
                return queue.reaping.reap(minNr, out.length, out, 0, timeoutNanos, null, 0);
            }
            return queue.reaping.reap(minNr, out.length, out, 0, timeoutNanos, ops, count);
        } finally {
            gate.exit();
        }
    }

    /** See {@link Reaping#reap}. */
    public int reap(int min, int max, E[] out, int off, long timeoutNanos) {
        requireOwner("getEvents");
        return queue.reaping.reap(min, max, out, off, timeoutNanos, null, 0);
    }

    /** See {@link Reaping#await}. */
    public boolean await(CoreOp op, E[] out, int off, long timeoutNanos) {
        requireOwner("await");
        return queue.reaping.await(op, out, off, timeoutNanos);
    }

    // ------------------------------------------------------------------ cancel, close

    /**
     * Best-effort cancel (C7); the op yields exactly one event whatever happens, and the
     * answer agrees with it (see {@link Cancelling}).
     *
     * @throws IllegalArgumentException when the op was never submitted to this context
     */
    public CancelResult cancel(CoreOp op) {
        requireOwner("cancel");
        checkOpen();
        if (op.ctx != this) {
            throw new IllegalArgumentException("request " + op + " was not submitted to " + name);
        }
        return cancelling.cancel(op);
    }

    /**
     * Cancels {@code op} because its socket is being closed. Nobody waits for an answer, so
     * nothing waits for the result either: the op is bound to end -ECANCELED (unless it was
     * already finishing), and the call never blocks (it may run inside a submission, for a
     * CLOSE request whose batch holds the op).
     */
    void cancelForClose(CoreOp op) {
        if (op.state() != CoreOp.INFLIGHT || op.ctx != this || chains.cancelHeld(op) != null) {
            return;
        }
        op.forceCancel();
        if (!gate.enter()) {
            return;
        }
        try {
            engine.cancel(op);
        } finally {
            gate.exit();
        }
    }

    /**
     * Closes the context (C1); see {@code IoContext.close()} for the steps. Idempotent; a
     * concurrent second caller returns once the first has finished.
     */
    public void close() {
        Thread o = owner;
        if (o == null || o.isAlive() || engine.boundToOpeningThread()) {
            // An owner that ended without closing leaves the close to any thread, unless the
            // kernel takes the ring's calls from that thread alone.
            requireOwner("close");
        }
        closing.close();
    }

    /**
     * For a callback of this self-reaping context, which its reaper cannot wait for: begins
     * the close and returns; the reaper finishes it after the remaining callbacks.
     */
    public void closeFromCallback() {
        closing.closeWithoutWaiting();
    }

    // ------------------------------------------------------------------ delivery options

    /**
     * Grows the capacity (C9) while requests may be in flight: the engine makes room first,
     * then submissions may use it.
     *
     * @throws IllegalArgumentException when the new capacity is smaller than the current one
     */
    public void resize(int newCapacity) {
        requireOwner("resize");
        synchronized (gate.stateLock) {
            checkOpen();
            int capacity = room.capacity();
            if (newCapacity < capacity) {
                throw new IllegalArgumentException("capacity can only grow: " + capacity + " -> " + newCapacity);
            }
            if (newCapacity == capacity) {
                return;
            }
            checkCapacity(caps.engine(), newCapacity, maxCapacity);
            if (!gate.enter()) {
                throw closedException();
            }
            try {
                engine.resize(newCapacity);
            } finally {
                gate.exit();
            }
            room.grow(newCapacity);
        }
    }

    /** Sets the concurrency value (P3); 0 means unlimited. */
    public void setConcurrency(int k) {
        requireOwner("setConcurrency");
        checkOpen();
        queue.concurrency.set(k);
    }

    /** Threads running completion work taken from this context now (P3). */
    public int runningThreads() {
        return queue.concurrency.runningThreads();
    }

    /** Threads waiting in getEvents or await now. */
    public int waitingThreads() {
        return queue.waitingThreads();
    }

    /** A channel readable while events are available (C10); starts the background pump if needed. */
    public Pipe.SourceChannel readyChannel() {
        requireSharedReaping("readyChannel");
        checkOpen();
        queue.pumping.startBackground();
        return queue.watching.readyChannel();
    }

    /**
     * For group waits (P3): the calling thread stops running on whatever context it runs on,
     * and the returned token says which; {@link #resumeRunning} puts it back. Null when it ran
     * nowhere.
     */
    public static Object pauseRunning() {
        return Concurrency.pauseRunning();
    }

    /** The context the calling thread runs on, as a token for {@link #resumeRunning}, or null. */
    public static Object runningOn() {
        return Concurrency.runningOn();
    }

    /** When the calling thread runs nowhere, makes it run on the token's context again. */
    public static void resumeRunning(Object token) {
        Concurrency.resumeRunning((CompletionQueue) token);
    }

    /** This context's running-state token (see {@link #pauseRunning}). */
    public Object runningToken() {
        return queue;
    }

    /** Registers a group watcher (C12); starts the background pump if needed. */
    public void addWatcher(Watcher w) {
        requireSharedReaping("joining an IoContextGroup");
        checkOpen();
        queue.pumping.startBackground();
        queue.watching.add(w);
    }

    public void removeWatcher(Watcher w) {
        queue.watching.remove(w);
    }

    /**
     * Refuses {@code what} on a self-reaping context, whose reaper takes every event: the
     * caller cannot reap, wait or watch.
     *
     * @throws IllegalStateException naming the mode when the context is self-reaping
     */
    public void requireCallerReaps(String what) {
        if (selfReaping) {
            throw new IllegalStateException(what + " is not available on " + name + ": it is self-reaping"
                    + " (IoContext.Builder.selfReaping), its own thread takes every event and runs the callbacks");
        }
    }

    /**
     * Refuses a capacity the engine cannot take, naming its largest.
     *
     * @throws IllegalArgumentException when {@code capacity > max}
     */
    public static void checkCapacity(String engine, int capacity, int max) {
        if (capacity > max) {
            throw new IllegalArgumentException("capacity " + capacity + " is more than the " + engine
                    + " engine takes: at most " + max + " events per context");
        }
    }

    /** A single-issuer context's report says so, on an engine that does not already. */
    private static Capabilities singleIssuerReport(Capabilities c, EngineOptions options) {
        if (!options.singleIssuer() || c.features().stream().anyMatch(l -> l.startsWith("single issuer"))) {
            return c;
        }
        return c.withFeature("single issuer: only the thread that opened the context calls it, kept by jaio (the"
                + " kernel flags IORING_SETUP_SINGLE_ISSUER and DEFER_TASKRUN are io_uring's only)");
    }

    /** Whether only the opening thread may call this context (see {@link #requireOwner}). */
    public boolean isSingleIssuer() {
        return owner != null;
    }

    /**
     * Refuses {@code what} on a single-issuer context when the caller is not the thread that
     * opened it: on io_uring the kernel serves only that task, and the context is built for one
     * thread.
     *
     * @throws IllegalStateException naming the owner thread
     */
    public void requireOwner(String what) {
        Thread o = owner;
        if (o != null && o != Thread.currentThread()) {
            throw new IllegalStateException(what + " on " + name + " from thread " + Thread.currentThread().getName()
                    + ": the context is single-issuer (IoContext.Builder.singleIssuer), only its owner thread "
                    + o.getName() + " (id " + o.threadId() + ") may call it"
                    + (o.isAlive() ? "" : engine.boundToOpeningThread()
                            ? "; that thread has ended without closing it, and the kernel takes this ring's calls from"
                                    + " that thread alone, so it stays open, with its requests and their memory, until"
                                    + " the process exits"
                            : "; that thread has ended without closing it: any thread may close it now"));
        }
    }

    /** Refuses, on a single-issuer context, what would have another thread reap it (a pump, a group). */
    public void requireSharedReaping(String what) {
        if (owner != null) {
            throw new IllegalStateException(what + " is not available on " + name + ": it is single-issuer"
                    + " (IoContext.Builder.singleIssuer), and this would have another thread reap it");
        }
    }

    private void checkOpen() {
        if (!gate.isOpen()) {
            throw closedException();
        }
    }

    IllegalStateException closedException() {
        return new IllegalStateException("completion context " + name + " is closed");
    }
}
