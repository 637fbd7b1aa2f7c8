package jaio;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.channels.Pipe;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import jaio.core.ContextCore;
import jaio.core.EngineChoice;
import jaio.core.GlobalLimit;
import jaio.spi.EngineProvider;

/**
 * A completion context, for any number of threads at once (it synchronises itself):
 * requests are submitted to it in batches, run asynchronously on its engine, and their events
 * are reaped from it in batches (C1-C8).
 *
 * <pre>{@code
 * try (IoContext ctx = IoContext.open(64);
 *      IoFile f = IoFile.open(path, StandardOpenOption.READ)) {
 *     ByteBuffer buf = ByteBuffer.allocateDirect(4096);
 *     ctx.submit(Request.pread(f, buf, 0).userData(1));
 *     Event[] events = {new Event()};
 *     ctx.getEvents(1, events, Duration.ofSeconds(5));
 *     long bytes = events[0].result();   // or a negative errno
 * }
 * }</pre>
 *
 * <p><b>Room.</b> A context holds at most {@link #capacity()} events: requests in flight plus
 * events not yet reaped. A request is accepted only while there is room for its event; when
 * there is none, {@link #submit} returns 0 at once (EAGAIN), it never blocks and no event is
 * ever dropped. A process-wide limit ({@link #setGlobalInFlightLimit}, default 65536) caps
 * requests in flight across all contexts the same way.
 *
 * <p><b>Exactly one event</b> is produced for every accepted request, whether it succeeds,
 * fails, is cancelled or the context is closed (then the event is dropped with the context,
 * unless the context reaps by itself).
 *
 * <p><b>Who reaps.</b> By default the caller does, with {@link #getEvents}, {@link #await}
 * or a {@link IoContextGroup}. A context opened {@link Builder#selfReaping() self-reaping}
 * reaps by itself and runs each request's callback ({@link CallbackWaits} waits for them).
 *
 * <p>Any number of threads may submit, reap, await, cancel and close at once (for a
 * {@link Builder#singleIssuer() single-issuer} context, only the thread that opened it).
 *
 * <p><b>Virtual threads</b> never wait inside a native call here (J3): on the kernel engines, the
 * first virtual thread that waits in {@code getEvents}, {@code await} or {@code submitAndWait}
 * starts the context's background pump, a platform thread that waits in the kernel from then
 * on, and every virtual thread waiting on the context parks in Java until the pump posts events.
 */
public final class IoContext implements AutoCloseable {
    /**
     * The starvation bound of prioritized delivery (P2). Among ready events, higher priorities
     * are taken first and equal ones in the order they completed. But once more than this many
     * events were taken since an event was posted, it is taken before every event posted after
     * it, whatever their priority (when several such wait, the oldest first). So at most
     * {@code PRIORITY_STARVATION_BOUND + 1} events that completed after an event are reaped
     * before it.
     */
    public static final int PRIORITY_STARVATION_BOUND = ContextCore.PRIORITY_STARVATION_BOUND;

    private static final ThreadLocal<Event[]> AWAIT_SLOT = ThreadLocal.withInitial(() -> new Event[1]);
    final ContextCore<Event> core;
    private final Engine engine;
    private final EngineInfo info;
    /** The buffers of {@link Builder#registeredBuffers}, kept reachable for the context's life. */
    private final List<MemorySegment> buffers;
    /** A self-reaping context's callbacks, or null when the caller reaps. */
    final SelfReapingCallbacks selfReaping;

    IoContext(EngineChoice.Opened<Event> opened, ContextOptions.Writer writer, SelfReapingCallbacks selfReaping) {
        this.buffers = opened.core().options().buffers();
        this.core = opened.core();
        writer.context = this;
        this.engine = opened.provider().kind();
        this.info = EngineInfo.of(engine, core.capabilities(), opened.passedOver());
        this.selfReaping = selfReaping;
        if (selfReaping != null) {
            selfReaping.afterCallback(core::callbacksRan);
            // Last: the reaper's start publishes everything above to it.
            core.startSelfReaping(selfReaping, SelfReapingCallbacks.batch(core.capacity()));
        }
    }

