package jaio.posix;

import java.util.concurrent.Executor;
import jaio.IoContext;

/**
 * How the completion of a request (or of a whole {@link PosixAio#lio_listio list}) is
 * announced: C's {@code struct sigevent}, as an immutable value.
 *
 * <p>The components keep their C names so that code ports line by line:
 * <ul>
 *   <li>{@code sigev_notify}: {@link PosixAio#SIGEV_NONE} (nothing is announced; poll with
 *       {@code aio_error} or wait with {@code aio_suspend}), {@link PosixAio#SIGEV_THREAD}
 *       (the function runs on an executor) or {@link PosixAio#SIGEV_KEVENT} (an event is
 *       posted into an {@link IoContext} the caller reaps, as FreeBSD posts a kevent into a
 *       kqueue; not a {@link IoContext.Builder#selfReaping() self-reaping} context).
 *       {@link PosixAio#SIGEV_SIGNAL} exists for ported code but is refused with EINVAL: a
 *       JVM has no POSIX signals to offer.</li>
 *   <li>{@code sigev_value}: C's {@code union sigval}, one word: given to the function, or
 *       the posted event's {@link jaio.Event#userData() user data}. A Java function usually
 *       captures what it needs instead.</li>
 *   <li>{@code sigev_notify_function}: the function of SIGEV_THREAD.</li>
 *   <li>{@code sigev_notify_executor}: where SIGEV_THREAD runs the function; null for the
 *       facade's own (C's {@code sigev_notify_attributes} is the nearest thing).</li>
 *   <li>{@code sigev_notify_context}: the context of SIGEV_KEVENT (FreeBSD's
 *       {@code sigev_notify_kqueue}).</li>
 * </ul>
 * Nothing is checked here: a submission with a sigevent that does not make sense fails with
 * EINVAL, as in C.
 *
 * @param sigev_notify          SIGEV_NONE, SIGEV_THREAD or SIGEV_KEVENT
 * @param sigev_value           the value handed to the function or posted as user data
 * @param sigev_notify_function for SIGEV_THREAD: the function
 * @param sigev_notify_executor for SIGEV_THREAD: the executor, or null for the facade's
 * @param sigev_notify_context  for SIGEV_KEVENT: the context that receives the event
 */
public record Sigevent(int sigev_notify, long sigev_value, SigevNotifyFunction sigev_notify_function,
                       Executor sigev_notify_executor, IoContext sigev_notify_context) {

    private static final Sigevent NONE = new Sigevent(PosixAio.SIGEV_NONE, 0, null, null, null);

    /** No notification (SIGEV_NONE). */
    public static Sigevent none() {
        return NONE;
    }

    /** SIGEV_THREAD: {@code function.notify(value)} on the facade's notification executor. */
    public static Sigevent thread(SigevNotifyFunction function, long value) {
        return new Sigevent(PosixAio.SIGEV_THREAD, value, function, null, null);
    }

    /** SIGEV_THREAD: {@code function.notify(value)} on {@code executor}. */
    public static Sigevent thread(SigevNotifyFunction function, long value, Executor executor) {
        return new Sigevent(PosixAio.SIGEV_THREAD, value, function, executor, null);
    }

    /**
     * SIGEV_KEVENT: a NOOP event carrying {@code value} as its user data, and the control block
     * (or, for a list, the list array) as its attachment, is posted into {@code context}.
     */
    public static Sigevent kevent(IoContext context, long value) {
        return new Sigevent(PosixAio.SIGEV_KEVENT, value, null, null, context);
    }
}
