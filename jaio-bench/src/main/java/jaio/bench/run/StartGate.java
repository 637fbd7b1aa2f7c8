package jaio.bench.run;

import java.util.concurrent.CountDownLatch;

/**
 * Starts a phase's job threads together, as fio's start semaphore does: each job thread says
 * it is ready and waits ({@link #arrive}); the runner waits until every one is
 * ({@link #awaitReady}), then opens the gate with a start time a little ahead ({@link #open}),
 * and each thread sleeps until that time itself. Any number of job threads, one runner.
 *
 * <p>Without it the runner started the threads one by one while the first ones already ran,
 * and cached reads never block: on a few cores the threads already running took the CPU the
 * runner needed to start the rest, so with hundreds of jobs the last ones began late on the
 * phase's clock, or after its end, and measured nothing (256 jobs on 2 cores: 96 clones did no
 * I/O, and the group's IOPS counted fewer contexts than asked). Opening a latch alone does not
 * cure it: its waiters wake one another in a chain, and a woken thread that starts its I/O at
 * once competes with the next one's wake-up in the same way. Sleeping until a common time
 * lets each thread's own timer wake it, with no thread waiting for another to be scheduled.
 */
final class StartGate {
    private final CountDownLatch ready;
    private final CountDownLatch open = new CountDownLatch(1);
    /** Written before {@code open} counts down, read after it: the latch orders the two. */
    private long start;
    private boolean aborted;

    /** @param parties how many job threads will {@link #arrive} */
    StartGate(int parties) {
        ready = new CountDownLatch(parties);
    }

    /**
     * Called by each job thread before anything else: waits until the runner opens the gate.
     *
     * @return the phase's start (System.nanoTime, possibly still ahead: the caller sleeps until
     *         it), or -1 when the runner gave up (the thread must return without running)
     * @throws InterruptedException when the waiting thread is interrupted
     */
    long arrive() throws InterruptedException {
        ready.countDown();
        open.await();
        return aborted ? -1 : start;
    }

    /**
     * Called by the runner once every thread is started: waits until each has arrived.
     *
     * @throws InterruptedException when the runner is interrupted (the gate is then aborted)
     */
    void awaitReady() throws InterruptedException {
        try {
            ready.await();
        } catch (InterruptedException e) {
            abort();
            throw e;
        }
    }

    /**
     * Called by the runner after {@link #awaitReady}: opens the gate.
     *
     * @param leadNanos how far ahead the start is: long enough for the latch to wake every
     *                  thread (which then sleeps until the start) before the first one begins
     * @return the phase's start, the same every thread's {@link #arrive} returns
     */
    long open(long leadNanos) {
        start = System.nanoTime() + leadNanos;
        open.countDown();
        return start;
    }

    /** Lets every waiting thread go without running (a thread could not be started). */
    void abort() {
        if (open.getCount() > 0) {
            aborted = true;
            open.countDown();
        }
    }
}
