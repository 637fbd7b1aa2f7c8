package jaio.engine;

import jaio.spi.Op;

/**
 * One per worker thread, made on that thread, and used only there (a waiting thread that runs
 * an op in a worker's place uses the engine's shared one): what a {@link WorkerPool}'s thread
 * does with an op, one iteration at a time.
 */
public interface Worker {
    /**
     * What {@link #iterate} returns when it gave the op to another thread (one waiting for
     * readiness or for a timer), which now owns the op and its engineState and will finish it
     * or queue it again. The pool does not touch the op any more.
     */
    long HANDED_OFF = Long.MIN_VALUE;
    /**
     * What {@link #iterateQuick} returns when the iteration could wait (for the device, a
     * lock, readiness) or it cannot tell: nothing was done, and the op's iteration runs as
     * usual.
     */
    long WOULD_WAIT = Long.MIN_VALUE + 1;

    /**
     * One iteration of {@code op}: bytes moved (0 at end of file), -errno, or
     * {@link #HANDED_OFF}. Whatever it throws becomes the op's -errno.
     */
    long iterate(Op op) throws Exception;

    /**
     * One iteration of {@code op} only if it completes without waiting (a read the page
     * cache holds in full, say): its result as {@link #iterate} would give it, or
     * {@link #WOULD_WAIT} when it was not run. A worker that holds finished ops runs the
     * next one so, and posts what it holds before an iteration that could wait. The
     * default runs nothing.
     */
    default long iterateQuick(Op op) throws Exception {
        return WOULD_WAIT;
    }

    /** Releases what the worker owns; called on its thread when it stops. */
    default void close() {
    }

    /** Runs one iteration, turning whatever it throws into -errno. */
    static long attempt(Worker w, Op op) {
        try {
            return w.iterate(op);
        } catch (Throwable t) {
            // Errors too: a read into a large heap buffer makes the JDK allocate a temporary
            // direct buffer, which throws OutOfMemoryError when direct memory runs out. Let
            // through, it would kill the worker and leave the op without its event.
            return IoErrors.negErrno(t);
        }
    }

    /** {@link #iterateQuick}, turning whatever it throws into -errno as {@link #attempt} does. */
    static long attemptQuick(Worker w, Op op) {
        try {
            return w.iterateQuick(op);
        } catch (Throwable t) {
            return IoErrors.negErrno(t);
        }
    }
}
