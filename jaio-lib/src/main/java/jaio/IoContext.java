package jaio;

import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import jaio.core.ContextCore;
import jaio.core.CoreOp;
import jaio.core.EngineChoice;
import jaio.core.EventWriter;
import jaio.core.GlobalLimit;
import jaio.core.RequestRefused;
import jaio.engine.Descriptors;
import jaio.engine.Engines;
import jaio.spi.Counters;
import jaio.spi.EngineOptions;
import jaio.spi.EngineProvider;
import jaio.spi.FileHandle;

/**
 * A completion context: requests are submitted to it in batches, run asynchronously on its
 * engine, and their events are reaped from it in batches (SPEC C1-C8).
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
 * fails, is cancelled or the context is closed (then the event is dropped with the context).
 *
 * <p>Thread safe: any number of threads may submit, reap, await and cancel at once.
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

    private static final AtomicInteger IDS = new AtomicInteger();
    private static final ThreadLocal<CoreOp[]> SCRATCH = ThreadLocal.withInitial(() -> new CoreOp[64]);
    private static final ThreadLocal<Event[]> AWAIT_SLOT = ThreadLocal.withInitial(() -> new Event[1]);
    private final ContextCore<Event> core;
    private final Engine engine;
    private final EngineInfo info;
    /** The eventfd signalled per completion, held open while the context is; or null. */
    private final FileHandle notify;
    private final java.util.concurrent.atomic.AtomicBoolean released = new java.util.concurrent.atomic.AtomicBoolean();
    /** The buffers of {@link Builder#registeredBuffers}, kept reachable for the context's life. */
    private final java.util.List<java.lang.foreign.MemorySegment> buffers;

    private IoContext(EngineChoice.Opened<Event> opened, Writer writer, FileHandle notify) {
        this.notify = notify;
        this.buffers = opened.core().options().buffers();
        this.core = opened.core();
        writer.context = this;
        this.engine = opened.provider().kind();
        this.info = EngineInfo.of(engine, core.capabilities(), opened.passedOver());
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

    /** Fills the public events of one context: an op's outcome and the context it ran on. */
    private static final class Writer implements EventWriter<Event> {
        /** Set by the context's constructor, before the context is handed to anybody. */
        IoContext context;

        @Override
        public void write(Event event, CoreOp op) {
            event.set(context, (RequestOp) op);
        }
    }

    /** For tests: a context on a given engine provider (a scripted engine, say). */
    static IoContext open(int capacity, EngineProvider provider, int workers) throws IOException {
        String n = "ctx-" + IDS.incrementAndGet();
        Writer w = new Writer();
        return new IoContext(new EngineChoice.Opened<>(ContextCore.open(n, capacity, w, provider, workers,
                EngineOptions.DEFAULT), provider, java.util.List.of()), w, null);
    }

    /** Options for opening a context. */
    public static Builder builder() {
        return new Builder();
    }

    /** Options for {@link IoContext}; defaults: capacity 128, engine AUTO. */
    public static final class Builder {
        private int capacity = 128;
        private Engine engine = Engine.AUTO;
        private int workers = -1;
        private String name;
        private boolean registerFiles;
        private int bufferCount;
        private int bufferSize;
        private boolean sqPoll;
        private IoFile notify;
        private int concurrency;

        private Builder() {}

        /** Events the context holds: in flight plus unreaped (C3). */
        public Builder capacity(int capacity) {
            if (capacity < 1) {
                throw new IllegalArgumentException("capacity must be >= 1, was " + capacity);
            }
            this.capacity = capacity;
            return this;
        }

        public Builder engine(Engine engine) {
            this.engine = Objects.requireNonNull(engine, "engine");
            return this;
        }

        /** The bound on worker threads for engines that use them (default: capacity, at most 64). */
        public Builder workerThreads(int workers) {
            if (workers < 1) {
                throw new IllegalArgumentException("workerThreads must be >= 1, was " + workers);
            }
            this.workers = workers;
            return this;
        }

        /**
         * Completion-port concurrency control (P3): at most {@code k} threads run completion
         * work taken from the context at once; 0 (the default) means no limit. See
         * {@link IoContext#setConcurrency(int)}.
         */
        public Builder concurrency(int k) {
            if (k < 0) {
                throw new IllegalArgumentException("concurrency must be >= 0, was " + k);
            }
            this.concurrency = k;
            return this;
        }

        /** A name for thread names and messages (default ctx-N). */
        public Builder name(String name) {
            this.name = Objects.requireNonNull(name, "name");
            return this;
        }

        /**
         * io_uring: register each file with the ring the first time a request of this context
         * uses it (J4), so the kernel skips looking the descriptor up on every request. A file
         * stays registered until the context closes, or until another file needs its slot
         * after it was closed. Ignored by other engines.
         */
        public Builder registerFiles(boolean on) {
            this.registerFiles = on;
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
            if (count < 0 || count > 16384) {
                throw new IllegalArgumentException("registeredBuffers count must be 0..16384, was " + count);
            }
            if (count > 0 && (size < 1 || size > (1 << 30))) {
                throw new IllegalArgumentException("registeredBuffers size must be 1..1073741824 bytes, was " + size);
            }
            this.bufferCount = count;
            this.bufferSize = size;
            return this;
        }

        /**
         * io_uring: a kernel thread polls the submission ring (IORING_SETUP_SQPOLL), so that
         * submitting needs no system call while that thread is awake; it sleeps after 50 ms
         * without work and is woken by the next submission. It takes a CPU while it polls.
         * Ignored by other engines.
         */
        public Builder sqPoll(boolean on) {
            this.sqPoll = on;
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
            if (eventFd != null && eventFd.handle.kind() != FileHandle.Kind.EVENTFD) {
                throw new IllegalArgumentException(eventFd + " is not an eventfd (use IoFile.eventFd())");
            }
            this.notify = eventFd;
            return this;
        }

        /**
         * Opens the context.
         *
         * @throws UnsupportedOperationException when a named engine is not available here
         * @throws IOException when the engine's setup fails (for AUTO: when every engine fails)
         */
        public IoContext open() throws IOException {
            String n = name != null ? name : "ctx-" + IDS.incrementAndGet();
            int w = workers > 0 ? workers : Math.min(capacity, 64);
            FileHandle nh = notify == null ? null : notify.handle;
            if (nh != null && !nh.acquire()) {
                throw new IllegalArgumentException(notify + " is closed");
            }
            try {
                java.util.List<java.lang.foreign.MemorySegment> bufs = new java.util.ArrayList<>();
                for (int i = 0; i < bufferCount; i++) {
                    bufs.add(IoBuffers.allocateAligned(bufferSize, IoBuffers.DEFAULT_ALIGNMENT));
                }
                Writer writer = new Writer();
                EngineOptions options = new EngineOptions(registerFiles, bufs, sqPoll, nh == null ? -1 : nh.fd(),
                        nh == null ? null : Descriptors.notifier(nh), EngineOptions.DEFAULT_SQPOLL_IDLE_MILLIS);
                IoContext ctx = new IoContext(EngineChoice.open(engine, Engines.all(), n, capacity, writer, w, options),
                        writer, nh);
                if (concurrency > 0) {
                    ctx.setConcurrency(concurrency);
                }
                return ctx;
            } catch (IOException | RuntimeException e) {
                if (nh != null) {
                    nh.release();
                }
                throw e;
            }
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
     * @throws IllegalStateException when the context is closed
     */
    public int submit(Request... requests) {
        return submit(requests, 0, requests.length);
    }

    /** Submits {@code count} requests starting at {@code requests[offset]}; see {@link #submit(Request...)}. */
    public int submit(Request[] requests, int offset, int count) {
        Objects.checkFromIndexSize(offset, count, requests.length);
        if (count == 0) {
            return 0;
        }
        CoreOp[] ops = scratch(count);
        for (int i = 0; i < count; i++) {
            Request r = requests[offset + i];
            if (r == null) {
                if (i == 0) {
                    throw new NullPointerException("request " + offset + " is null");
                }
                count = i;
                break;
            }
            ops[i] = r.op;
        }
        try {
            return core.submit(ops, count);
        } catch (RequestRefused e) {
            throw refused(e, offset);
        } finally {
            for (int i = 0; i < count; i++) {
                ops[i] = null;
            }
        }
    }

    /** The public form of a refusal, naming the request and its index in the caller's array. */
    private static InvalidRequestException refused(RequestRefused e, int offset) {
        return new InvalidRequestException(((RequestOp) e.op()).request, offset + e.index(), e.errno(), e.reason());
    }

    private static CoreOp[] scratch(int n) {
        CoreOp[] s = SCRATCH.get();
        if (s.length < n) {
            s = new CoreOp[Math.max(n, s.length * 2)];
            SCRATCH.set(s);
        }
        return s;
    }

    // ------------------------------------------------------------------ reap

    /**
     * Waits forever for at least {@code minNr} events and reaps up to {@code events.length}.
     *
     * @see #getEvents(int, int, Event[], long, TimeUnit)
     */
    public int getEvents(int minNr, Event[] events) {
        return getEvents(minNr, events.length, events, -1, TimeUnit.NANOSECONDS);
    }

    /**
     * Reaps up to {@code events.length} events, waiting up to {@code timeout} for at least
     * {@code minNr}; a negative timeout waits forever.
     *
     * @see #getEvents(int, int, Event[], long, TimeUnit)
     */
    public int getEvents(int minNr, Event[] events, Duration timeout) {
        return getEvents(minNr, events.length, events, nanos(timeout), TimeUnit.NANOSECONDS);
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
     * interrupt status is left set.
     *
     * @return the number of events filled in, from events[0]
     * @throws IllegalArgumentException when {@code 0 <= minNr <= maxNr <= events.length} does
     *         not hold, minNr exceeds the capacity, or an event slot is null
     * @throws IllegalStateException when the context is closed, or closes while this thread
     *         waits and nothing was reaped yet
     */
    public int getEvents(int minNr, int maxNr, Event[] events, long timeout, TimeUnit unit) {
        Objects.requireNonNull(events, "events");
        if (minNr < 0 || minNr > maxNr || maxNr > events.length) {
            throw new IllegalArgumentException("need 0 <= minNr <= maxNr <= events.length, got minNr=" + minNr
                    + " maxNr=" + maxNr + " events.length=" + events.length);
        }
        if (minNr > core.capacity()) {
            throw new IllegalArgumentException("minNr " + minNr + " exceeds the context's capacity " + core.capacity());
        }
        for (int i = 0; i < maxNr; i++) {
            if (events[i] == null) {
                throw new IllegalArgumentException("events[" + i + "] is null; fill the array with new Event()");
            }
        }
        long t = timeout < 0 ? -1 : unit.toNanos(timeout);
        int n = core.reap(minNr, maxNr, events, 0, t);
        runCallbacks(events, n);
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
     *         submitted here, or already reaped), another thread awaits it, or the context closes
     */
    public boolean await(Request request, Event into, Duration timeout) {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(into, "into");
        // A per-thread one-element array: a fresh one per call would be the only allocation
        // on this path. A callback that awaits again reuses it only after this call read it.
        Event[] one = AWAIT_SLOT.get();
        one[0] = into;
        boolean got;
        try {
            got = core.await(request.op, one, 0, nanos(timeout));
        } finally {
            one[0] = null;
        }
        if (got) {
            CompletionCallback cb = into.callback();
            if (cb != null) {
                runCallback(cb, into);
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
     */
    public int submitAndWait(Request[] requests, int offset, int count, int minNr, Event[] events, Duration timeout) {
        Objects.checkFromIndexSize(offset, count, requests.length);
        Objects.requireNonNull(events, "events");
        if (minNr < 0 || minNr > events.length) {
            throw new IllegalArgumentException("need 0 <= minNr <= events.length, got minNr=" + minNr);
        }
        for (Event e : events) {
            if (e == null) {
                throw new IllegalArgumentException("events has a null slot; fill the array with new Event()");
            }
        }
        CoreOp[] ops = scratch(count);
        for (int i = 0; i < count; i++) {
            ops[i] = Objects.requireNonNull(requests[offset + i], "request").op;
        }
        int n;
        try {
            n = core.submitAndWait(ops, count, minNr, events, nanos(timeout));
        } catch (RequestRefused e) {
            throw refused(e, offset);
        } finally {
            for (int i = 0; i < count; i++) {
                ops[i] = null;
            }
        }
        if (n > 0) {
            runCallbacks(events, n);
        }
        return n;
    }

    private static long nanos(Duration d) {
        Objects.requireNonNull(d, "timeout");
        if (d.isNegative()) {
            return -1;
        }
        try {
            return d.toNanos();
        } catch (ArithmeticException e) {
            return -1;
        }
    }

    static void runCallbacks(Event[] events, int n) {
        for (int i = 0; i < n; i++) {
            CompletionCallback cb = events[i].callback();
            if (cb != null) {
                runCallback(cb, events[i]);
            }
        }
    }

    private static void runCallback(CompletionCallback cb, Event e) {
        try {
            cb.onCompletion(e);
        } catch (Throwable t) {
            Thread th = Thread.currentThread();
            th.getUncaughtExceptionHandler().uncaughtException(th, t);
        }
    }

    // ------------------------------------------------------------------ cancel, close

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
        Objects.requireNonNull(request, "request");
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
     * Idempotent; a concurrent second call returns when the first has finished. Files opened
     * with {@link IoFile} are the caller's and stay open (a notification eventfd is let go by
     * the context, and really closed once its owner closed it too).
     */
    @Override
    public void close() {
        core.close();
        if (notify != null && released.compareAndSet(false, true)) {
            notify.release();
        }
    }

    // ------------------------------------------------------------------ delivery options

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
     */
    public void setConcurrency(int k) {
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
     * @throws IllegalStateException when the context is closed
     */
    public java.nio.channels.Pipe.SourceChannel readyChannel() {
        return core.readyChannel();
    }

    ContextCore<Event> core() {
        return core;
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
    public java.util.List<java.lang.foreign.MemorySegment> registeredBuffers() {
        return buffers;
    }

    /** The engine this context runs on (never AUTO). */
    public Engine engine() {
        return engine;
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
        Counters c = core.counters();
        int used = core.used();
        int inFlight = Math.min(core.inFlight(), used);
        return new ContextStats(c.submitted.sum(), c.completed.sum(), c.reaped.sum(), c.retries.sum(),
                c.punted.sum(), c.eagain.sum(), c.canceled.sum(), c.bounced.sum(), c.errors.sum(),
                c.wakeups.sum(), inFlight, used - inFlight);
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
