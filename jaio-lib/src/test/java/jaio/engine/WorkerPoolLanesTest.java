package jaio.engine;

import static jaio.testkit.TestProcess.waitUntil;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
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
import jaio.Errno;
import jaio.Opcode;
import jaio.RequestFlag;
import jaio.spi.FileHandle;
import jaio.spi.Op;
import jaio.testkit.TestOps;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Turns per file in the shared worker pool ({@link FileLanes}): of the ops the owner names
 * (writes here), one per file is queued or running at a time, the others start in the order
 * they came, each as the one before it ends (finished, or cancelled in the queue); ops of other
 * files, and other ops of the same file, do not wait for them; a cancel and close's drain reach
 * the ops that wait for a turn; for a while after a sync, two writes of a file run at once (a
 * sync run by a worker counts as one); writes that sync themselves never take turns.
 * Iterations are faked (the handles have no descriptor): each records when it ran.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WorkerPoolLanesTest {
    private static final Duration LIMIT = Duration.ofSeconds(10);
    private static final AtomicInteger POOLS = new AtomicInteger();
    /** userData of an op whose iteration waits for {@link #release}. */
    private static final long BLOCK = 1_000_000;

    private final Arena arena = Arena.ofShared();
    private final MemorySegment buf = arena.allocate(16);
    private final List<WorkerPool> pools = new ArrayList<>();
    /** What BLOCK iterations wait for; a test may set a new one. */
    private volatile CountDownLatch release = new CountDownLatch(1);
    private final Map<Long, Op> finished = new ConcurrentHashMap<>();
    /** The ops' userData in the order their iterations started. */
    private final List<Long> started = new CopyOnWriteArrayList<>();
    /** Iterations running now, per kind and file ("write a"), and the most seen at once. */
    private final Map<String, AtomicInteger> running = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> mostAtOnce = new ConcurrentHashMap<>();
    private final AtomicInteger runningAll = new AtomicInteger();
    private final AtomicInteger mostAll = new AtomicInteger();
    /** The owner's {@link PoolOwner#turnsWhileSyncing}, read when a pool is made. */
    private int syncTurns = 2;
    /** Counted down by each BLOCK iteration as it starts. */
    private volatile CountDownLatch blocked = new CountDownLatch(1);

    private final PoolOwner owner = new CheckingOwner() {
        @Override
        void record(Op op) {
            assertEquals(null, finished.put(op.userData, op), "finished twice: " + op.userData);
        }

        @Override
        public boolean mayRunOnWaiter(Op op) {
            return true;
        }

        @Override
        public boolean onePerFile(Op op) {
            return PoolOwner.takesTurns(op);
        }

        @Override
        public int turnsWhileSyncing() {
            return syncTurns;
        }
    };

    private final Worker worker = op -> {
        started.add(op.userData);
        String f = (op.isWrite() ? "write " : "read ") + op.file.name();
        int now = running.computeIfAbsent(f, k -> new AtomicInteger()).incrementAndGet();
        mostAtOnce.computeIfAbsent(f, k -> new AtomicInteger()).accumulateAndGet(now, Math::max);
        mostAll.accumulateAndGet(runningAll.incrementAndGet(), Math::max);
        try {
            if (op.userData >= BLOCK) {
                blocked.countDown();
                release.await();
            } else {
                Thread.sleep(1);
            }
        } finally {
            runningAll.decrementAndGet();
            running.get(f).decrementAndGet();
        }
        // All of it, in one iteration.
        return op.length;
    };

    @AfterEach
    void closeAll() {
        release.countDown();
        for (WorkerPool p : pools) {
            p.close();
        }
        arena.close();
    }

    private WorkerPool pool(int max) {
        WorkerPool p = new WorkerPool("wpl" + POOLS.incrementAndGet() + "-worker-", max,
                IterationLength.BLOCKING, () -> worker, owner);
        pools.add(p);
        return p;
    }

    /** Ops waiting for their file's turn, and files with a lane. */
    private static int[] lanes(WorkerPool p) {
        return p.underLock(() -> new int[] {p.lanes.waiting(), p.lanes.files()});
    }

    private static FileHandle file(String name) {
        return new FileHandle(name, FileHandle.Kind.FILE, true, true, false, false, false, -1, 1, 1, 1, null, null,
                (fd, ch) -> { });
    }

    private Op write(FileHandle f, long id) {
        return TestOps.write(f, buf, 0, id);
    }

    private Op read(FileHandle f, long id) {
        return TestOps.read(f, buf, 0, id);
    }

    private void awaitFinished(int n) throws InterruptedException {
        waitUntil(() -> finished.size() >= n, LIMIT);
        assertEquals(n, finished.size(), "ops finished");
    }

    private int most(FileHandle f) {
        AtomicInteger m = mostAtOnce.get("write " + f.name());
        return m == null ? 0 : m.get();
    }

    /** The ids of {@code f}'s ops in {@link #started}, in order. */
    private long[] startedOf(long from, long to) {
        return started.stream().mapToLong(Long::longValue).filter(id -> id >= from && id < to).toArray();
    }

    private static long[] range(long from, long to) {
        long[] r = new long[(int) (to - from)];
        for (int i = 0; i < r.length; i++) {
            r[i] = from + i;
        }
        return r;
    }

    @Test
    void writesOfOneFileRunOneAtATimeInOrderAndOtherFilesDoNotWait() throws Exception {
        WorkerPool p = pool(8);
        FileHandle a = file("a");
        FileHandle b = file("b");
        FileHandle c = file("c");
        Op[] batch = new Op[60];
        for (int i = 0; i < 20; i++) {
            batch[3 * i] = write(a, 100 + i);
            batch[3 * i + 1] = write(b, 200 + i);
            batch[3 * i + 2] = write(c, 300 + i);
        }
        p.enqueue(batch, 0, batch.length);
        for (int i = 0; i < 20; i++) {
            p.enqueue(read(a, 400 + i));
        }
        awaitFinished(80);
        assertEquals(1, most(a), "writes of a at once");
        assertEquals(1, most(b), "writes of b at once");
        assertEquals(1, most(c), "writes of c at once");
        assertArrayEquals(range(100, 120), startedOf(100, 120), "a's writes in the order they came");
        assertArrayEquals(range(200, 220), startedOf(200, 220));
        assertArrayEquals(range(300, 320), startedOf(300, 320));
        // Three lanes and the reads side by side: several iterations ran at once.
        assertTrue(mostAll.get() >= 3, "iterations at once: " + mostAll.get());
        assertArrayEquals(new int[] {0, 0}, lanes(p), "no op waits and no file is remembered");
        for (Op op : finished.values()) {
            assertEquals(16, op.result, "op " + op.userData);
        }
    }

    @Test
    void aCancelReachesTheAdmittedWriteInTheQueueAndOneWaitingForItsTurn() throws Exception {
        WorkerPool p = pool(1);
        FileHandle other = file("other");
        FileHandle f = file("f");
        // The only worker is busy: f's writes stay in the queue and their lane.
        p.enqueue(write(other, BLOCK));
        assertTrue(blocked.await(10, TimeUnit.SECONDS));
        Op w1 = write(f, 1);
        Op w2 = write(f, 2);
        Op w3 = write(f, 3);
        Op w4 = write(f, 4);
        p.enqueue(w1);
        p.enqueue(w2);
        p.enqueue(w3);
        p.enqueue(w4);
        assertArrayEquals(new int[] {3, 2}, lanes(p), "w2-w4 wait for f's turn (and other's lane is held)");
        assertEquals(CancelResult.CANCELED, p.cancel(w3), "waiting for its turn");
        assertEquals(-Errno.ECANCELED, w3.result);
        assertEquals(0, w3.engineState, "out of the pool");
        assertEquals(CancelResult.CANCELED, p.cancel(w1), "admitted, in the queue");
        assertEquals(-Errno.ECANCELED, w1.result);
        assertArrayEquals(new int[] {1, 2}, lanes(p), "w2 took f's turn, w4 waits");
        release.countDown();
        awaitFinished(3);
        assertEquals(List.of(BLOCK, 2L, 4L), started, "the rest ran, in order");
        assertArrayEquals(new int[] {0, 0}, lanes(p));
        assertEquals(CancelResult.ALREADY_DONE, p.cancel(w3), "a second cancel finds nothing");
    }

    @Test
    void closesDrainEndsTheWritesWaitingForATurnWhileOneRuns() throws Exception {
        WorkerPool p = pool(2);
        FileHandle f = file("f");
        p.enqueue(write(f, BLOCK));
        assertTrue(blocked.await(10, TimeUnit.SECONDS));
        for (int i = 1; i <= 5; i++) {
            p.enqueue(write(f, i));
        }
        List<Op> drained = new ArrayList<>();
        assertEquals(5, p.cancelQueued(drained::add, Integer.MAX_VALUE));
        for (Op op : drained) {
            assertEquals(-Errno.ECANCELED, op.result, "op " + op.userData);
            assertEquals(0, op.engineState);
        }
        release.countDown();
        awaitFinished(1);
        assertEquals(16, finished.get(BLOCK).result, "the running write ended as it would have");
        assertArrayEquals(new int[] {0, 0}, lanes(p));
        assertEquals(List.of(BLOCK), started, "no drained write ran");
    }

    /**
     * Write BLOCK holds f's turn before any sync and write 1 waits; then a sync starts and
     * writes BLOCK + 1 and BLOCK + 2 come. Returns once {@code running} BLOCK iterations run.
     */
    private WorkerPool turnHeldThenSync(FileHandle f, int running) throws InterruptedException {
        WorkerPool p = pool(4);
        // Long enough for the test on a loaded machine.
        p.lanes.syncQuietNanos = TimeUnit.MINUTES.toNanos(1);
        p.enqueue(write(f, BLOCK));
        assertTrue(blocked.await(10, TimeUnit.SECONDS));
        p.enqueue(write(f, 1));
        assertArrayEquals(new int[] {1, 1}, lanes(p), "write 1 waits for f's turn");
        p.syncStarted();
        blocked = new CountDownLatch(running);
        p.enqueue(write(f, BLOCK + 1));
        p.enqueue(write(f, BLOCK + 2));
        assertTrue(blocked.await(10, TimeUnit.SECONDS), running + " BLOCK writes run");
        return p;
    }

    @Test
    void afterASyncTwoWritesOfOneFileRunAtOnceInTheOrderTheyCame() throws Exception {
        FileHandle f = file("f");
        // A second turn is free after the sync: write 1, the oldest waiting, takes it, then BLOCK + 1.
        WorkerPool p = turnHeldThenSync(f, 1);
        assertEquals(2, most(f), "two writes of f at once, never three");
        assertArrayEquals(new int[] {1, 1}, lanes(p), "BLOCK + 2 waits: both turns are held");
        release.countDown();
        awaitFinished(4);
        assertEquals(List.of(BLOCK, 1L, BLOCK + 1, BLOCK + 2), started, "in the order they came");
        assertEquals(2, most(f));
        assertArrayEquals(new int[] {0, 0}, lanes(p));
    }

    @Test
    void aCancelWhileTwoTurnsAreHeldEndsTheWaitingWriteAndLeavesTheTurns() throws Exception {
        FileHandle f = file("f");
        WorkerPool p = turnHeldThenSync(f, 1);
        Op late = write(f, 5);
        p.enqueue(late);
        assertArrayEquals(new int[] {2, 1}, lanes(p), "BLOCK + 2 and write 5 wait: both turns are held");
        assertEquals(CancelResult.CANCELED, p.cancel(late), "waiting for a turn");
        assertEquals(-Errno.ECANCELED, late.result);
        assertEquals(0, late.engineState, "out of the pool");
        assertArrayEquals(new int[] {1, 1}, lanes(p), "BLOCK + 2 still waits");
        release.countDown();
        awaitFinished(4);
        assertEquals(List.of(BLOCK, 1L, BLOCK + 1, BLOCK + 2), started, "the cancelled write never ran");
        assertEquals(2, most(f));
        assertArrayEquals(new int[] {0, 0}, lanes(p));
    }

    @Test
    void aSyncOnAWorkerGivesWritesTwoTurnsAndDurableWritesNeverTakeTurns() throws Exception {
        WorkerPool p = pool(4);
        p.lanes.syncQuietNanos = TimeUnit.MINUTES.toNanos(1);
        FileHandle f = file("f");
        FileHandle durable = new FileHandle("durable", FileHandle.Kind.FILE, true, true, false, true, false, -1, 1, 1,
                1, null, null, (fd, ch) -> { });
        // Writes that sync themselves: by their flag, or their file's.
        Op flagged = write(f, BLOCK);
        flagged.flags = RequestFlag.DSYNC.bit();
        blocked = new CountDownLatch(3);
        p.enqueue(flagged);
        p.enqueue(write(durable, BLOCK + 1));
        p.enqueue(write(durable, BLOCK + 2));
        assertTrue(blocked.await(10, TimeUnit.SECONDS), "durable writes ran side by side");
        assertArrayEquals(new int[] {0, 0}, lanes(p), "no turn taken");
        release.countDown();
        awaitFinished(3);
        // A sync a worker runs.
        Op sync = TestOps.noop(5);
        sync.opcode = Opcode.FSYNC;
        sync.file = f;
        p.enqueue(sync);
        awaitFinished(4);
        // After it, two writes of its file at once, the third waiting.
        release = new CountDownLatch(1);
        blocked = new CountDownLatch(2);
        for (int i = 0; i < 3; i++) {
            p.enqueue(write(f, 2 * BLOCK + i));
        }
        assertTrue(blocked.await(10, TimeUnit.SECONDS), "two writes of f ran at once after the sync");
        assertArrayEquals(new int[] {1, 1}, lanes(p), "the third waits for a turn");
        release.countDown();
        awaitFinished(7);
        assertEquals(2, most(f));
        assertArrayEquals(new int[] {0, 0}, lanes(p));
    }

    @Test
    void withNoTurnsWhileSyncingWritesRunSideBySideAndTurnsTakenBeforeStillHold() throws Exception {
        syncTurns = Integer.MAX_VALUE;
        FileHandle f = file("f");
        // Both run beside the one holding the turn.
        WorkerPool p = turnHeldThenSync(f, 2);
        assertEquals(3, most(f));
        assertArrayEquals(new int[] {1, 1}, lanes(p), "write 1 still waits for the turn");
        release.countDown();
        awaitFinished(4);
        assertEquals(BLOCK + 1, Math.min(started.get(1), started.get(2)));
        assertEquals(1L, started.get(3), "write 1 ran once the turn's holder ended");
        assertArrayEquals(new int[] {0, 0}, lanes(p));
    }

    @Test
    void withNoTurnsWhileSyncingASyncOnAWorkerLetsWritesRunSideBySide() throws Exception {
        syncTurns = Integer.MAX_VALUE;
        WorkerPool p = pool(4);
        p.lanes.syncQuietNanos = TimeUnit.MINUTES.toNanos(1);
        FileHandle f = file("f");
        // A sync a worker runs: the writes queued after it do not wait for each other.
        Op sync = TestOps.noop(5);
        sync.opcode = Opcode.FSYNC;
        sync.file = f;
        p.enqueue(sync);
        awaitFinished(1);
        for (int i = 0; i < 8; i++) {
            p.enqueue(write(f, 10 + i));
        }
        assertArrayEquals(new int[] {0, 0}, lanes(p), "no write waits for a turn after the sync");
        awaitFinished(9);
    }

    @Test
    void aWaiterThatRunsTheAdmittedWriteHandsTheTurnOn() throws Exception {
        WorkerPool p = pool(2);
        FileHandle f = file("f");
        Thread me = Thread.currentThread();
        Map<Long, Thread> on = new ConcurrentHashMap<>();
        Worker recording = op -> {
            on.put(op.userData, Thread.currentThread());
            return worker.iterate(op);
        };
        // This thread becomes the pool's waiter, and a worker watches: a write it queues into
        // the empty queue is left for it (the watcher takes one only after a watch period with
        // the queue standing still, so a preempted thread may lose it now and then: tries).
        p.runQueued(recording);
        p.enqueue(write(file("first"), 1));
        awaitFinished(1);
        boolean ranHere = false;
        int done = 1;
        for (int attempt = 0; attempt < 20 && !ranHere; attempt++) {
            waitUntil(() -> p.underLock(p.idlers::watching), LIMIT);
            long base = 10 * (attempt + 1);
            p.enqueue(new Op[] {write(f, base + 1), write(f, base + 2), write(f, base + 3)}, 0, 3);
            // Each write this thread ends hands f's turn to the next, which somebody must run.
            while (p.runQueued(recording)) {
                Thread.onSpinWait();
            }
            done += 3;
            awaitFinished(done);
            assertArrayEquals(range(base + 1, base + 4), startedOf(base + 1, base + 4));
            ranHere = on.get(base + 1) == me;
        }
        assertTrue(ranHere, "this thread ran an admitted write");
        assertEquals(1, most(f));
        assertArrayEquals(new int[] {0, 0}, lanes(p));
    }
}
