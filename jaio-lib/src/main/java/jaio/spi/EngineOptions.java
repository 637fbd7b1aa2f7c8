package jaio.spi;

import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * Engine options chosen when a context is opened. Engines that lack an option ignore it and
 * say so in their capability report's features. Immutable.
 *
 * @param registerFiles   io_uring: register file descriptors with the ring
 * @param buffers         buffers the context allocated for the caller (J4), each page
 *                        aligned and kept alive by the context; io_uring registers them with
 *                        the ring and uses READ_FIXED/WRITE_FIXED for requests inside one
 * @param sqPoll          io_uring: a kernel thread polls the submission ring
 * @param notifyFd        an eventfd to signal once per completed op (C10), or -1. An engine
 *                        that signals it itself (kernel RESFD, a registered ring eventfd) says
 *                        so in {@link Capabilities#signalsNotifyFd()}; otherwise the context
 *                        signals it through {@code notifier} when it posts events.
 * @param notifier        signals {@code notifyFd}, or null when there is none
 * @param sqPollIdleMillis io_uring with sqPoll: how long the kernel thread polls an idle ring
 *                        before it sleeps and needs a wake-up
 * @param singleIssuer    one thread, the one opening the engine, makes every call to it (the
 *                        context enforces it); io_uring asks the kernel for
 *                        IORING_SETUP_SINGLE_ISSUER and DEFER_TASKRUN
 */
public record EngineOptions(boolean registerFiles, List<MemorySegment> buffers, boolean sqPoll, int notifyFd,
                            Notifier notifier, int sqPollIdleMillis, boolean singleIssuer) {
    /** The SQPOLL kernel thread's idle time when none is given. */
    public static final int DEFAULT_SQPOLL_IDLE_MILLIS = 50;

    public static final EngineOptions DEFAULT = new EngineOptions(false, List.of(), false, -1);

    public EngineOptions {
        buffers = List.copyOf(buffers);
        if (sqPollIdleMillis < 1) {
            throw new IllegalArgumentException("sqPollIdleMillis must be >= 1, was " + sqPollIdleMillis);
        }
    }

    /** Options for a context any thread may use. */
    public EngineOptions(boolean registerFiles, List<MemorySegment> buffers, boolean sqPoll, int notifyFd,
                         Notifier notifier, int sqPollIdleMillis) {
        this(registerFiles, buffers, sqPoll, notifyFd, notifier, sqPollIdleMillis, false);
    }

    /** Options without a notifier, with the default SQPOLL idle time. */
    public EngineOptions(boolean registerFiles, List<MemorySegment> buffers, boolean sqPoll, int notifyFd) {
        this(registerFiles, buffers, sqPoll, notifyFd, null, DEFAULT_SQPOLL_IDLE_MILLIS);
    }
}
