package jaio.engine;

import static jaio.testkit.TestProcess.threadNames;
import static jaio.testkit.TestProcess.waitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import jaio.CancelResult;
import jaio.Errno;
import jaio.spi.FileHandle;
import jaio.spi.Op;
import jaio.testkit.TestOps;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The shared worker pool with iterations the test controls: order, cancel in the queue and
 * between iterations, workers on demand up to the bound, close, and nothing lost to an
 * interrupt or an exception.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WorkerPoolTest {
    private static final Duration LIMIT = Duration.ofSeconds(10);
    private static final AtomicInteger POOLS = new AtomicInteger();

    /** Collects what the pool hands back. */
    static final class Owner implements PoolOwner {
        final List<Op> finished = new ArrayList<>();
        final AtomicInteger retried = new AtomicInteger();

        @Override
        public void retried() {
            retried.incrementAndGet();
        }

        @Override
        public synchronized void finished(Op op) {
            assertEquals(0, op.engineState, "a finished op is out of the pool");
            finished.add(op);
            notifyAll();
        }

        synchronized List<Op> await(int n) throws InterruptedException {
            long deadline = System.nanoTime() + LIMIT.toNanos();
            while (finished.size() < n) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("only " + finished.size() + " of " + n + " ops finished");
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
            return new ArrayList<>(finished);
        }

        synchronized int count() {
            return finished.size();
        }
    }

    private final Owner owner = new Owner();
    private final List<WorkerPool> pools = new ArrayList<>();
    /** Released at the end of every test, so no worker stays blocked in an iteration. */
    private final CountDownLatch release = new CountDownLatch(1);
    private String name;

    @AfterEach
    void closePools() {
        release.countDown();
        for (WorkerPool p : pools) {
            p.close();
        }
    }

    private WorkerPool pool(int max, Worker w) {
        return pool(max, () -> w);
    }

    private WorkerPool pool(int max, Supplier<Worker> workers) {
        return pool(max, IterationLength.SHORT, workers);
    }

    private WorkerPool pool(int max, IterationLength kind, Supplier<Worker> workers) {
        name = "wp" + POOLS.incrementAndGet() + "-worker-";
        WorkerPool p = new WorkerPool(name, max, kind, workers, owner);
        pools.add(p);
        return p;
    }

    private int liveWorkerThreads() {
        int n = 0;
        for (String t : threadNames()) {
            if (t.startsWith(name)) {
                n++;
            }
        }
        return n;
    }

    /** An op whose iteration waits for the test's release before it returns 0. */
    private static final long BLOCK = -1;

    /** Iterations: a NOOP with user data BLOCK waits for {@link #release}; others return 0. */
    private Worker blocking(List<Long> order, CountDownLatch started) {
        return op -> {
            synchronized (order) {
                order.add(op.userData);
            }
            if (op.userData == BLOCK) {
                started.countDown();
                release.await();
            }
            return 0;
        };
    }

    /** A transfer of {@code length} bytes on a handle without a descriptor (iterations are faked). */
    private static Op transfer(long userData, int length) {
        FileHandle f = new FileHandle("fake", FileHandle.Kind.FILE, true, false, false, false, false, -1, 1, 1, 1, null,
                null, (fd, c) -> { });
        return TestOps.read(f, Arena.ofAuto().allocate(length), 0, userData);
    }

    @Test
    void oneWorkerRunsOpsInTheOrderTheyWereQueued() throws Exception {
        List<Long> order = new ArrayList<>();
        CountDownLatch started = new CountDownLatch(1);
        WorkerPool p = pool(1, blocking(order, started));
        p.enqueue(TestOps.noop(BLOCK));
        assertTrue(started.await(10, TimeUnit.SECONDS));
        Op[] batch = new Op[20];
        for (int i = 0; i < batch.length; i++) {
            batch[i] = TestOps.noop(i);
        }
        p.enqueue(batch, 0, 10);
        for (int i = 10; i < batch.length; i++) {
            p.enqueue(batch[i]);
        }
        release.countDown();
        owner.await(21);
        List<Long> expected = new ArrayList<>(List.of(BLOCK));
        for (int i = 0; i < batch.length; i++) {
            expected.add((long) i);
        }
        assertEquals(expected, order);
    }

    @Test
    void aQueuedOpIsCancelledARunningOneIsNot() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        WorkerPool p = pool(1, blocking(new ArrayList<>(), started));
        Op running = TestOps.noop(BLOCK);
        p.enqueue(running);
        assertTrue(started.await(10, TimeUnit.SECONDS));
        Op queued = TestOps.noop(2);
        p.enqueue(queued);
        assertEquals(WorkerPool.QUEUED, queued.engineState);
        assertEquals(CancelResult.CANCELED, p.cancel(queued));
        assertEquals(-Errno.ECANCELED, queued.result);
        assertEquals(0, queued.engineState);
        assertEquals(CancelResult.NOT_CANCELED, p.cancel(running));
        release.countDown();
        owner.await(1);
        assertEquals(CancelResult.ALREADY_DONE, p.cancel(running));
        assertEquals(CancelResult.ALREADY_DONE, p.cancel(queued));
        p.close();
        assertEquals(List.of(running), owner.finished, "the pool posts nothing it cancelled: the caller does");
    }

    @Test
    void aCancelBetweenIterationsEndsTheTransferWithWhatItMoved() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        Worker blocking = blocking(new ArrayList<>(), started);
        // The transfer moves 100 bytes per iteration; its first one puts it back behind the blocker.
        WorkerPool p = pool(1, op -> op.isTransfer() ? 100 : blocking.iterate(op));
        Op t = transfer(1, 4096);
        p.enqueue(new Op[] {t, TestOps.noop(BLOCK)}, 0, 2);
        assertTrue(started.await(10, TimeUnit.SECONDS));
        assertEquals(WorkerPool.QUEUED, t.engineState, "between two iterations");
        assertEquals(100, t.done);
        assertEquals(1, owner.retried.get());
        assertEquals(CancelResult.CANCELED, p.cancel(t));
        assertEquals(-Errno.ECANCELED, t.result);
        assertEquals(100, t.result2, "the bytes moved before the cancel");
    }

    @Test
    void aShortTransferIsContinuedToTheEnd() throws Exception {
        WorkerPool p = pool(2, op -> Math.min(1000, op.remaining()));
        Op t = transfer(1, 4096);
        p.enqueue(t);
        owner.await(1);
        assertEquals(4096, t.result);
        assertEquals(5, t.iterations);
        assertEquals(4, owner.retried.get());
    }

    @Test
    void workersStartOnDemandUpToTheBoundAndStopAtClose() throws Exception {
        CountDownLatch started = new CountDownLatch(3);
        WorkerPool p = pool(3, blocking(new ArrayList<>(), started));
        assertEquals(0, p.workers(), "no worker before the first op");
        p.enqueue(TestOps.noop(BLOCK));
        assertEquals(1, p.workers());
        for (int i = 0; i < 5; i++) {
            p.enqueue(TestOps.noop(BLOCK));
        }
        assertTrue(started.await(10, TimeUnit.SECONDS));
        assertEquals(3, p.workers(), "the bound");
        assertEquals(3, liveWorkerThreads());
        release.countDown();
        owner.await(6);
        p.close();
        assertEquals(0, p.workers());
        assertEquals(0, liveWorkerThreads(), "close stops the workers");
    }

    /**
     * With blocking iterations, an op queued while the only idle worker is already signalled
     * for another gets a worker of its own: it must not wait behind one that may never return.
     * Each round has a fresh pool with one idle worker and queues two blocking ops back to back.
     */
    @Test
    void blockingIterationsNeverWaitBehindAClaimedWorker() throws Exception {
        for (int round = 0; round < 30; round++) {
            CountDownLatch started = new CountDownLatch(2);
            CountDownLatch done = new CountDownLatch(1);
            WorkerPool p = pool(2, IterationLength.BLOCKING, () -> op -> {
                if (op.userData == BLOCK) {
                    started.countDown();
                    done.await();
                }
                return 0;
            });
            int before = owner.count();
            p.enqueue(TestOps.noop(round));
            owner.await(before + 1);
            Thread w = workerThread();
            waitUntil(() -> w.getState() == Thread.State.WAITING, LIMIT);
            p.enqueue(TestOps.noop(BLOCK));
            p.enqueue(TestOps.noop(BLOCK));
            try {
                assertTrue(started.await(10, TimeUnit.SECONDS), "round " + round + ": both blocking ops run at once");
            } finally {
                done.countDown();
                p.close();
            }
        }
    }

    @Test
    void anIdleWorkerIsReusedRatherThanANewOneStarted() throws Exception {
        WorkerPool p = pool(4, op -> 0);
        for (int i = 0; i < 50; i++) {
            p.enqueue(TestOps.noop(i));
            owner.await(i + 1);
            // Once the worker waits for work again (nothing else takes the pool's lock now),
            // the next op must find it rather than start another.
            Thread w = workerThread();
            waitUntil(() -> w.getState() == Thread.State.WAITING, LIMIT);
        }
        assertEquals(1, p.workers(), "one op at a time needs one worker");
    }

    @Test
    void closeRunsWhatIsQueuedFirst() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        WorkerPool p = pool(1, blocking(new ArrayList<>(), started));
        p.enqueue(TestOps.noop(BLOCK));
        assertTrue(started.await(10, TimeUnit.SECONDS));
        for (int i = 0; i < 10; i++) {
            p.enqueue(TestOps.noop(i));
        }
        Thread closer = Thread.ofPlatform().start(p::close);
        closer.join(100);
        assertTrue(closer.isAlive(), "close waits for the worker");
        release.countDown();
        closer.join(10_000);
        assertFalse(closer.isAlive());
        assertEquals(11, owner.count(), "every queued op ran before the workers stopped");
        assertEquals(0, liveWorkerThreads());
    }

    @Test
    void cancelQueuedEndsEveryQueuedOpAndLeavesTheRunningOne() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        WorkerPool p = pool(1, blocking(new ArrayList<>(), started));
        Op running = TestOps.noop(BLOCK);
        p.enqueue(running);
        assertTrue(started.await(10, TimeUnit.SECONDS));
        List<Op> queued = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Op op = TestOps.noop(i);
            queued.add(op);
            p.enqueue(op);
        }
        List<Op> cancelled = new ArrayList<>();
        assertEquals(2, p.cancelQueued(cancelled::add, 2), "the limit holds");
        assertEquals(3, p.cancelQueued(cancelled::add, Integer.MAX_VALUE));
        assertEquals(queued, cancelled, "oldest first");
        for (Op op : cancelled) {
            assertEquals(-Errno.ECANCELED, op.result);
            assertTrue(op.cancelRequested());
            assertEquals(0, op.engineState);
        }
        release.countDown();
        assertEquals(List.of(running), owner.await(1));
    }

    @Test
    void aThrowingIterationBecomesTheOpsErrnoAndTheWorkerGoesOn() throws Exception {
        WorkerPool p = pool(1, op -> {
            if (op.userData == 1) {
                throw new OutOfMemoryError("Cannot reserve direct buffer memory");
            }
            if (op.userData == 2) {
                throw new IllegalStateException("Already closed");
            }
            return 0;
        });
        Thread.UncaughtExceptionHandler old = Thread.getDefaultUncaughtExceptionHandler();
        List<Throwable> seen = new ArrayList<>();
        Thread.setDefaultUncaughtExceptionHandler((t, x) -> {
            synchronized (seen) {
                seen.add(x);
            }
        });
        try {
            Op oom = TestOps.noop(1);
            Op closed = TestOps.noop(2);
            Op fine = TestOps.noop(3);
            p.enqueue(new Op[] {oom, closed, fine}, 0, 3);
            owner.await(3);
            assertEquals(-Errno.ENOMEM, oom.result);
            assertEquals(-Errno.EFAULT, closed.result);
            assertEquals(0, fine.result);
            assertEquals(1, p.workers(), "the worker survived");
            synchronized (seen) {
                assertEquals(List.of(), seen, "no worker died");
            }
        } finally {
            Thread.setDefaultUncaughtExceptionHandler(old);
        }
    }

    @Test
    void aWorkerThatCannotBeMadeFailsItsOpAndAnotherTakesTheRest() throws Exception {
        AtomicInteger made = new AtomicInteger();
        WorkerPool p = pool(1, () -> {
            if (made.getAndIncrement() == 0) {
                throw new OutOfMemoryError("no memory for the worker");
            }
            return op -> 0;
        });
        Op first = TestOps.noop(1);
        Op second = TestOps.noop(2);
        p.enqueue(new Op[] {first, second}, 0, 2);
        owner.await(2);
        assertEquals(-Errno.ENOMEM, first.result);
        assertEquals(0, second.result);
    }

    @Test
    void anInterruptStatusNeverReachesAnIteration() throws Exception {
        List<Boolean> interrupted = new ArrayList<>();
        WorkerPool p = pool(1, op -> {
            synchronized (interrupted) {
                interrupted.add(Thread.currentThread().isInterrupted());
            }
            return 0;
        });
        p.enqueue(TestOps.noop(1));
        owner.await(1);
        Thread worker = workerThread();
        for (int i = 2; i <= 20; i++) {
            worker.interrupt();
            p.enqueue(TestOps.noop(i));
            owner.await(i);
        }
        assertSame(worker, workerThread(), "the same worker, alive");
        synchronized (interrupted) {
            assertFalse(interrupted.contains(true), "an interrupt status was left for an iteration: " + interrupted);
        }
    }

    @Test
    void interruptingWorkersLosesNothing() throws Exception {
        int n = 20_000;
        WorkerPool p = pool(3, op -> {
            if (op.isTransfer()) {
                // Short iterations, so ops go back to the queue while interrupts fly.
                return Math.min(512, op.remaining());
            }
            Thread.onSpinWait();
            return 0;
        });
        AtomicInteger stop = new AtomicInteger();
        Thread interrupter = Thread.ofPlatform().start(() -> {
            // As code that enumerates the JVM's threads and interrupts them would.
            List<Thread> workers = List.of();
            for (int round = 0; stop.get() == 0; round++) {
                if (round % 64 == 0) {
                    workers = Thread.getAllStackTraces().keySet().stream()
                            .filter(t -> t.getName().startsWith(name)).toList();
                }
                for (Thread t : workers) {
                    t.interrupt();
                }
                LockSupport.parkNanos(20_000);
            }
        });
        Set<Op> submitted = new HashSet<>();
        try {
            for (int i = 0; i < n; i++) {
                Op op = i % 4 == 0 ? transfer(i, 2048) : TestOps.noop(i);
                submitted.add(op);
                p.enqueue(op);
            }
            List<Op> done = owner.await(n);
            assertEquals(n, done.size());
            assertEquals(submitted, new HashSet<>(done), "each op finished exactly once");
            for (Op op : done) {
                assertEquals(op.isTransfer() ? 2048 : 0, op.result, op.toString());
            }
        } finally {
            stop.set(1);
            interrupter.join();
        }
        waitUntil(() -> owner.count() > n, Duration.ofMillis(100));
        assertEquals(n, owner.count(), "nothing finished twice");
        assertTrue(p.workers() >= 1 && p.workers() <= 3, "workers: " + p.workers());
    }

    @Test
    void anOpHandedOffIsForgottenUntilQueuedAgain() throws Exception {
        List<Op> parked = new ArrayList<>();
        WorkerPool p = pool(1, op -> {
            if (op.iterations == 0 && op.engineWord == 0) {
                op.engineWord = 1;
                op.engineState = 3; // another owner's state
                synchronized (parked) {
                    parked.add(op);
                }
                return Worker.HANDED_OFF;
            }
            return 0;
        });
        Op op = TestOps.noop(1);
        p.enqueue(op);
        waitUntil(() -> {
            synchronized (parked) {
                return !parked.isEmpty();
            }
        }, LIMIT);
        Thread.sleep(20);
        assertEquals(0, owner.count(), "not finished");
        assertEquals(3, op.engineState, "not touched after the hand-off");
        assertEquals(CancelResult.ALREADY_DONE, p.cancel(op), "the pool does not have it");
        op.engineState = 0;
        p.enqueue(op);
        assertEquals(List.of(op), owner.await(1));
        assertEquals(0, op.result);
    }

    @Test
    void anInlineIterationFinishesHereOrGoesOnOnAWorker() throws Exception {
        Worker w = op -> op.isTransfer() ? Math.min(1000, op.remaining()) : 0;
        WorkerPool p = pool(1, w);
        Op noop = TestOps.noop(1);
        assertTrue(p.runInline(w, noop), "finished: the caller posts it");
        assertEquals(0, p.workers(), "no worker was needed");
        Op t = transfer(2, 3000);
        assertFalse(p.runInline(w, t), "continued on a worker");
        assertEquals(List.of(t), owner.await(1));
        assertEquals(3000, t.result);
        assertEquals(1, p.workers());
    }

    private Thread workerThread() {
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith(name)) {
                return t;
            }
        }
        throw new AssertionError("no worker thread " + name);
    }
}