    /**
     * Opens a context for {@code capacity} events on the best engine this machine allows.
     *
     * @throws IllegalArgumentException when capacity is not positive
     * @throws IOException when no engine can be opened
     */
    public static IoContext open(int capacity) throws IOException {
        return builder().capacity(capacity).open();
    }

    /**
     * Opens a context on a given engine.
     *
     * @throws UnsupportedOperationException when that engine is not available here (the
     *         message says why)
     * @throws IOException when the engine's setup fails
     */
    public static IoContext open(int capacity, Engine engine) throws IOException {
        return builder().capacity(capacity).engine(engine).open();
    }

    /** For tests: a context on a given engine provider (a scripted engine, say). */
    static IoContext open(int capacity, EngineProvider provider, int workers) throws IOException {
        return builder().capacity(capacity).workerThreads(workers).provider(provider).open();
    }

    /** Options for opening a context. */
    public static Builder builder() {
        return new Builder();
    }

    /** Options for {@link IoContext}; defaults: capacity 128, engine AUTO, the caller reaps. */
    public static final class Builder {
        private final ContextOptions o = new ContextOptions();

        private Builder() {}

        /** Events the context holds: in flight plus unreaped (C3). */
        public Builder capacity(int capacity) {
            o.capacity(capacity);
            return this;
        }

        public Builder engine(Engine engine) {
            o.engine(engine);
            return this;
        }

        /** The bound on worker threads for engines that use them (default: capacity, at most 64). */
        public Builder workerThreads(int workers) {
            o.workerThreads(workers);
            return this;
        }

        /**
         * Completion-port concurrency control (P3): at most {@code k} threads run completion
         * work taken from the context at once; 0 (the default) means no limit. See
         * {@link IoContext#setConcurrency(int)}. Not with {@link #selfReaping()}.
         */
        public Builder concurrency(int k) {
            o.concurrency(k);
            return this;
        }

        /** A name for thread names and messages (default ctx-N). */
        public Builder name(String name) {
            o.name(name);
            return this;
        }

        /**
         * io_uring: register each file with the ring the first time a request of this context
         * uses it (J4), so the kernel skips looking the descriptor up on every request. A file
         * stays registered until the context closes, or until another file needs its slot
         * after it was closed. Ignored by other engines.
         */
        public Builder registerFiles(boolean on) {
            o.registerFiles(on);
            return this;
        }

        /**
         * Buffers the context allocates for its caller (J4): {@code count} of {@code size}
         * bytes each, page aligned (so they suit O_DIRECT), reachable through
         * {@link IoContext#registeredBuffers()}. On io_uring they are registered with the ring,
         * and a PREAD or PWRITE whose buffer lies inside one of them (a slice is fine) uses
         * IORING_OP_READ_FIXED/WRITE_FIXED, which spares the kernel pinning the pages on every
         * request. Other engines use them as ordinary buffers. Registration counts against the
         * locked-memory limit (ulimit -l) for users without CAP_IPC_LOCK; when the kernel
         * refuses it, the buffers still work unregistered and the capability report says why.
         * The memory is freed once neither the context nor the caller refers to it.
         *
         * @throws IllegalArgumentException when count is outside 0..16384 or size outside
         *         1..1 GiB (the kernel's limits)
         */
        public Builder registeredBuffers(int count, int size) {
            o.registeredBuffers(count, size);
            return this;
        }

        /**
         * io_uring: a kernel thread polls the submission ring (IORING_SETUP_SQPOLL), so that
         * submitting needs no system call while that thread is awake; it sleeps after 50 ms
         * without work and is woken by the next submission. It takes a CPU while it polls.
         * Ignored by other engines.
         */
        public Builder sqPoll(boolean on) {
            o.sqPoll(on);
            return this;
        }

