package jaio.nio;

import jaio.Errno;
import jaio.IoContext;

/**
 * What a lane reports about its requests (J5): the slow-request JFR event, and in the
 * diagnosis mode the submissions that blocked. With JFR off the per-request cost is one
 * {@code System.nanoTime()} at the start and an event whose {@code isEnabled()} is false; the
 * event object does not escape that check, so the JIT removes it and nothing is allocated.
 */
final class Observer {
    /** The diagnosis mode, read once ({@code -Djaio.nio.diagnose=true}). */
    static final boolean DIAGNOSE = Boolean.getBoolean("jaio.nio.diagnose");
    private static final long DIAGNOSE_NANOS = Long.getLong("jaio.nio.diagnose.thresholdMicros", 1000) * 1000;

    private final IoContext context;
    private final String engine;
    private final String name;

    private Observer(IoContext context) {
        this.context = context;
        this.engine = context.engine().shortName();
        this.name = context.name();
    }

    static Observer of(IoContext context) {
        JaioMonitoring.register(context);
        return new Observer(context);
    }

    static long now() {
        return System.nanoTime();
    }

    /** On the reaper, before the outcome runs. */
    void finished(Slot s, long result) {
        IoRequestEvent e = new IoRequestEvent();
        if (!e.isEnabled()) {
            return;
        }
        long end = now();
        e.elapsed = end - s.startNanos;
        if (e.shouldCommit()) {
            e.operation = s.operation;
            e.path = s.path;
            e.bytes = s.request.length();
            e.result = result;
            e.error = result < 0 ? Errno.name(result) : null;
            e.engine = engine;
            e.context = name;
            e.queued = s.acceptedNanos - s.startNanos;
            e.service = end - s.acceptedNanos;
            e.commit();
        }
    }

    /** The punted count, read before a submission in the diagnosis mode. */
    long puntedBefore() {
        return context.stats().punted();
    }

    /** In the diagnosis mode, after a submission that began at {@code begin}. */
    void submitted(Slot s, long begin, long puntedBefore) {
        long took = now() - begin;
        boolean punted = context.stats().punted() > puntedBefore;
        if (took < DIAGNOSE_NANOS && !punted) {
            return;
        }
        BlockingSubmitEvent e = new BlockingSubmitEvent();
        if (e.shouldCommit()) {
            e.operation = s.operation;
            e.path = s.path;
            e.engine = engine;
            e.submitTime = took;
            e.punted = punted;
            e.commit();
        }
    }
}
