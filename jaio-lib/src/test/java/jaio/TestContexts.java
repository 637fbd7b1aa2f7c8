package jaio;

import java.io.IOException;
import jaio.spi.EngineProvider;

/**
 * The test kit's one door into the public package's test hooks: a context on a scripted
 * engine provider, which IoContext opens only for tests (its factory is package-private so
 * that users never see it).
 */
public final class TestContexts {
    private TestContexts() {}

    /** A context of {@code capacity} events on {@code provider}, with up to {@code workers} workers. */
    public static IoContext open(int capacity, EngineProvider provider, int workers) throws IOException {
        return IoContext.open(capacity, provider, workers);
    }
}
