package jaio;

/**
 * Code run for a request when its event is reaped (C10, like libaio's io_set_callback).
 *
 * <p>Where it runs: on the thread that reaped the event, inside {@code getEvents} or
 * {@code await}, after the events were taken. For a
 * {@link IoContext.Builder#selfReaping() self-reaping} context, on the context's reaper
 * thread or on a platform thread waiting in {@link CallbackWaits#await} in its stead (one at a
 * time either way), or on the executor given to {@link IoContext.Builder#selfReaping(java.util.concurrent.Executor)}.
 * Either way the event passed in keeps its values until the callback returns, and no longer:
 * copy what must outlive the call.
 *
 * <p>It runs outside every lock of the context: it may submit, reap or cancel on any
 * context. It should be short, since the thread that runs it waits for it. An exception thrown
 * by a callback goes to the thread's uncaught-exception handler; the other callbacks of the
 * batch still run and the events are still returned.
 */
@FunctionalInterface
public interface CompletionCallback {
    void onCompletion(Event event);
}
