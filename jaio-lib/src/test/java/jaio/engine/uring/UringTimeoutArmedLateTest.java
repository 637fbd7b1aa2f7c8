package jaio.engine.uring;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import jaio.Engine;
import jaio.IoContext;
import jaio.testkit.TestEngines;
import jaio.testkit.TimeoutCountRounds;
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
        UringTimeout.armLateForTests = true;
        try {
            TimeoutCountRounds.run(() -> IoContext.builder().engine(Engine.IO_URING).capacity(8).open(), 200);
        } finally {
            UringTimeout.armLateForTests = false;
        }
    }
}
