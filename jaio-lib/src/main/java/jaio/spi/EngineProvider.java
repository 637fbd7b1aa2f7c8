package jaio.spi;

import java.io.IOException;
import jaio.Engine;

/**
 * Any thread may call a provider: it is stateless apart from its probe, which it runs once
 * per process and publishes through a volatile field. One kind of engine: probes whether this
 * machine allows it and opens instances of it. Providers are found as services (see
 * {@code jaio.engine.Engines}) and need a public no-argument constructor.
 */
public interface EngineProvider {
    Engine kind();

    /** Whether the engine can run here, probed once (a real round trip where it matters). */
    Availability availability();

    /** What the engine can do on this machine, without opening a context. Null when unavailable. */
    Capabilities describe();

    /**
     * The largest capacity (events per context) one instance takes; the context refuses more
     * with an IllegalArgumentException naming it, before the kernel is asked.
     */
    default int maxCapacity() {
        return Integer.MAX_VALUE;
    }

    /**
     * Opens an engine instance for one context.
     *
     * @throws IOException naming the failing call and errno when the kernel refuses
     */
    IoEngine open(EngineContext context) throws IOException;
}
