package jaio.engine;

/**
 * How long an engine's iterations take, which decides whether an op queued while every idle
 * worker has already been woken starts a new worker of a {@link WorkerPool}, and whether ops may
 * wait for threads that come back to the queue (the pool's class comment). The two engines that
 * had their own pools differed here, and each was right for what its workers run.
 */
public enum IterationLength {
    /**
     * Mostly microseconds (page-cache hits): a woken or running worker will be free again
     * before a new thread would have started, so the op waits for it. Starting one per
     * such op grew the pool toward its bound (a loop of cached reads at depth 1 started 64
     * workers that way instead of about 10), each one more to wake. The thread-pool
     * engine's.
     */
    SHORT,
    /**
     * Expected to block (the kernel said they would), maybe without bound: a signalled
     * worker is counted on for one op only, so another op gets a new worker while the
     * bound allows, instead of waiting behind one that may never return (native AIO
     * punts a pipe read that may never get data).
     */
    BLOCKING
}