        /**
         * Signals an {@link IoFile#eventFd() eventfd} once per completed request (C10), so
         * the context can join an event loop that watches the descriptor. The eventfd stays
         * the caller's; keep it open while the context is.
         *
         * <p>The signal comes after the event can be taken, so a loop that wakes on it and
         * calls {@code getEvents(0, ...)} until it returns 0 never misses one. On native AIO,
         * where the kernel signals (IOCB_FLAG_RESFD) for the requests it completes
         * asynchronously, two rare cases are signalled once more than they complete, never
         * less: an O_DIRECT transfer the kernel ends short before end of file (each kernel
         * round trip signals), and a pipe or socket transfer that had to wait for readiness
         * more than once (each wait signals, so that the loop comes and retries it). The loop
         * then finds nothing to take for the extra signal.
         *
         * @throws IllegalArgumentException when it is not an eventfd
         */
        public Builder notifyEventFd(IoFile eventFd) {
            o.notifyEventFd(eventFd);
            return this;
        }

        /**
         * Makes the context reap by itself, for code with no reaping loop of its own (a facade
         * that completes futures or sends notifications): a platform daemon thread owned by the
         * context, its reaper, takes every event as it arrives and runs the request's {@link
         * CompletionCallback} (one at a time, in the order taken); a platform thread waiting in
         * {@link CallbackWaits#await} does so in its stead. On the kernel engines whoever reaps
         * waits in the kernel, so no other caller (no virtual thread) blocks in a native call.
         *
         * <p>What changes for the context's users:
         * <ul>
         *   <li>every request needs a callback: one without is refused at submission with
         *       {@link InvalidRequestException} ({@code EINVAL}), as nothing could take its
         *       event;</li>
         *   <li>{@link IoContext#getEvents getEvents}, {@link IoContext#await await},
         *       {@link IoContext#submitAndWait submitAndWait}, {@link IoContext#readyChannel()},
         *       {@link IoContext#setConcurrency(int)} and joining an {@link IoContextGroup}
         *       throw {@link IllegalStateException} naming the mode;</li>
         *   <li>{@link IoContext#close()} delivers every event still to come to its callback
         *       (requests still in flight are cancelled first, so most carry -ECANCELED) and
         *       returns only once every callback has returned: each accepted request gets
         *       exactly one callback, even across close, and none runs after close returned.
         *       Called from one of this context's callbacks, close cannot wait for itself: it
         *       begins the close and returns, and the reaper finishes it.</li>
         * </ul>
         * Submission, cancel, resize, stats and a {@link #notifyEventFd notification eventfd}
         * work as usual. The reaper is named after the context: {@code <name>-reaper}.
         */
        public Builder selfReaping() {
            o.selfReaping(null);
            return this;
        }

        /**
         * Like {@link #selfReaping()}, but the reaper hands each event's callback, with a
         * copy of the event, to {@code callbacks}, so that callbacks may block or run in
         * parallel while the reaper goes on reaping. Close also waits for these callbacks. One
         * the executor rejects runs on the reaper, so that none is lost.
         */
        public Builder selfReaping(Executor callbacks) {
            o.selfReaping(Objects.requireNonNull(callbacks, "IoContext.Builder.selfReaping: callbacks"));
            return this;
        }

        /**
         * Single-issuer (thread-per-core): the platform thread that opens the context owns it; any
         * other that submits, reaps, cancels, resizes, sets concurrency or closes gets {@link
         * IllegalStateException} naming the owner (once the owner ended, any thread may close it,
         * but for a ring the kernel made SINGLE_ISSUER). A ready channel, a group, a notification eventfd,
         * self-reaping and LINK_TIMEOUT are refused. io_uring sets up SINGLE_ISSUER and DEFER_TASKRUN
         * (or COOP_TASKRUN) where granted ({@link EngineInfo#features()} says which); others keep the rule.
         */
        public Builder singleIssuer() {
            o.singleIssuer(true);
            return this;
        }

        /** For tests: opens the context on this engine provider instead of {@link #engine}'s. */
        Builder provider(EngineProvider p) {
            o.provider(p);
            return this;
        }

        /**
         * Opens the context.
         *
         * @throws UnsupportedOperationException when a named engine is not available here
         * @throws IllegalArgumentException when the notification eventfd is closed, or options
         *         that exclude each other (each option says which) were asked for together
         * @throws IOException when the engine's setup fails (for AUTO: when every engine fails)
         */
        public IoContext open() throws IOException {
            return o.open();
        }
    }

