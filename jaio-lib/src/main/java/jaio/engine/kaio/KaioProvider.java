package jaio.engine.kaio;

import java.io.IOException;
import jaio.Engine;
import jaio.spi.Availability;
import jaio.spi.Capabilities;
import jaio.spi.EngineContext;
import jaio.spi.EngineProvider;
import jaio.spi.IoEngine;

/**
 * Any thread may call it: the probe runs once per process under the class lock, and its result,
 * immutable, is published to every thread through a volatile field.
 *
 * <p>Linux native AIO: available where io_setup works (probed once with a real io_setup /
 * io_destroy round trip, see {@link KaioProbe}).
 */
public final class KaioProvider implements EngineProvider {
    public static final KaioProvider INSTANCE = new KaioProvider();

    /** Probed once per process, whichever instance asks first. */
    private static volatile KaioProbe probe;

    /** For the service loader; code uses {@link #INSTANCE}. Instances share one probe. */
    public KaioProvider() {}

    private KaioProbe probe() {
        KaioProbe p = probe;
        if (p == null) {
            synchronized (KaioProvider.class) {
                p = probe;
                if (p == null) {
                    p = KaioProbe.run();
                    probe = p;
                }
            }
        }
        return p;
    }

    /** The largest capacity: io_setup refuses more events than its ring may hold (fs/aio.c: at most 0x10000000 bytes of io_event, the count doubled for the per-CPU batches). */
    public static final int MAX_CAPACITY = 4194304;

    @Override
    public int maxCapacity() {
        return MAX_CAPACITY;
    }

    @Override
    public Engine kind() {
        return Engine.KAIO;
    }

    @Override
    public Availability availability() {
        KaioProbe p = probe();
        return p.available() ? Availability.yes(p.reason()) : Availability.no(p.reason());
    }

    @Override
    public Capabilities describe() {
        KaioProbe p = probe();
        return p.available() ? KaioCapabilities.of(p, p.ring(), p.ringInfo(), 64) : null;
    }

    /**
     * @throws IOException when io_setup or eventfd fails (naming the errno)
     * @throws UnsupportedOperationException when native AIO is not available here
     */
    @Override
    public IoEngine open(EngineContext context) throws IOException {
        return open(context, true);
    }

    /**
     * Opens an engine; with {@code useRing} false it reaps with io_getevents even where the
     * mapped ring could be read (to compare the two in tests).
     */
    public IoEngine open(EngineContext context, boolean useRing) throws IOException {
        KaioProbe p = probe();
        if (!p.available()) {
            throw new UnsupportedOperationException("native AIO is not available here: " + p.reason());
        }
        return new KaioEngine(context, p, useRing);
    }
}
