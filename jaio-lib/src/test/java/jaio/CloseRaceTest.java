package jaio;

import static jaio.testkit.TestProcess.cpuNanos;
import static jaio.testkit.TestProcess.waitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import jaio.spi.Capabilities;
import jaio.spi.EngineContext;
import jaio.spi.IoEngine;
import jaio.spi.Op;
import jaio.testkit.HeldOps;
import jaio.testkit.TestEngines;
import jaio.testkit.TestProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Close (SPEC C1) against callers that were already inside the context when it began: their
 * requests may reach the engine after close asked it to cancel everything. Such a request
 * must be cancelled too, or close would wait for it for ever (a POLL nobody answers, a read of
 * a silent pipe). The engine here holds every op until it is cancelled, and can hold a
 * submitting thread inside {@code submit} to open that window on purpose.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CloseRaceTest {

    /** Holds ops until cancelled; {@link #gate} keeps submitters inside submit. */
    static final class HoldingEngine implements IoEngine {
        final HeldOps held;
        volatile CountDownLatch gate;
        final CountDownLatch entered = new CountDownLatch(1);
        final AtomicInteger cancelAlls = new AtomicInteger();
        volatile boolean closed;
        final AtomicInteger callsAfterClose = new AtomicInteger();

        HoldingEngine(EngineContext c) {
            this.held = new HeldOps(c.sink());
        }

        @Override
        public Capabilities capabilities() {
            return TestProvider.capabilities("holding");
        }

        @Override
        public void submit(Op[] ops, int from, int count) {
            if (closed) {
                callsAfterClose.incrementAndGet();
            }
            entered.countDown();
            CountDownLatch g = gate;
            if (g != null) {
                try {
                    g.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            held.add(ops, from, count);
        }

        @Override
        public CancelResult cancel(Op op) {
            return held.cancel(op);
        }

        /** Like a kernel running a request: cancelAll leaves held ops alone. */
        volatile boolean uncancellable;

        /** Completes every held op normally. */
        void completeAll() {
            held.completeAll(0);
        }

        @Override
        public void cancelAll() {
            cancelAlls.incrementAndGet();
            if (uncancellable) {
                return;
            }
            held.completeAll(-Errno.ECANCELED);
        }

        @Override
        public boolean needsPumping() {
            return false;
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    static final class Provider extends TestProvider<HoldingEngine> {
        Provider() {
            super("holding", null, HoldingEngine::new);
        }
    }

    @Test
    void aRequestThatReachesTheEngineAfterCloseBeganIsCancelledAndCloseReturns() throws Exception {
        Provider p = new Provider();
        IoContext ctx = IoContext.open(8, p, 1);
        HoldingEngine e = p.last;
        e.gate = new CountDownLatch(1);
        AtomicReference<Throwable> submitOutcome = new AtomicReference<>();
        Request r = Request.noop().userData(1);
        Thread submitter = Thread.ofPlatform().daemon().start(() -> {
            try {
                assertEquals(1, ctx.submit(r));
            } catch (Throwable t) {
                submitOutcome.set(t);
            }
        });
        assertTrue(e.entered.await(10, TimeUnit.SECONDS), "the submitter is inside the engine");
        Thread closer = Thread.ofPlatform().daemon().start(ctx::close);
        waitUntil(() -> e.cancelAlls.get() != 0, Duration.ofSeconds(10));
        assertEquals(1, e.cancelAlls.get(), "close asked the engine to cancel what it had (nothing yet)");
        // Now the request reaches the engine, after that cancelAll.
        e.gate.countDown();
        submitter.join(10_000);
        assertFalse(submitter.isAlive());
        closer.join(10_000);
        try {
            assertFalse(closer.isAlive(), "close waits for ever for a request it never cancelled");
            assertEquals(null, submitOutcome.get());
            assertFalse(r.isInFlight(), "the late request was cancelled and its event dropped with the context");
            assertEquals(0, ctx.stats().inFlight());
            assertEquals(1, ctx.stats().canceled());
            assertEquals(0, e.callsAfterClose.get(), "no engine call after its close");
        } finally {
            // Unstick a close that hung, so the JVM can go on.
            e.cancelAll();
        }
    }

    /**
     * The same race on every real engine, with requests that never complete by themselves
     * where the engine has them (POLL on a pipe nobody writes): close always returns.
     */
    @ParameterizedTest
    @MethodSource("jaio.testkit.TestEngines#all")
    void closeRacingSubmittersOfRequestsThatNeverCompleteReturns(Engine engine) throws Exception {
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(3);
        for (EngineInfo info : List.of(EngineInfo.probe(engine))) {
            boolean poll = info.operations().containsKey(Opcode.POLL) && jaio.linux.Native.LINUX;
            for (int round = 0; round < 15; round++) {
                IoFile[] pipe = poll ? IoFile.pipe() : null;
                IoContext ctx = IoContext.builder().engine(info.engine()).capacity(256).open();
                CountDownLatch going = new CountDownLatch(2);
                List<Thread> submitters = new ArrayList<>();
                for (int s = 0; s < 2; s++) {
                    submitters.add(Thread.ofPlatform().daemon().start(() -> {
                        going.countDown();
                        try {
                            while (true) {
                                Request r = poll ? Request.poll(pipe[0], Poll.IN) : Request.noop();
                                if (ctx.submit(r) == 0) {
                                    Thread.onSpinWait();
                                }
                            }
                        } catch (IllegalStateException closed) {
                            // the context closed under the loop: expected
                        }
                    }));
                }
                going.await();
                java.util.concurrent.locks.LockSupport.parkNanos(rnd.nextLong(2_000_000));
                Thread closer = Thread.ofPlatform().daemon().start(ctx::close);
                closer.join(20_000);
                assertFalse(closer.isAlive(), info.engine() + " round " + round + ": close did not return");
                for (Thread t : submitters) {
                    t.join(10_000);
                    assertFalse(t.isAlive());
                }
                assertEquals(0, ctx.stats().inFlight());
                if (pipe != null) {
                    pipe[0].close();
                    pipe[1].close();
                }
            }
        }
    }

    @Test
    void submitAndWaitRacingCloseNeverLeavesARequestInTheEngine() throws Exception {
        Provider p = new Provider();
        IoContext ctx = IoContext.open(8, p, 1);
        HoldingEngine e = p.last;
        e.gate = new CountDownLatch(1);
        Request[] rs = {Request.noop().userData(1), Request.noop().userData(2)};
        Event[] evs = {new Event(), new Event()};
        AtomicReference<Throwable> outcome = new AtomicReference<>();
        Thread waiter = Thread.ofPlatform().daemon().start(() -> {
            try {
                ctx.submitAndWait(rs, 0, 2, 2, evs, Duration.ofSeconds(30));
            } catch (Throwable t) {
                outcome.set(t);
            }
        });
        assertTrue(e.entered.await(10, TimeUnit.SECONDS));
        Thread closer = Thread.ofPlatform().daemon().start(ctx::close);
        waitUntil(() -> e.cancelAlls.get() != 0, Duration.ofSeconds(10));
        e.gate.countDown();
        waiter.join(10_000);
        closer.join(10_000);
        try {
            assertFalse(closer.isAlive(), "close returned");
            assertFalse(waiter.isAlive(), "the waiter left");
            assertTrue(outcome.get() instanceof IllegalStateException, "it was told the context closed: " + outcome.get());
            for (Request r : rs) {
                assertFalse(r.isInFlight());
            }
        } finally {
            e.cancelAll();
        }
    }

    /**
     * "A concurrent second call returns when the first has finished", even when the second
     * caller is interrupted: returning early would let IoContext.close let go of the
     * notification eventfd while the first close still has requests in flight that signal it.
     */
    @Test
    void anInterruptedSecondCloseStillWaitsForTheFirst() throws Exception {
        Provider p = new Provider();
        IoContext ctx = IoContext.open(8, p, 1);
        HoldingEngine e = p.last;
        e.uncancellable = true;
        assertEquals(1, ctx.submit(Request.noop()));
        Thread first = Thread.ofPlatform().daemon().start(ctx::close);
        waitUntil(() -> e.cancelAlls.get() != 0, Duration.ofSeconds(10));
        AtomicReference<Boolean> stillInterrupted = new AtomicReference<>();
        Thread second = closeInterrupted(ctx, stillInterrupted);
        second.join(300);
        try {
            assertTrue(second.isAlive(), "the second close returned while the first still waits for a request");
        } finally {
            e.completeAll();
        }
        first.join(10_000);
        second.join(10_000);
        assertFalse(first.isAlive());
        assertFalse(second.isAlive());
        assertEquals(Boolean.TRUE, stillInterrupted.get(), "the interrupt is kept for the caller");
    }

    /** An interrupted closing thread still waits for requests in flight by parking, not spinning. */
    @Test
    void anInterruptedCloseWaitsWithoutSpinningAndKeepsTheInterrupt() throws Exception {
        Provider p = new Provider();
        IoContext ctx = IoContext.open(8, p, 1);
        HoldingEngine e = p.last;
        e.uncancellable = true;
        assertEquals(1, ctx.submit(Request.noop()));
        AtomicReference<Boolean> stillInterrupted = new AtomicReference<>();
        Thread closer = closeInterrupted(ctx, stillInterrupted);
        waitUntil(() -> e.cancelAlls.get() >= 2, Duration.ofSeconds(10));
        long cpu0 = cpuNanos(closer);
        Thread.sleep(500);
        long cpu = cpuNanos(closer) - cpu0;
        e.completeAll();
        closer.join(10_000);
        assertFalse(closer.isAlive());
        assertTrue(cpu0 < 0 || cpu < 150_000_000L, "the closing thread burnt " + cpu / 1_000_000 + " ms of CPU in 500 ms");
        assertEquals(Boolean.TRUE, stillInterrupted.get(), "the interrupt is kept for the caller");
    }

    /**
     * Starts a thread that closes {@code ctx} with its own interrupt status set, and records
     * whether the status is still set when close returns.
     */
    private static Thread closeInterrupted(IoContext ctx, AtomicReference<Boolean> stillInterrupted) {
        return Thread.ofPlatform().daemon().start(() -> {
            Thread.currentThread().interrupt();
            ctx.close();
            stillInterrupted.set(Thread.currentThread().isInterrupted());
        });
    }
}
