package jaio.spi;


/**
 * What a context hands to the engine it opens.
 *
 * @param name          the context's name, for thread names and messages
 * @param capacity      events the context can hold (in flight + unreaped)
 * @param workerThreads the bound on worker threads for engines that use them
 * @param sink          where finished ops go
 * @param counters      the context's counters (retries, punts ...) for the engine to update
 * @param options       engine options the user asked for (registered buffers ...)
 */
public record EngineContext(String name, int capacity, int workerThreads, CompletionSink sink,
                            Counters counters, EngineOptions options) {
}
