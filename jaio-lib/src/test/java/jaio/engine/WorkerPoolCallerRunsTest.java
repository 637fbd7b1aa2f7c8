package jaio.engine;

import static jaio.testkit.TestProcess.waitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import jaio.CancelResult;
import jaio.Errno;
import jaio.spi.Op;
import jaio.testkit.TestOps;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Caller-runs in the shared worker pool: a waiting thread runs the oldest queued op itself,
 * only what the owner lets it run, and an op left for such a thread still runs when that thread
 * never comes back (the watcher); cancel and close still reach ops and workers. Iterations are
 * faked: each records the thread that ran it.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WorkerPoolCallerRunsTest {
    private static final Duration LIMIT = Duration.ofSeconds(10);
    private static final AtomicInteger POOLS = new AtomicInteger();
    /** An op whose iteration waits for {@link #release}. */
    private static final long BLOCK = -1;
    /** An op the owner does not let a waiter run. */
    private static final long WORKERS_ONLY = -2;
    /** An op whose iteration takes 2 ms (a device read, say). */
    private static final long SLOW = -3;

    /** Who ran what, and what the pool handed back, on which thread. */
    private final Map<Long, Thread> ranOn = new ConcurrentHashMap<>();
    /** The name of the thread that ran each op, as it was then (a worker borrows a named thread). */
    private final Map<Long, String> ranOnName = new ConcurrentHashMap<>();
    private final Map<Long, Thread> finishedOn = new ConcurrentHashMap<>();
    private final AtomicInteger ranOnWaiter = new AtomicInteger();
    private final CountDownLatch release = new CountDownLatch(1);
    private final CountDownLatch blocked = new CountDownLatch(1);
    private final List<WorkerPool> pools = new ArrayList<>();
    private String prefix;

    private final PoolOwner owner = new CheckingOwner() {
        @Override
        void record(Op op) {
            finishedOn.put(op.userData, Thread.currentThread());
        }

        @Override
        public boolean mayRunOnWaiter(Op op) {
            return op.userData != WORKERS_ONLY;
        }

        @Override
        public void ranOnWaiter() {
            ranOnWaiter.incrementAndGet();
        }
    };

    private final Worker worker = op -> {
        ranOn.put(op.userData, Thread.currentThread());
        ranOnName.put(op.userData, Thread.currentThread().getName());
        if (op.userData == BLOCK) {
            blocked.countDown();
            release.await();
        } else if (op.userData <= SLOW) {
            Thread.sleep(2);
        }
        return 0;
    };

    @AfterEach
    void closePools() {
        release.countDown();
        for (WorkerPool p : pools) {
            p.close();
        }
    }

    private WorkerPool pool(int max) {
        return pool(max, IterationLength.SHORT);
    }

    private WorkerPool pool(int max, IterationLength iterations) {
        prefix = "wpcr" + POOLS.incrementAndGet() + "-worker-";
        WorkerPool p = new WorkerPool(prefix, max, iterations, () -> worker, owner);
        pools.add(p);
        return p;
    }

    private void awaitFinished(long id) throws InterruptedException {
        waitUntil(() -> finishedOn.containsKey(id), LIMIT);
    }

    private boolean ranOnWorker(long id) {
        String n = ranOnName.get(id);
        return n != null && n.startsWith(prefix);
    }

    /** The calling thread becomes the pool's waiter, and a worker watches: ops it queues alone wake nobody. */
    private void becomeWaiterWithAWatcher(WorkerPool p) throws InterruptedException {
        assertFalse(p.runQueued(worker), "nothing queued yet");
        // Nobody watches yet: this op wakes a worker, which watches once it idles.
        Op first = TestOps.noop(1000);
        p.enqueue(first);
        awaitFinished(1000);
        waitUntil(() -> p.underLock(p.idlers::watching), LIMIT);
    }

    @Test
    void aWaiterRunsTheOldestQueuedOpOnItsOwnThread() throws Exception {
        WorkerPool p = pool(1);
        p.enqueue(TestOps.noop(BLOCK));
        assertTrue(blocked.await(10, TimeUnit.SECONDS));
        p.enqueue(TestOps.noop(1));
        p.enqueue(TestOps.noop(2));
        Thread me = Thread.currentThread();
        assertTrue(p.runQueued(worker));
        assertSame(me, ranOn.get(1L), "the oldest op ran here");
        assertSame(me, finishedOn.get(1L), "and was handed back here, finished");
        assertFalse(ranOn.containsKey(2L), "one op per call");
        assertTrue(p.runQueued(worker));
        assertSame(me, ranOn.get(2L));
        assertFalse(p.runQueued(worker), "the queue is empty");
        assertEquals(2, ranOnWaiter.get());
    }

    @Test
    void whatTheOwnerKeepsForWorkersIsLeftToThem() throws Exception {
        WorkerPool p = pool(1);
        p.enqueue(TestOps.noop(BLOCK));
        assertTrue(blocked.await(10, TimeUnit.SECONDS));
        p.enqueue(TestOps.noop(WORKERS_ONLY));
        assertFalse(p.runQueued(worker), "a waiter may not run it");
        assertFalse(ranOn.containsKey(WORKERS_ONLY));
        release.countDown();
        awaitFinished(WORKERS_ONLY);
        assertTrue(ranOnWorker(WORKERS_ONLY), "a worker ran it: " + ranOnName.get(WORKERS_ONLY));
        assertEquals(0, ranOnWaiter.get());
    }

    @Test
    void withLongIterationsAWaiterLeavesQueuedOpsToTheRunningWorkers() throws Exception {
        WorkerPool p = pool(1);
        // Two iterations of 2 ms: the pool's average says iterations are long now.
        p.enqueue(TestOps.noop(SLOW));
        awaitFinished(SLOW);
        p.enqueue(TestOps.noop(SLOW - 1));
        awaitFinished(SLOW - 1);
        p.enqueue(TestOps.noop(BLOCK));
        assertTrue(blocked.await(10, TimeUnit.SECONDS));
        p.enqueue(TestOps.noop(3));
        // A waiter that ran it would sit in a long call while the worker's op completes.
        assertFalse(p.runQueued(worker), "a worker runs one: the waiter leaves the queue alone");
        assertFalse(ranOn.containsKey(3L));
        release.countDown();
        awaitFinished(3);
        assertTrue(ranOnWorker(3), "the worker ran it once free: " + ranOnName.get(3L));
    }

    @Test
    void anOpLeftForAWaiterThatNeverComesBackStillRuns() throws Exception {
        assertTheWatcherRunsAnOpLeftForAWaiterThatNeverComesBack(pool(2));
    }

    private void assertTheWatcherRunsAnOpLeftForAWaiterThatNeverComesBack(WorkerPool p) throws Exception {
        becomeWaiterWithAWatcher(p);
        // Queued by the waiter into an empty queue with a watcher: nobody is woken for it, and
        // this thread never looks again. The watcher must notice the queue standing still.
        p.enqueue(TestOps.noop(7));
        awaitFinished(7);
        assertTrue(ranOnWorker(7), "a worker ran it: " + ranOnName.get(7L));
        assertEquals(1, p.underLock(p.idlers::stalls), "the watcher saw the queue stand still and took the op");
    }

    @Test
    void anOpLeftForTheWaiterRunsOnItsNextWait() throws Exception {
        WorkerPool p = pool(2);
        becomeWaiterWithAWatcher(p);
        // The watcher takes a left op only after a full watch period with the queue standing
        // still; a preempted test thread may lose that race now and then, so a few tries.
        boolean ranHere = false;
        for (int i = 0; i < 20 && !ranHere; i++) {
            long id = 10 + i;
            waitUntil(() -> p.underLock(p.idlers::watching), LIMIT);
            p.enqueue(TestOps.noop(id));
            ranHere = p.runQueued(worker) && ranOn.get(id) == Thread.currentThread();
            awaitFinished(id);
        }
        assertTrue(ranHere, "the waiter ran an op it had queued itself");
    }

    @Test
    void aCancelTakesAnOpLeftForTheWaiter() throws Exception {
        WorkerPool p = pool(2);
        becomeWaiterWithAWatcher(p);
        Op op = TestOps.noop(8);
        p.enqueue(op);
        CancelResult r = p.cancel(op);
        if (r == CancelResult.CANCELED) {
            assertEquals(-Errno.ECANCELED, op.result);
            assertEquals(0, op.engineState, "out of the queue");
            assertFalse(p.runQueued(worker), "nothing left to run");
        } else {
            // The watcher ran it first (the test thread was preempted for a watch period).
            assertNotEquals(CancelResult.CANCELED, r);
            awaitFinished(8);
        }
    }

    @Test
    void closeStopsAWatchingWorker() throws Exception {
        WorkerPool p = pool(2);
        becomeWaiterWithAWatcher(p);
        p.close();
        assertEquals(0, p.workers(), "close joined every worker, the watcher too");
        assertFalse(p.underLock(p.idlers::watching));
    }

    @Test
    void withBlockingIterationsAnOpTheWaiterQueuesAloneRunsOnItsNextWait() throws Exception {
        WorkerPool p = pool(2, IterationLength.BLOCKING);
        becomeWaiterWithAWatcher(p);
        boolean ranHere = false;
        for (int i = 0; i < 20 && !ranHere; i++) {
            long id = 30 + i;
            waitUntil(() -> p.underLock(p.idlers::watching), LIMIT);
            long left = p.underLock(p.idlers::economies);
            p.enqueue(TestOps.noop(id));
            assertEquals(left + 1, p.underLock(p.idlers::economies), "the op was left for the waiter, nobody woken");
            ranHere = p.runQueued(worker) && ranOn.get(id) == Thread.currentThread();
            awaitFinished(id);
        }
        assertTrue(ranHere, "the waiter ran an op it had queued itself");
    }

    @Test
    void withBlockingIterationsAnOpLeftForAWaiterThatNeverComesBackStillRuns() throws Exception {
        assertTheWatcherRunsAnOpLeftForAWaiterThatNeverComesBack(pool(2, IterationLength.BLOCKING));
    }

    @Test
    void withBlockingIterationsAnOpQueuedWhileAWorkerRunsOneWakesAWorker() throws Exception {
        WorkerPool p = pool(3, IterationLength.BLOCKING);
        becomeWaiterWithAWatcher(p);
        // Another thread's op, which may block for good: it holds a worker.
        Thread other = new Thread(() -> p.enqueue(TestOps.noop(BLOCK)));
        other.start();
        other.join();
        assertTrue(blocked.await(10, TimeUnit.SECONDS));
        // The waiter's op is not left for it while a worker runs one: the waiter could sit in
        // it while the running one completes. A worker runs it without the waiter looking.
        long left = p.underLock(p.idlers::economies);
        p.enqueue(TestOps.noop(9));
        assertEquals(left, p.underLock(p.idlers::economies), "not left for the waiter");
        awaitFinished(9);
        assertTrue(ranOnWorker(9), "a worker ran it: " + ranOnName.get(9L));
        assertEquals(0, p.underLock(p.idlers::stalls), "it woke a worker; the watcher did not have to find it");
    }
    /**
     * Depth 1: the op the waiter queues alone while a worker spins, just back from posting the
     * one before, is left for the waiter (before, the spinner took it and kept the chain, one
     * hand-off per request from then on). Spins are made 300 ms long here so that the worker is
     * caught at it (a round that misses the spin is tried again). The spinner that leaves the op
     * watches, and takes it after a millisecond with the queue standing still when the test
     * thread is slower than that (the first round, while its code is loaded): then too the round
     * is tried again.
     */
    @Test
    void aSpinningWorkerLeavesTheOpTheWaiterQueuedAlone() throws Exception {
        WorkerPool p = pool(2);
        p.underLock(() -> {
            p.idlers.spinUpTo(TimeUnit.MILLISECONDS.toNanos(300));
            return null;
        });
        assertFalse(p.runQueued(worker), "nothing queued yet");
        boolean ranHere = false;
        for (int round = 0; round < 20 && !ranHere; round++) {
            long before = 100 + 2 * round;
            long mine = before + 1;
            // Another thread's op: it wakes a worker, which spins once it has posted it.
            Thread other = new Thread(() -> p.enqueue(TestOps.noop(before)));
            other.start();
            other.join();
            awaitFinished(before);
            waitUntil(() -> p.underLock(p.idlers::spinners) > 0, LIMIT);
            if (p.underLock(p.idlers::spinners) == 0) {
                continue;
            }
            // This thread is the waiter again (after a round the watcher took, it was not).
            assertFalse(p.runQueued(worker), "nothing queued for this thread");
            long stalls = p.underLock(p.idlers::stalls);
            p.enqueue(TestOps.noop(mine));
            assertSame(Boolean.TRUE, p.underLock(() -> p.idlers.reserved() != null || ranOn.containsKey(mine)),
                    "left for the waiter, or already taken");
            if (ranOn.containsKey(mine)) {
                awaitFinished(mine);
                assertTrue(p.underLock(p.idlers::stalls) > stalls,
                        "only the watcher takes the op left for the waiter, after the queue stood still; it ran on "
                                + ranOnName.get(mine));
            } else {
                ranHere = p.runQueued(worker) && ranOn.get(mine) == Thread.currentThread();
            }
            awaitFinished(mine);
        }
        assertTrue(ranHere, "the waiter ran the op it had queued alone while a worker spun");
    }
    /**
     * Stress: a waiter at depth 1 that runs its ops itself, leaves some for the watcher (it
     * wanders off), cancels some right after queuing them, while another thread queues ops of
     * its own now and then (which ends a reservation). Every op comes back exactly once,
     * finished or cancelled, and nothing waits for good.
     */
    @Test
    void aWaiterAtDepthOneThatWandersOffAndCancelsLosesNothing() throws Exception {
        Map<Long, AtomicInteger> back = new ConcurrentHashMap<>();
        PoolOwner counting = new CheckingOwner() {
            @Override
            void record(Op op) {
                back.computeIfAbsent(op.userData, k -> new AtomicInteger()).incrementAndGet();
            }
        };
        Worker w = op -> 0;
        WorkerPool p = new WorkerPool("wpcr" + POOLS.incrementAndGet() + "-stress-", 2, IterationLength.SHORT,
                () -> w, counting);
        pools.add(p);
        int mine = 2000;
        AtomicInteger others = new AtomicInteger();
        AtomicBoolean stop = new AtomicBoolean();
        Thread other = new Thread(() -> {
            for (long id = 1_000_000; !stop.get(); id++) {
                p.enqueue(TestOps.noop(id));
                others.incrementAndGet();
                LockSupport.parkNanos(2_000_000);
            }
        });
        other.start();
        int cancelled = 0;
        try {
            for (long id = 0; id < mine; id++) {
                Op op = TestOps.noop(id);
                p.enqueue(op);
                long key = id;
                if (id % 7 == 3 && p.cancel(op) == CancelResult.CANCELED) {
                    // Ended here, and the pool hands it back to nobody: the caller posts it.
                    cancelled++;
                    back.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
                    continue;
                }
                if (id % 10 == 5) {
                    // Wanders off: the watcher (or a worker) must run it.
                    waitUntil(() -> back.containsKey(key), LIMIT);
                } else {
                    while (!back.containsKey(key)) {
                        if (!p.runQueued(w)) {
                            Thread.onSpinWait();
                        }
                    }
                }
                assertTrue(back.containsKey(key), "op " + id + " came back");
            }
        } finally {
            stop.set(true);
            other.join();
        }
        long otherCount = others.get();
        waitUntil(() -> back.size() == mine + otherCount, LIMIT);
        assertEquals(mine + otherCount, back.size(), "every op came back");
        for (Map.Entry<Long, AtomicInteger> e : back.entrySet()) {
            assertEquals(1, e.getValue().get(), "op " + e.getKey() + " came back once");
        }
        assertTrue(cancelled > 0 || mine < 7, "some cancels caught their op in the queue");
    }
}
