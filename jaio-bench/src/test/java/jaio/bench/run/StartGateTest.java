package jaio.bench.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLongArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class StartGateTest {
    private static final int THREADS = 64;

    private record Run(List<Thread> threads, AtomicLongArray arrivedAt, AtomicLongArray passedWith,
                       ConcurrentLinkedQueue<String> wrong) {
        void join() throws InterruptedException {
            for (Thread t : threads) {
                t.join();
            }
        }
    }

    /** THREADS threads that arrive at the gate, recording when they came and what it gave them. */
    private static Run arriving(StartGate gate, AtomicBoolean opened) {
        AtomicLongArray arrivedAt = new AtomicLongArray(THREADS);
        AtomicLongArray passedWith = new AtomicLongArray(THREADS);
        ConcurrentLinkedQueue<String> wrong = new ConcurrentLinkedQueue<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < THREADS; i++) {
            int n = i;
            Thread t = new Thread(() -> {
                arrivedAt.set(n, System.nanoTime());
                try {
                    passedWith.set(n, gate.arrive());
                } catch (InterruptedException e) {
                    wrong.add("thread " + n + " interrupted");
                }
                if (!opened.get()) {
                    wrong.add("thread " + n + " passed before the gate was opened");
                }
            });
            threads.add(t);
            t.start();
        }
        return new Run(threads, arrivedAt, passedWith, wrong);
    }

    @Test
    void everyThreadPassesOnlyOnceOpenedWithOneStartAfterTheLastArrival() throws Exception {
        StartGate gate = new StartGate(THREADS);
        AtomicBoolean opened = new AtomicBoolean();
        Run r = arriving(gate, opened);
        gate.awaitReady();
        opened.set(true);
        long lead = TimeUnit.MILLISECONDS.toNanos(5);
        long before = System.nanoTime();
        long start = gate.open(lead);
        r.join();
        assertTrue(r.wrong().isEmpty(), r.wrong().toString());
        assertTrue(start - before >= lead, "the start is the lead ahead of the opening");
        for (int i = 0; i < THREADS; i++) {
            assertEquals(start, r.passedWith().get(i), "thread " + i + " got the phase's start");
            assertTrue(start - r.arrivedAt().get(i) > 0, "thread " + i + " arrived before the start");
        }
    }

    @Test
    void anAbortedGateSendsEveryThreadHomeWithoutAStart() throws Exception {
        StartGate gate = new StartGate(THREADS + 1);
        AtomicBoolean opened = new AtomicBoolean(true);
        Run r = arriving(gate, opened);
        gate.abort();  // one party never came (its thread could not be started)
        r.join();
        assertTrue(r.wrong().isEmpty(), r.wrong().toString());
        for (int i = 0; i < THREADS; i++) {
            assertEquals(-1, r.passedWith().get(i), "thread " + i);
        }
    }
}
