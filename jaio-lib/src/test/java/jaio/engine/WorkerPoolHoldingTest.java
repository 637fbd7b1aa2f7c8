package jaio.engine;

import static jaio.testkit.TestProcess.waitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import jaio.CancelResult;
import jaio.spi.Op;
import jaio.testkit.TestOps;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A worker holds the ops it finishes while the queue gives it more and posts them together:
 * at most {@link WorkerPool#HOLD} at once, every op exactly once, and what it holds is posted
 * before an iteration that could wait, so no finished op waits behind a slow one.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WorkerPoolHoldingTest {
    private static final Duration LIMIT = Duration.ofSeconds(10);
    /** An op whose iteration waits for {@link #release} (and that is never quick). */
    private static final long BLOCK = -1;
    /** An op whose quick iteration waits for {@link #release}, while the worker holds what it finished. */
    private static final long QUICK_BLOCK = -2;

    private final Map<Long, AtomicInteger> posted = new ConcurrentHashMap<>();
    private final List<Integer> batches = new CopyOnWriteArrayList<>();
    private final CountDownLatch release = new CountDownLatch(1);
    private final CountDownLatch blocked = new CountDownLatch(1);
    private final List<WorkerPool> pools = new ArrayList<>();

    private final PoolOwner owner = new PoolOwner() {
        @Override
        public void retried() {
        }

        @Override
        public void finished(Op op) {
            record(op);
            batches.add(1);
        }

        @Override
        public void finishedBatch(Op[] ops, int count) {
            for (int i = 0; i < count; i++) {
                record(ops[i]);
            }
            batches.add(count);
        }

        private void record(Op op) {
            assertEquals(0, op.engineState, "a finished op is out of the pool");
            posted.computeIfAbsent(op.userData, k -> new AtomicInteger()).incrementAndGet();
        }
    };

    private final Worker worker = new Worker() {
        @Override
        public long iterate(Op op) throws Exception {
            if (op.userData == BLOCK) {
                blocked.countDown();
                release.await();
            }
            return 0;
        }

        @Override
        public long iterateQuick(Op op) throws Exception {
            if (op.userData == QUICK_BLOCK) {
                blocked.countDown();
                release.await();
            }
            return op.userData == BLOCK ? Worker.WOULD_WAIT : 0;
        }
    };

    @AfterEach
    void closePools() {
        release.countDown();
        for (WorkerPool p : pools) {
            p.close();
        }
    }

    private WorkerPool pool(int max) {
        WorkerPool p = new WorkerPool("wph-worker-", max, IterationLength.SHORT, () -> worker, owner);
        pools.add(p);
        return p;
    }

    @Test
    void whatAWorkerHoldsIsPostedBeforeAnIterationThatCouldWait() throws Exception {
        WorkerPool p = pool(1);
        Op[] ops = {TestOps.noop(1), TestOps.noop(2), TestOps.noop(3), TestOps.noop(BLOCK), TestOps.noop(4)};
        p.enqueue(ops, 0, ops.length);
        assertTrue(blocked.await(10, TimeUnit.SECONDS), "the one worker reached the op that waits");
        // The worker sits in that op's iteration: the three before it must be out already.
        waitUntil(() -> posted.keySet().containsAll(List.of(1L, 2L, 3L)), LIMIT);
        assertTrue(posted.keySet().containsAll(List.of(1L, 2L, 3L)), () -> "posted while it waits: " + posted.keySet());
        assertFalse(posted.containsKey(4L), "the op after the one that waits has not run");
        release.countDown();
        waitUntil(() -> posted.size() == ops.length, LIMIT);
        assertEquals(ops.length, posted.size(), () -> "posted: " + posted.keySet());
        posted.forEach((id, n) -> assertEquals(1, n.get(), "op " + id + " posted once"));
    }

    @Test
    void aCancelOfAnOpAWorkerHoldsFindsItDoneAndItsEventStillComesOnce() throws Exception {
        WorkerPool p = pool(1);
        Op first = TestOps.noop(1);
        Op[] ops = {first, TestOps.noop(QUICK_BLOCK), TestOps.noop(2)};
        p.enqueue(ops, 0, ops.length);
        assertTrue(blocked.await(10, TimeUnit.SECONDS), "the worker holds op 1 and runs the next one quick");
        assertFalse(posted.containsKey(1L), "op 1 is held, not posted yet");
        assertEquals(CancelResult.ALREADY_DONE, p.cancel(first), "a held op is finished: nothing to cancel");
        release.countDown();
        waitUntil(() -> posted.size() == ops.length, LIMIT);
        assertEquals(ops.length, posted.size(), () -> "posted: " + posted.keySet());
        posted.forEach((id, n) -> assertEquals(1, n.get(), "op " + id + " posted once"));
        assertEquals(0, first.result, "the cancel did not change the held op's result");
    }

    @Test
    void aWorkerPostsAtMostHoldOpsAtOnceAndEveryOpExactlyOnce() throws Exception {
        WorkerPool p = pool(1);
        int n = 200;
        Op[] ops = new Op[n];
        for (int i = 0; i < n; i++) {
            ops[i] = TestOps.noop(i);
        }
        p.enqueue(ops, 0, n);
        waitUntil(() -> posted.size() == n, LIMIT);
        p.close();
        assertEquals(n, posted.size());
        posted.forEach((id, c) -> assertEquals(1, c.get(), "op " + id + " posted once"));
        assertEquals(n, batches.stream().mapToInt(Integer::intValue).sum());
        assertTrue(batches.stream().allMatch(b -> b <= WorkerPool.HOLD), () -> "batches " + batches);
        assertTrue(batches.stream().anyMatch(b -> b > 1), () -> "the worker held none: batches " + batches);
    }
}
