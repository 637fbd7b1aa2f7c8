package jaio.core;

/**
 * Which context the current thread runs completion work for (P3): a thread-local record
 * that only its own thread reads or writes.
 *
 * <p>The rule, exactly: a thread is <em>running</em> on a context from the moment a reaping
 * call on it (getEvents, or a group's getEvents taking from it) hands the thread at least one
 * event, until the thread's next call into jaio that reaps or waits (getEvents, await, a
 * group wait, submitAndWait) on any context. During such a call it counts nowhere. When the
 * call returns events from context C, the thread runs on C; when it returns none, the thread
 * goes back to running on the context it ran on before, if that was another context (it was
 * only blocked inside jaio; a thread that came back to the same context has finished its
 * work). Blocking outside jaio (a lock, a socket, a sleep) is invisible to jaio and still
 * counts as running. A thread runs on at most one context at a time.
 */
final class Running {
    private static final ThreadLocal<Running> CURRENT = ThreadLocal.withInitial(Running::new);

    /** The queue the thread runs on, or null. */
    CompletionQueue on;

    static Running current() {
        return CURRENT.get();
    }
}
