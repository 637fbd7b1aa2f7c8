package jaio.nio;

/**
 * Where a request's result goes when its event arrives: a future, a parked thread, a
 * completion handler. Called once per submitted request, on the context's reaper thread.
 */
interface Outcome {
    /** The request finished with {@code result} (bytes, or a negative errno). */
    void finished(long result);
}
