package jaio;

import static jaio.testkit.TestFiles.events;
import static jaio.testkit.TestProcess.waitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import jaio.testkit.ManualEngine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Group waits (SPEC C12) at their edges: a member that is closed while others still hold
 * events, and timeouts at the ends of the range. The exactly-once rule holds for groups too:
 * an event a group wait took from a member is returned to the caller, never dropped.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class IoContextGroupTest {

    @Test
    void eventsTakenBeforeAClosedMemberIsReachedAreReturnedNotLost() throws Exception {
        ManualEngine.Provider pa = new ManualEngine.Provider();
        ManualEngine.Provider pb = new ManualEngine.Provider();
        IoContext b = ManualEngine.open(pb, 8);
        try (IoContext a = ManualEngine.open(pa, 8)) {
            a.submit(Request.noop().userData(1));
            pa.last.completeOne();
            b.close();
            IoContextGroup g = IoContextGroup.of(a, b);
            Event[] evs = events(2);
            // The group takes a's event first (priority order), then meets the closed b.
            int n = g.getEvents(1, evs, Duration.ofSeconds(5));
            assertEquals(1, n, "the event taken from a is returned");
            assertEquals(1, evs[0].userData());
            assertSame(a, evs[0].context());
            assertEquals(1, a.stats().reaped());
            // With nothing taken, a closed member is reported.
            assertThrows(IllegalStateException.class, () -> g.getEvents(1, events(2), Duration.ofSeconds(5)));
        } finally {
            b.close();
        }
    }

    @Test
    void aMemberClosingWhileTheGroupWaitsAfterTakingSomeReturnsWhatWasTaken() throws Exception {
        ManualEngine.Provider pa = new ManualEngine.Provider();
        ManualEngine.Provider pb = new ManualEngine.Provider();
        IoContext b = ManualEngine.open(pb, 8);
        try (IoContext a = ManualEngine.open(pa, 8)) {
            IoContextGroup g = IoContextGroup.of(a, b);
            a.submit(Request.noop().userData(1));
            pa.last.completeOne();
            Event[] evs = events(3);
            // N = 3: the group takes a's one event and waits for two more.
            CompletableFuture<Integer> f = CompletableFuture.supplyAsync(() -> g.getEvents(3, evs, Duration.ofSeconds(30)));
            waitUntil(() -> a.stats().reaped() != 0, Duration.ofSeconds(10));
            assertEquals(1, a.stats().reaped(), "the group took a's event");
            b.close();
            assertEquals(1, f.get(10, TimeUnit.SECONDS), "it leaves with the event it holds");
            assertEquals(1, evs[0].userData());
        } finally {
            b.close();
        }
    }

    @Test
    void timeoutsAtTheEndsOfTheRange() throws Exception {
        ManualEngine.Provider pa = new ManualEngine.Provider();
        try (IoContext a = ManualEngine.open(pa, 8)) {
            IoContextGroup g = IoContextGroup.of(a);
            assertEquals(0, g.getEvents(0, events(1), Duration.ZERO), "a zero timeout polls");
            a.submit(Request.noop().userData(4));
            pa.last.completeOne();
            // A timeout too long for a long of nanoseconds means "no limit", as for IoContext.
            assertEquals(1, g.getEvents(1, events(1), Duration.ofSeconds(Long.MAX_VALUE)));
            a.submit(Request.noop().userData(5));
            pa.last.completeOne();
            assertEquals(1, g.getEvents(1, 1, events(1), Long.MAX_VALUE, TimeUnit.DAYS));
            a.submit(Request.noop().userData(6));
            pa.last.completeOne();
            assertEquals(1, a.getEvents(1, events(1), Duration.ofSeconds(Long.MAX_VALUE)));
        }
    }

    /**
     * A member closing at any moment of a group wait: whatever the group took is returned,
     * or, when it throws, nothing was taken. Counted by the members' own reaped counters.
     */
    @Test
    void aMemberClosingAtAnyMomentNeverSwallowsEvents() throws Exception {
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(17);
        for (int round = 0; round < 2000; round++) {
            ManualEngine.Provider pa = new ManualEngine.Provider();
            ManualEngine.Provider pb = new ManualEngine.Provider();
            IoContext b = ManualEngine.open(pb, 8);
            try (IoContext a = ManualEngine.open(pa, 8)) {
                a.submit(Request.noop().userData(1));
                pa.last.completeOne();
                IoContextGroup g = IoContextGroup.of(a, b);
                long delay = rnd.nextLong(40_000);
                Thread closer = Thread.ofPlatform().start(() -> {
                    long until = System.nanoTime() + delay;
                    while (System.nanoTime() < until) {
                        Thread.onSpinWait();
                    }
                    b.close();
                });
                Event[] evs = events(2);
                int got;
                try {
                    got = g.getEvents(2, evs, Duration.ofSeconds(10));
                } catch (IllegalStateException closed) {
                    got = 0;
                }
                closer.join();
                assertEquals(got, a.stats().reaped(), "round " + round + ": the group took an event it did not return");
            } finally {
                b.close();
            }
        }
    }
}
