package jaio.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.ToIntFunction;
import jaio.Event;
import jaio.IoContext;

/**
 * The books the threads of a stress test keep together: ids handed out to requests (0 to
 * {@code total - 1}, each used once as user data), how many requests the context accepted, how
 * many events came back and how many for each id, whether the submitters have finished, and
 * what any thread threw. Every thread stops once another has failed; the test thread then
 * rethrows with {@link #throwIfFailed()}.
 */
public final class StressLedger {
    /** How long reapers may find nothing, once the submitters are done, before events count as lost. */
    public static final Duration IDLE_LIMIT = Duration.ofSeconds(30);

    /** A thread's work; what it throws is recorded as a failure. */
    @FunctionalInterface
    public interface Work {
        void run(int index) throws Exception;
    }

    public final int total;
    public final AtomicLong nextId = new AtomicLong();
    public final AtomicLong accepted = new AtomicLong();
    public final AtomicLong reaped = new AtomicLong();
    public final AtomicBoolean submittersDone = new AtomicBoolean();
    public final ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
    private final AtomicIntegerArray events;

    public StressLedger(int total) {
        this.total = total;
        this.events = new AtomicIntegerArray(total);
    }

    public boolean failed() {
        return !failures.isEmpty();
    }

    /**
     * Starts {@code count} platform threads named {@code name-0}, {@code name-1} ..., each
     * running {@code work} with its index and recording what it throws. They are daemons, so
     * that one stuck past the test's timeout cannot keep the test JVM alive.
     */
    public List<Thread> start(String name, int count, Work work) {
        List<Thread> ts = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int index = i;
            ts.add(Thread.ofPlatform().daemon().name(name + "-" + i).start(() -> {
                try {
                    work.run(index);
                } catch (Throwable t) {
                    failures.add(t);
                }
            }));
        }
        return ts;
    }

    public static void joinAll(List<Thread> threads) throws InterruptedException {
        for (Thread t : threads) {
            t.join();
        }
    }

    /** Waits for the submitting threads to end, then tells the reapers that no more requests come. */
    public void joinSubmitters(List<Thread> submitters) throws InterruptedException {
        joinAll(submitters);
        submittersDone.set(true);
    }

    /** Throws an AssertionError caused by the first failure, with all of them suppressed in it. */
    public void throwIfFailed() {
        if (!failures.isEmpty()) {
            AssertionError e = new AssertionError("failed: " + failures.peek(), failures.peek());
            failures.forEach(e::addSuppressed);
            throw e;
        }
    }

    /** Counts an event for request {@code id}; throws if that request already had one. */
    public void event(long id) {
        if (events.incrementAndGet((int) id) != 1) {
            throw new AssertionError("second event for request " + id);
        }
    }

    /** Checks, after the run, that every id had exactly one event. */
    public void assertOneEventEach() {
        for (int i = 0; i < total; i++) {
            if (events.get(i) != 1) {
                throw new AssertionError("request " + i + " had " + events.get(i) + " events");
            }
        }
    }

    /**
     * One reaping thread's loop: calls {@code reap} (one getEvents into {@code evs}, returning
     * how many it took), counts each event taken for its id, hands it to {@code check}, and
     * returns once the submitters are done and every accepted request had its event. It fails
     * when, with the submitters done, nothing comes for {@link #IDLE_LIMIT}: events were lost.
     */
    public void reapUntilDone(IoContext ctx, Event[] evs, ToIntFunction<Event[]> reap, Consumer<Event> check) {
        long idleSince = -1;
        while (!failed()) {
            int got = reap.applyAsInt(evs);
            for (int i = 0; i < got; i++) {
                event(evs[i].userData());
                check.accept(evs[i]);
            }
            long r = reaped.addAndGet(got);
            if (submittersDone.get() && r == accepted.get()) {
                return;
            }
            if (got == 0 && submittersDone.get()) {
                if (idleSince < 0) {
                    idleSince = System.nanoTime();
                } else if (System.nanoTime() - idleSince > IDLE_LIMIT.toNanos()) {
                    throw new AssertionError("events missing: reaped " + r + " of " + accepted.get() + "; "
                            + ctx.stats());
                }
            } else {
                idleSince = -1;
            }
        }
    }
}
