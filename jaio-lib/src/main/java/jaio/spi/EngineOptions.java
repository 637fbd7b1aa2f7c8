package jaio.spi;

/**
 * Engine options chosen when a context is opened. Engines that lack an option ignore it and
 * say so in their capability report's features.
 *
 * @param registerFiles   io_uring: register file descriptors with the ring
 * @param registerBuffers io_uring: register the library's fixed buffers
 * @param sqPoll          io_uring: a kernel thread polls the submission ring
 */
public record EngineOptions(boolean registerFiles, boolean registerBuffers, boolean sqPoll) {
    public static final EngineOptions DEFAULT = new EngineOptions(false, false, false);
}
