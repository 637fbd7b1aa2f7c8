package jaio.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import jaio.Event;
import jaio.IoContext;
import jaio.Request;

/**
 * Rounds of a fresh context each, a TIMEOUT with a completion count of 2 (and a delay of 60 s)
 * followed by two NOOPs: every round the TIMEOUT must end at its count (0) within 5 s, never by
 * its timer.
 */
public final class TimeoutCountRounds {
    /** Opens the context of one round. */
    @FunctionalInterface
    public interface Opener {
        IoContext open() throws IOException;
    }

    private TimeoutCountRounds() {}

    public static void run(Opener opener, int rounds) throws IOException {
        Event[] ev = TestFiles.events(4);
        for (int i = 0; i < rounds; i++) {
            try (IoContext ctx = opener.open()) {
                ctx.submit(Request.timeout(Duration.ofSeconds(60), 2).userData(9));
                ctx.submit(Request.noop().userData(1), Request.noop().userData(2));
                Map<Long, Long> results = new HashMap<>();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                while (results.size() < 3 && System.nanoTime() < deadline) {
                    int n = ctx.getEvents(1, ev, Duration.ofMillis(100));
                    for (int k = 0; k < n; k++) {
                        results.put(ev[k].userData(), ev[k].result());
                    }
                }
                assertEquals(Map.of(1L, 0L, 2L, 0L, 9L, 0L), results, "round " + i);
            }
        }
    }
}
