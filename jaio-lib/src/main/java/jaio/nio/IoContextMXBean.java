package jaio.nio;

/**
 * The counters of one jaio context as a JMX MXBean (J5), registered as
 * {@code jaio:type=IoContext,name=<context name>} by {@link JaioMonitoring#register}. Each
 * read takes a fresh snapshot; a closed context reads as it was last seen, with
 * {@link #isOpen()} false.
 */
public interface IoContextMXBean {
    /** The context's name. */
    String getName();

    /** The engine it runs on. */
    String getEngine();

    /** Whether the context is still open. */
    boolean isOpen();

    /** Requests accepted. */
    long getSubmitted();

    /** Events posted. */
    long getCompleted();

    /** Iterations issued again after a short transfer. */
    long getRetries();

    /** Requests handed to a worker thread because the kernel would have blocked. */
    long getPunted();

    /** Submissions refused for lack of room. */
    long getEagain();

    /** Requests that ended with ECANCELED. */
    long getCanceled();

    /** Times a waiting thread was woken to take events. */
    long getWakeups();

    /** Events with a negative result. */
    long getErrors();

    /** Requests in flight now. */
    int getInFlight();
}
