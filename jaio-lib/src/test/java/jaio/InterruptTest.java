package jaio;

import static jaio.testkit.TestProcess.cpuNanos;
import static jaio.testkit.TestProcess.waitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToIntFunction;
import jaio.testkit.ManualEngine;
import jaio.testkit.TestEngines;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A thread whose interrupt status is set waits in jaio as any other: until its events or its
 * timeout, parked, never spinning (a park returns at once while the status is set), and it
 * leaves with the status still set for its own code to see.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class InterruptTest {

    private static void waitsParkedWhileInterrupted(String what, ToIntFunction<Duration> call) throws Exception {
        AtomicLong cpu = new AtomicLong();
        int[] got = {-1};
        boolean[] stillInterrupted = {false};
        Thread t = Thread.ofPlatform().start(() -> {
            Thread.currentThread().interrupt();
            long c0 = cpuNanos(Thread.currentThread());
            got[0] = call.applyAsInt(Duration.ofMillis(400));
            cpu.set(c0 < 0 ? -1 : cpuNanos(Thread.currentThread()) - c0);
            stillInterrupted[0] = Thread.currentThread().isInterrupted();
        });
        t.join(10_000);
        assertEquals(0, got[0], what + ": nothing arrived, the timeout passed");
        assertTrue(cpu.get() < 150_000_000L, what + ": burnt " + cpu.get() / 1_000_000 + " ms of CPU in a 400 ms wait");
        assertTrue(stillInterrupted[0], what + ": the interrupt status is kept");
    }

    @ParameterizedTest
    @MethodSource("jaio.testkit.TestEngines#all")
    void getEventsAwaitAndGroupWaitsPark(Engine engine) throws Exception {
        {
            try (IoContext ctx = IoContext.open(8, engine); IoContext other = IoContext.open(8, engine)) {
                waitsParkedWhileInterrupted(engine + " getEvents", d -> ctx.getEvents(1, new Event[] {new Event()}, d));
                ManualEngine.Provider p = new ManualEngine.Provider();
                try (IoContext held = ManualEngine.open(p, 4)) {
                    Request r = Request.noop();
                    held.submit(r);
                    waitsParkedWhileInterrupted("await", d -> held.await(r, new Event(), d) ? 1 : 0);
                    p.last.completeOne();
                    held.getEvents(1, new Event[] {new Event()}, Duration.ofSeconds(5));
                }
                IoContextGroup g = IoContextGroup.of(ctx, other);
                waitsParkedWhileInterrupted(engine + " group", d -> g.getEvents(1, new Event[] {new Event()}, d));
            }
        }
    }

    @Test
    void anInterruptedWaiterStillGetsItsEvent() throws IOException, InterruptedException {
        ManualEngine.Provider p = new ManualEngine.Provider();
        try (IoContext ctx = ManualEngine.open(p, 4)) {
            ctx.submit(Request.noop().userData(7));
            int[] got = {0};
            long[] id = {0};
            Thread t = Thread.ofPlatform().start(() -> {
                Thread.currentThread().interrupt();
                Event[] ev = {new Event()};
                got[0] = ctx.getEvents(1, ev, Duration.ofSeconds(20));
                id[0] = ev[0].userData();
            });
            waitUntil(() -> ctx.waitingThreads() != 0, Duration.ofSeconds(10));
            p.last.completeOne();
            t.join(10_000);
            assertEquals(1, got[0]);
            assertEquals(7, id[0]);
        }
    }
}
