package jaio;

/**
 * Code run for a request when its event is reaped (SPEC C10, like libaio's io_set_callback).
 *
 * <p>It runs on the thread that reaped the event, inside {@code getEvents} or {@code await},
 * after the events were taken and outside every lock of the context: it may submit, reap or
 * cancel on any context. It should be short, since the reaping thread waits for it. An
 * exception thrown by a callback goes to the thread's uncaught-exception handler; the other
 * callbacks of the batch still run and the events are still returned.
 */
@FunctionalInterface
public interface CompletionCallback {
    void onCompletion(Event event);
}
