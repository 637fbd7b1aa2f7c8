package jaio.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import jaio.Engine;
import jaio.engine.threads.ThreadPoolProvider;
import jaio.spi.Availability;
import jaio.spi.Capabilities;
import jaio.spi.EngineContext;
import jaio.spi.EngineOptions;
import jaio.spi.EngineProvider;
import jaio.spi.IoEngine;
import org.junit.jupiter.api.Test;

/** Automatic selection (E5): engines passed over in order, each with its reason. */
class EnginesTest {

    /** An engine this machine does not allow, or one whose setup the kernel refuses. */
    record Refusing(Engine kind, Availability availability, String openError) implements EngineProvider {
        @Override
        public Capabilities describe() {
            return null;
        }

        @Override
        public IoEngine open(EngineContext context) throws IOException {
            throw new IOException(openError);
        }
    }

    @Test
    void autoFallsBackInOrderAndSaysWhy() throws IOException {
        List<EngineProvider> order = List.of(
                new Refusing(Engine.IO_URING, Availability.no("io_uring_setup: EPERM (operation not permitted)"), null),
                new Refusing(Engine.KAIO, Availability.yes("ok"), "io_setup(64): EAGAIN (fs.aio-max-nr reached)"),
                ThreadPoolProvider.INSTANCE);
        EngineChoice.Opened<Object> o = EngineChoice.openFirst(order, "auto", 8, (e, op) -> { }, 2, EngineOptions.DEFAULT);
        try {
            assertEquals(Engine.THREADS, o.provider().kind());
            assertEquals(List.of("uring: io_uring_setup: EPERM (operation not permitted)",
                    "kaio: io_setup(64): EAGAIN (fs.aio-max-nr reached)"), o.passedOver());
        } finally {
            o.core().close();
        }
    }

    @Test
    void whenNothingOpensTheErrorListsEveryReason() {
        List<EngineProvider> order = List.of(
                new Refusing(Engine.IO_URING, Availability.no("disabled by sysctl"), null),
                new Refusing(Engine.KAIO, Availability.no("no CONFIG_AIO"), null));
        IOException e = assertThrows(IOException.class,
                () -> EngineChoice.openFirst(order, "none", 8, (ev, op) -> { }, 2, EngineOptions.DEFAULT));
        assertTrue(e.getMessage().contains("disabled by sysctl") && e.getMessage().contains("no CONFIG_AIO"), e.getMessage());
    }
}
