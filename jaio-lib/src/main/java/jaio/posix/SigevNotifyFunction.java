package jaio.posix;

/**
 * The function a {@link PosixAio#SIGEV_THREAD} notification runs: C's
 * {@code sigev_notify_function}, given the {@code sigev_value} of the {@link Sigevent}.
 *
 * <p>It runs on the notification executor (the sigevent's, else the facade's), never on the
 * thread that submitted the request. An exception it throws goes to the uncaught-exception
 * handler of the thread that ran it; other notifications are not affected.
 */
@FunctionalInterface
public interface SigevNotifyFunction {
    /** Called once per notification with the sigevent's {@code sigev_value}. */
    void notify(long sigevValue);
}