    // ------------------------------------------------------------------ submit

    /**
     * Submits requests (C2). Every request is validated before anything is queued; they are
     * accepted in order while each is valid and there is room for its event.
     *
     * @return how many were accepted, from the first; 0 when there is no room for the first
     *         (EAGAIN: reap events and submit the rest again)
     * @throws InvalidRequestException when the first request is invalid (a later invalid one
     *         just ends the accepted run; submitting from it again reports it)
     * @throws IllegalStateException when the context is closed (or see {@link Builder#singleIssuer()})
     */
    public int submit(Request... requests) {
        return submit(requests, 0, Args.length("IoContext.submit: requests", requests));
    }

    /** Submits {@code count} requests starting at {@code requests[offset]}; see {@link #submit(Request...)}. */
    public int submit(Request[] requests, int offset, int count) {
        Objects.requireNonNull(requests, "IoContext.submit: requests");
        Objects.checkFromIndexSize(offset, count, requests.length);
        return RequestBatches.submit(core, requests, offset, count);
    }

    // ------------------------------------------------------------------ reap

    /** Waits forever for at least {@code minNr} events and reaps up to {@code events.length}; see below. */
    public int getEvents(int minNr, Event[] events) {
        return getEvents(minNr, Args.length("IoContext.getEvents: events", events), events, -1, TimeUnit.NANOSECONDS);
    }

    /** Reaps up to {@code events.length} events, at least {@code minNr} in {@code timeout} (negative: no limit). */
    public int getEvents(int minNr, Event[] events, Duration timeout) {
        return getEvents(minNr, Args.length("IoContext.getEvents: events", events), events,
                Args.nanos("IoContext.getEvents", timeout), TimeUnit.NANOSECONDS);
    }

    /**
     * Reaps between {@code minNr} and {@code maxNr} events into {@code events[0..]} (C4, C5).
     *
     * <p>Returns at once when {@code minNr} events are ready; otherwise waits until they are,
     * or until the timeout passes, and then returns what there is (possibly fewer than
     * minNr). {@code minNr == 0} or a zero timeout polls without waiting. A negative timeout
     * waits without limit. Several threads may wait at once: the most recent waiter whose
     * minNr is met is woken and handed its minNr events at once; one event never wakes two
     * waiters. Callbacks of the reaped requests run on this thread before it returns. An
     * interrupt does not end the wait (only events, the timeout or close do); the thread's
     * interrupt status is left set. It may run a queued request itself ({@link ContextStats#callerRuns}).
     *
     * @return the number of events filled in, from events[0]
     * @throws IllegalArgumentException when {@code 0 <= minNr <= maxNr <= events.length} does
     *         not hold, minNr exceeds the capacity, or an event slot is null
     * @throws IllegalStateException when the context is closed, or closes while this thread
     *         waits and nothing was reaped yet; when it is self-reaping
     */
    public int getEvents(int minNr, int maxNr, Event[] events, long timeout, TimeUnit unit) {
        core.requireCallerReaps("getEvents");
        Args.checkEvents("IoContext.getEvents", minNr, maxNr, events, core.capacity());
        long t = timeout < 0 ? -1 : unit.toNanos(timeout);
        int n = core.reap(minNr, maxNr, events, 0, t);
        Callbacks.runAll(events, n);
        return n;
    }

    /**
     * Waits for one request's event and takes it, and no other (C6). Other threads' events
     * stay where they are. If the event was already reaped by someone else, there is nothing
     * to wait for and an exception says so.
     *
     * @param into the event to fill
     * @return true when {@code into} was filled, false when the timeout passed first
     * @throws IllegalStateException when the request is not in flight on this context (never
     *         submitted here, or already reaped), another thread awaits it, or the context
     *         closes; when it is self-reaping
     */
    public boolean await(Request request, Event into, Duration timeout) {
        core.requireCallerReaps("await");
        Objects.requireNonNull(request, "IoContext.await: request");
        Objects.requireNonNull(into, "IoContext.await: into");
        // Per thread, not per call (the path's only allocation); a nested await reuses it after us.
        Event[] one = AWAIT_SLOT.get();
        one[0] = into;
        boolean got;
        try {
            got = core.await(request.op, one, 0, Args.nanos("IoContext.await", timeout));
        } finally {
            one[0] = null;
        }
        if (got) {
            CompletionCallback cb = into.callback();
            if (cb != null) {
                Callbacks.run(cb, into);
            }
        }
        return got;
    }

