package jaio.testkit;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import jaio.Engine;
import jaio.Opcode;
import jaio.RequestFlag;
import jaio.spi.Availability;
import jaio.spi.BufferAccess;
import jaio.spi.Capabilities;
import jaio.spi.EngineContext;
import jaio.spi.EngineProvider;
import jaio.spi.Execution;
import jaio.spi.IoEngine;

/**
 * An engine provider for tests that bring their own engine: always available, of kind
 * THREADS, opening engines through a factory and keeping the last one opened for the test to
 * drive. Open a context on it with {@code IoContext.open(capacity, provider, workers)}.
 */
public class TestProvider<E extends IoEngine> implements EngineProvider {
    /** The engine opened last. */
    public volatile E last;
    private final String name;
    private final Capabilities description;
    private final Function<EngineContext, E> factory;

    /** {@code description} is what {@link #describe()} answers before any engine is open (may be null). */
    public TestProvider(String name, Capabilities description, Function<EngineContext, E> factory) {
        this.name = name;
        this.description = description;
        this.factory = factory;
    }

    /**
     * What a test engine reports: NOOPs run inline, each of {@code workerOps} on a worker, no
     * request flags, buffers any thread may touch.
     */
    public static Capabilities capabilities(String name, Opcode... workerOps) {
        Map<Opcode, Execution> ops = new EnumMap<>(Opcode.class);
        ops.put(Opcode.NOOP, Execution.INLINE);
        for (Opcode o : workerOps) {
            ops.put(o, Execution.WORKER);
        }
        return new Capabilities(name, ops, EnumSet.noneOf(RequestFlag.class), BufferAccess.THREAD_ACCESSIBLE, false,
                false, List.of());
    }

    @Override
    public Engine kind() {
        return Engine.THREADS;
    }

    @Override
    public Availability availability() {
        return Availability.yes(name);
    }

    @Override
    public Capabilities describe() {
        return description;
    }

    @Override
    public IoEngine open(EngineContext c) {
        last = factory.apply(c);
        return last;
    }
}
