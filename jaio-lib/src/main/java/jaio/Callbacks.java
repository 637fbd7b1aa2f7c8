package jaio;

/**
 * Runs requests' completion callbacks (C10) on the calling thread: the reaping thread of
 * a context whose caller reaps, or the reaper or executor of a self-reaping one. Stateless.
 */
final class Callbacks {
    private Callbacks() {}

    /** Runs the callbacks of {@code events[0..n)}, in order. */
    static void runAll(Event[] events, int n) {
        for (int i = 0; i < n; i++) {
            CompletionCallback cb = events[i].callback();
            if (cb != null) {
                run(cb, events[i]);
            }
        }
    }

    /**
     * Runs one callback. What it throws goes to this thread's uncaught-exception handler, so
     * that the rest of a batch still runs and the events are still returned.
     */
    static void run(CompletionCallback cb, Event e) {
        try {
            cb.onCompletion(e);
        } catch (Throwable t) {
            Thread th = Thread.currentThread();
            th.getUncaughtExceptionHandler().uncaughtException(th, t);
        }
    }
}
