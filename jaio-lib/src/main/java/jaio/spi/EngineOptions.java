package jaio.spi;

/**
 * Engine options chosen when a context is opened. Engines that lack an option ignore it and
 * say so in their capability report's features.
 *
 * @param registerFiles   io_uring: register file descriptors with the ring
 * @param registerBuffers io_uring: register the library's fixed buffers
 * @param sqPoll          io_uring: a kernel thread polls the submission ring
 * @param notifyFd        an eventfd to signal once per completed op (C10), or -1. An engine
 *                        that signals it itself (kernel RESFD, a registered ring eventfd) says
 *                        so in {@link Capabilities#signalsNotifyFd()}; otherwise the context
 *                        writes to it when it posts events.
 */
public record EngineOptions(boolean registerFiles, boolean registerBuffers, boolean sqPoll, int notifyFd) {
    public static final EngineOptions DEFAULT = new EngineOptions(false, false, false, -1);
}