    /**
     * Waits for one request's event (C6) and returns it in a new Event, or null when the
     * timeout passed first. See {@link #await(Request, Event, Duration)}.
     */
    public Event await(Request request, Duration timeout) {
        Event e = new Event();
        return await(request, e, timeout) ? e : null;
    }

    /**
     * Submits a whole batch and waits for at least {@code minNr} events in one call (C8);
     * on io_uring the two take one system call.
     *
     * <p>The batch is all or nothing: every request is validated and room is reserved for
     * all of them before any is started.
     *
     * @return the number of events reaped into {@code events}, or {@code -Errno.EAGAIN} when
     *         there was no room for the whole batch (nothing was submitted)
     * @throws InvalidRequestException when a request is invalid (nothing was submitted)
     * @throws IllegalStateException when the context is closed, or self-reaping
     */
    public int submitAndWait(Request[] requests, int offset, int count, int minNr, Event[] events, Duration timeout) {
        core.requireCallerReaps("submitAndWait");
        Objects.checkFromIndexSize(offset, count, requests.length);
        Args.checkEvents("IoContext.submitAndWait", minNr, Args.length("IoContext.submitAndWait: events", events), events);
        int n = RequestBatches.submitAndWait(core, requests, offset, count, minNr, events, Args.nanos("IoContext.submitAndWait", timeout));
        if (n > 0) {
            Callbacks.runAll(events, n);
        }
        return n;
    }

    // ------------------------------------------------------------------ cancel, close, options

    /**
     * Tries to cancel a request (C7). Best effort: a request not yet started is stopped and
     * its event carries -ECANCELED; a running one may or may not stop (a transfer is not
     * continued past its current iteration); a finished one is left alone. Every request still
     * yields exactly one event.
     *
     * @throws IllegalArgumentException when the request was not submitted to this context
     * @throws IllegalStateException when the context is closed
     */
    public CancelResult cancel(Request request) {
        Objects.requireNonNull(request, "IoContext.cancel: request");
        return core.cancel(request.op);
    }

    /**
     * Closes the context (C1). The steps, in order:
     * <ol>
     *   <li>mark it closed: every later call (submit, getEvents, await, cancel) throws
     *       IllegalStateException;</li>
     *   <li>drop the unreaped events and wake every waiting thread (a waiter that was already
     *       handed events returns them, the others throw IllegalStateException);</li>
     *   <li>cancel every request that can be cancelled;</li>
     *   <li>wait for the requests still in flight to finish (their events are dropped, their
     *       buffers and files released);</li>
     *   <li>release the engine: rings unmapped, descriptors closed, worker threads stopped.</li>
     * </ol>
     * A {@link Builder#selfReaping() self-reaping} context drops nothing: in steps 2 and 4
     * its reaper delivers every event to its callback, and close returns once the last
     * callback has returned and the reaper has ended (called from one of its callbacks,
     * close begins these steps and returns at once).
     *
     * <p>Idempotent; a concurrent second call returns when the first has finished. Files
     * opened with {@link IoFile} are the caller's and stay open (a notification eventfd is let
     * go by the context, and really closed once its owner closed it too).
     */
    @Override
    public void close() {
        if (selfReaping != null && (core.onReaperThread() || selfReaping.runningHere())) {
            core.closeFromCallback();
        } else {
            core.close();
        }
    }

    /**
     * Grows the context's capacity while requests may be in flight (C9). The engine makes room
     * first (a kernel ring may be enlarged), then submissions may use it.
     *
     * @throws IllegalArgumentException when {@code newCapacity} is smaller than the capacity
     * @throws UnsupportedOperationException when the engine cannot grow (the message says why)
     * @throws IllegalStateException when the context is closed
     */
    public void resize(int newCapacity) {
        core.resize(newCapacity);
    }

