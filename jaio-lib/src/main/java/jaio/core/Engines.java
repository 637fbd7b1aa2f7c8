package jaio.core;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import jaio.Engine;
import jaio.engine.threads.ThreadPoolProvider;
import jaio.spi.Availability;
import jaio.spi.EngineProvider;

/**
 * The engines jaio has, and automatic selection (SPEC E5): io_uring, then Linux native AIO,
 * then the thread pool; each is probed with a real round trip and passed over, with its
 * reason recorded, when this machine does not allow it.
 */
public final class Engines {
    private Engines() {}

    /** Every engine in automatic-selection order. */
    public static List<EngineProvider> all() {
        List<EngineProvider> l = new ArrayList<>();
        l.add(jaio.engine.uring.IoUringProvider.INSTANCE);
        l.add(jaio.engine.kaio.KaioProvider.INSTANCE);
        l.add(ThreadPoolProvider.INSTANCE);
        return l;
    }

    /** The provider of a concrete engine kind. */
    public static EngineProvider provider(Engine kind) {
        for (EngineProvider p : all()) {
            if (p.kind() == kind) {
                return p;
            }
        }
        throw new IllegalArgumentException("no engine " + kind);
    }

    /** A context opened on the chosen engine, with the reasons other engines were passed over. */
    public record Opened(ContextCore core, EngineProvider provider, List<String> passedOver) {}

    /**
     * Opens a context on {@code kind}; for AUTO, on the first engine that is available and
     * opens.
     *
     * @throws IOException when the requested engine (or, for AUTO, every engine) fails
     * @throws UnsupportedOperationException when a requested concrete engine is unavailable here
     */
    public static Opened open(Engine kind, String name, int capacity, ContextCore.ApiAccess access,
                              int workers, jaio.spi.EngineOptions options) throws IOException {
        if (kind != Engine.AUTO) {
            EngineProvider p = provider(kind);
            Availability a = p.availability();
            if (!a.available()) {
                throw new UnsupportedOperationException("engine " + kind.shortName() + " is not available here: " + a.reason());
            }
            return new Opened(ContextCore.open(name, capacity, access, p, workers, options), p, List.of());
        }
        return openFirst(autoOrder(), name, capacity, access, workers, options);
    }

    /**
     * Opens a context on the first of {@code order} that is available and opens, recording
     * why each one before it was passed over (AUTO; tests pass their own order).
     */
    static Opened openFirst(List<EngineProvider> order, String name, int capacity, ContextCore.ApiAccess access,
                            int workers, jaio.spi.EngineOptions options) throws IOException {
        List<String> passed = new ArrayList<>();
        IOException last = null;
        for (EngineProvider p : order) {
            Availability a = p.availability();
            if (!a.available()) {
                passed.add(p.kind().shortName() + ": " + a.reason());
                continue;
            }
            try {
                return new Opened(ContextCore.open(name, capacity, access, p, workers, options), p, List.copyOf(passed));
            } catch (IOException | RuntimeException e) {
                // A kernel refusal at setup (ENOMEM for the rings, say) passes the engine over
                // like a failed probe does.
                passed.add(p.kind().shortName() + ": " + e.getMessage());
                last = e instanceof IOException io ? io : new IOException(e);
            }
        }
        throw new IOException("no engine could be opened: " + passed, last);
    }

    private static List<EngineProvider> autoOrder() {
        List<EngineProvider> order = new ArrayList<>();
        for (Engine e : List.of(Engine.IO_URING, Engine.KAIO, Engine.THREADS)) {
            for (EngineProvider p : all()) {
                if (p.kind() == e) {
                    order.add(p);
                }
            }
        }
        return order;
    }
}
