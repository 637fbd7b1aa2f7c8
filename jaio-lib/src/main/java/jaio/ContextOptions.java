package jaio;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import jaio.core.ContextCore;
import jaio.core.CoreOp;
import jaio.core.EngineChoice;
import jaio.core.EventWriter;
import jaio.engine.Descriptors;
import jaio.engine.Engines;
import jaio.spi.EngineOptions;
import jaio.spi.EngineProvider;
import jaio.spi.FileHandle;

/**
 * For one thread at a time, like the {@link IoContext.Builder} that owns it (not thread
 * safe): what the Builder collects, checked as it is set, and the opening of a context from
 * it; the Builder's methods document the options.
 */
final class ContextOptions {
    private static final AtomicInteger IDS = new AtomicInteger();

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
    private boolean selfReaping;
    private boolean singleIssuer;
    private Executor callbackExecutor;
    /** For tests: a given engine provider instead of the registry's. */
    private EngineProvider provider;

    void capacity(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be >= 1, was " + capacity);
        }
        this.capacity = capacity;
    }

    void engine(Engine engine) {
        this.engine = Objects.requireNonNull(engine, "IoContext.Builder.engine: engine");
    }

    void workerThreads(int workers) {
        if (workers < 1) {
            throw new IllegalArgumentException("workerThreads must be >= 1, was " + workers);
        }
        this.workers = workers;
    }

    void concurrency(int k) {
        if (k < 0) {
            throw new IllegalArgumentException("concurrency must be >= 0, was " + k);
        }
        this.concurrency = k;
    }

    void name(String name) {
        this.name = Objects.requireNonNull(name, "IoContext.Builder.name: name");
    }

    void registerFiles(boolean on) {
        this.registerFiles = on;
    }

    void registeredBuffers(int count, int size) {
        if (count < 0 || count > 16384) {
            throw new IllegalArgumentException("registeredBuffers count must be 0..16384, was " + count);
        }
        if (count > 0 && (size < 1 || size > (1 << 30))) {
            throw new IllegalArgumentException("registeredBuffers size must be 1..1073741824 bytes, was " + size);
        }
        this.bufferCount = count;
        this.bufferSize = size;
    }

    void sqPoll(boolean on) {
        this.sqPoll = on;
    }

    void notifyEventFd(IoFile eventFd) {
        if (eventFd != null && eventFd.handle.kind() != FileHandle.Kind.EVENTFD) {
            throw new IllegalArgumentException(eventFd + " is not an eventfd (use IoFile.eventFd())");
        }
        this.notify = eventFd;
    }

    void selfReaping(Executor callbacks) {
        this.selfReaping = true;
        this.callbackExecutor = callbacks;
    }

    void singleIssuer(boolean on) {
        this.singleIssuer = on;
    }

    void provider(EngineProvider p) {
        this.provider = Objects.requireNonNull(p, "provider");
    }

    /** Opens a context with these options; see {@link IoContext.Builder#open()}. */
    IoContext open() throws IOException {
        if (selfReaping && concurrency > 0) {
            throw new IllegalArgumentException("concurrency control (P3) caps the threads that reap a context, and a"
                    + " self-reaping context has exactly one reaper: use one or the other");
        }
        if (singleIssuer && selfReaping) {
            throw new IllegalArgumentException("a single-issuer context is reaped by its owner thread, and a"
                    + " self-reaping one by its own reaper thread: use one or the other");
        }
        if (singleIssuer && Thread.currentThread().isVirtual()) {
            throw new IllegalStateException("a single-issuer context must be opened by a platform thread: its owner"
                    + " waits in the kernel itself, which a virtual thread must not do (J3)");
        }
        if (singleIssuer && notify != null) {
            throw new IllegalArgumentException("a notification eventfd needs a background thread that reaps the"
                    + " context, and a single-issuer context is reaped by its owner thread only: use one or the other");
        }
        String n = name != null ? name : "ctx-" + IDS.incrementAndGet();
        int w = workers > 0 ? workers : Math.min(capacity, 64);
        FileHandle nh = notify == null ? null : notify.handle;
        if (nh != null && !nh.acquire()) {
            throw new IllegalArgumentException(notify + " is closed");
        }
        Writer writer = new Writer();
        EngineChoice.Opened<Event> opened;
        try {
            List<MemorySegment> bufs = new ArrayList<>();
            for (int i = 0; i < bufferCount; i++) {
                bufs.add(IoBuffers.allocateAligned(bufferSize, IoBuffers.DEFAULT_ALIGNMENT));
            }
            EngineOptions options = new EngineOptions(registerFiles, bufs, sqPoll, nh == null ? -1 : nh.fd(),
                    nh == null ? null : Descriptors.notifier(nh), EngineOptions.DEFAULT_SQPOLL_IDLE_MILLIS,
                    singleIssuer);
            // From here the context lets go of the eventfd, once its engine is released.
            Runnable afterClose = nh == null ? null : nh::release;
            if (provider != null) {
                opened = new EngineChoice.Opened<>(ContextCore.open(n, capacity, writer, provider, w, options,
                        selfReaping, afterClose), provider, List.of());
            } else {
                opened = EngineChoice.open(engine, Engines.all(), n, capacity, writer, w, options, selfReaping,
                        afterClose);
            }
        } catch (IOException | RuntimeException e) {
            if (nh != null) {
                nh.release();
            }
            throw e;
        }
        try {
            IoContext ctx = new IoContext(opened, writer, selfReaping ? new SelfReapingCallbacks(callbackExecutor) : null);
            if (concurrency > 0) {
                ctx.setConcurrency(concurrency);
            }
            return ctx;
        } catch (RuntimeException | Error e) {
            opened.core().close();
            throw e;
        }
    }

    /** Fills the public events of one context: an op's outcome and the context it ran on. */
    static final class Writer implements EventWriter<Event> {
        /** Set by the context's constructor, before the context is handed to anybody. */
        IoContext context;

        @Override
        public void write(Event event, CoreOp op) {
            event.set(context, (RequestOp) op);
        }
    }
}