    /**
     * Completion-port concurrency control (P3): at most {@code k} threads run completion work
     * taken from this context at once; 0 means no limit (the default). Events are handed out
     * only while fewer than k threads run; when one stops, the newest waiter is served.
     *
     * <p>What counts as running, exactly: a thread runs on a context from the moment a
     * getEvents on it (or a group wait taking from it) returns it at least one event, until the
     * thread next calls getEvents, await or a group wait on any context. While inside such a
     * call it counts nowhere. If that call returns events from context C, the thread now runs
     * on C; if it returns none, the thread runs again on the context it ran on before, when
     * that was another context (it was only blocked in jaio). Blocking outside jaio is not
     * seen and still counts as running. await is not subject to the limit and does not make a
     * thread run. A poll (minNr 0) finds nothing while k threads run.
     *
     * <p>So a thread that stops doing completion work without calling into jaio again (it
     * ends, or turns to other work) goes on counting as running. Before it does, it can end
     * its running explicitly with {@code getEvents(0, 0, new Event[0], 0, TimeUnit.NANOSECONDS)},
     * which takes nothing.
     *
     * @throws IllegalArgumentException when k is negative
     * @throws IllegalStateException when the context is closed, or self-reaping
     */
    public void setConcurrency(int k) {
        core.requireCallerReaps("setConcurrency");
        if (k < 0) {
            throw new IllegalArgumentException("concurrency must be >= 0, was " + k);
        }
        core.setConcurrency(k);
    }

    /**
     * A channel for a {@link java.nio.channels.Selector} loop (C10): readable exactly while
     * events are available to take from this context. Register it for
     * {@link java.nio.channels.SelectionKey#OP_READ} and, when it is selected, call
     * {@code getEvents(0, ...)} until it returns 0. Never read from the channel yourself: jaio
     * drains it when the events are gone. For engines whose completions must be pumped from
     * the kernel, this starts a background thread that does it.
     *
     * @throws IllegalStateException when the context is closed, or self-reaping
     */
    public Pipe.SourceChannel readyChannel() {
        core.requireCallerReaps("readyChannel");
        return core.readyChannel();
    }

    int runningThreads() {
        return core.runningThreads();
    }

    int waitingThreads() {
        return core.waitingThreads();
    }

    // ------------------------------------------------------------------ information

    /**
     * The buffers allocated by {@link Builder#registeredBuffers} (J4), in registration order;
     * empty when none were asked for. Requests may use them, or slices of them, from any
     * thread; on io_uring such requests use the ring's registered-buffer path.
     */
    public List<MemorySegment> registeredBuffers() {
        return buffers;
    }

    /** The engine this context runs on (never AUTO). */
    public Engine engine() {
        return engine;
    }

    /** Whether only the thread that opened the context may call it ({@link Builder#singleIssuer()}). */
    public boolean isSingleIssuer() {
        return core.isSingleIssuer();
    }

    /** Whether the context reaps by itself ({@link Builder#selfReaping()}). */
    public boolean isSelfReaping() {
        return selfReaping != null;
    }

    /** What the engine can do, and why AUTO passed over the others. */
    public EngineInfo engineInfo() {
        return info;
    }

    public int capacity() {
        return core.capacity();
    }

    public String name() {
        return core.name();
    }

    public boolean isOpen() {
        return core.isOpen();
    }

    /**
     * A snapshot of the context's counters (J5). {@code inFlight + unreaped} is the room in use
     * at one moment (each of the two is read once; a completion moves one from the first to
     * the second).
     */
    public ContextStats stats() {
        return ContextStats.of(core);
    }

    /** Sets the process-wide cap on requests in flight across all contexts (C3). */
    public static void setGlobalInFlightLimit(int limit) {
        GlobalLimit.setLimit(limit);
    }

    /** The process-wide cap on requests in flight across all contexts. */
    public static int globalInFlightLimit() {
        return GlobalLimit.limit();
    }

    @Override
    public String toString() {
        return "IoContext[" + core.name() + ", " + engine.shortName() + ", capacity " + core.capacity() + "]";
    }
}
