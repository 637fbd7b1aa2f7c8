package jaio.spi;

/**
 * Signals a context's notification eventfd (C10): adds {@code n} to its counter. Made by the
 * public layer from the user's eventfd; any thread may call it, and it never blocks (the
 * eventfd is non-blocking, and a full counter is left as it is: the watcher is awake anyway).
 */
@FunctionalInterface
public interface Notifier {
    void signal(int n);
}
