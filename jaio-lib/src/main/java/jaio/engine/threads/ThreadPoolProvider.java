package jaio.engine.threads;

import jaio.Engine;
import jaio.spi.Availability;
import jaio.spi.Capabilities;
import jaio.spi.EngineContext;
import jaio.spi.EngineProvider;
import jaio.spi.IoEngine;

/** Stateless, so any thread may use it: the portable engine, available everywhere the JDK runs. */
public final class ThreadPoolProvider implements EngineProvider {
    public static final ThreadPoolProvider INSTANCE = new ThreadPoolProvider();

    /** For the service loader; code uses {@link #INSTANCE}. Instances hold nothing: any will do. */
    public ThreadPoolProvider() {}

    /** The largest capacity: a bound of jaio's own: the per-context tables grow with the capacity, and no workload needs more. */
    public static final int MAX_CAPACITY = 16777216;

    @Override
    public int maxCapacity() {
        return MAX_CAPACITY;
    }

    @Override
    public Engine kind() {
        return Engine.THREADS;
    }

    @Override
    public Availability availability() {
        return Availability.yes("pure Java, runs everywhere");
    }

    @Override
    public Capabilities describe() {
        return ThreadPoolEngine.capabilities(64);
    }

    @Override
    public IoEngine open(EngineContext context) {
        return new ThreadPoolEngine(context);
    }
}
