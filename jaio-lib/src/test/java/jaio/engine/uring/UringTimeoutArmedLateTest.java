package jaio.engine.uring;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import jaio.Engine;
import jaio.Event;
import jaio.IoContext;
import jaio.Request;
import jaio.testkit.TestEngines;
import jaio.testkit.TestFiles;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A TIMEOUT with a completion count that the kernel arms late (on a worker thread, as it does
 * with the first request after a drain) still ends at its count: the remove that finds no
 * timer yet is sent again.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class UringTimeoutArmedLateTest {

    @BeforeAll
    static void available() {
        TestEngines.assumeAvailable(Engine.IO_URING);
    }

    @Test
    void aTimeoutArmedAfterItsCountWasReachedStillEndsAtItsCount() throws IOException {
        Event[] ev = TestFiles.events(4);
        UringTimeout.armLateForTests = true;
        try {
            for (int i = 0; i < 200; i++) {
                try (IoContext ctx = IoContext.builder().engine(Engine.IO_URING).capacity(8).open()) {
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
        } finally {
            UringTimeout.armLateForTests = false;
        }
    }
}
