package jaio.core;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import jaio.Engine;
import jaio.Errno;
import jaio.spi.Availability;
import jaio.spi.EngineOptions;
import jaio.spi.EngineProvider;
import jaio.spi.SetupException;

/**
 * Opens a context on the engine asked for, or for AUTO on the first of the given providers
 * that this machine allows and that opens (E5), recording why each one before it was
 * passed over. Stateless; any thread may call it.
 */
public final class EngineChoice {
    private EngineChoice() {}

    /** A context opened on the chosen engine, with the reasons other engines were passed over. */
    public record Opened<E>(ContextCore<E> core, EngineProvider provider, List<String> passedOver) {}

    /**
     * Opens a context on {@code kind}, one of {@code providers}; for AUTO, on the first of
     * them, in order, that is available and opens.
     *
     * @throws IOException when the requested engine (or, for AUTO, every engine) fails
     * @throws UnsupportedOperationException when a requested concrete engine is unavailable here
     */
    public static <E> Opened<E> open(Engine kind, List<EngineProvider> providers, String name, int capacity,
                                     EventWriter<E> writer, int workers, EngineOptions options, boolean selfReaping,
                                     Runnable afterClose) throws IOException {
        if (kind != Engine.AUTO) {
            for (EngineProvider p : providers) {
                if (p.kind() == kind) {
                    Availability a = p.availability();
                    if (!a.available()) {
                        throw new UnsupportedOperationException("engine " + kind.shortName() + " is not available here: "
                                + a.reason());
                    }
                    return new Opened<>(ContextCore.open(name, capacity, writer, p, workers, options, selfReaping,
                            afterClose), p, List.of());
                }
            }
            throw new IllegalArgumentException("no engine " + kind);
        }
        return openFirst(providers, name, capacity, writer, workers, options, selfReaping, afterClose);
    }

    /** AUTO for a context whose caller reaps: the first of {@code order} that is available and opens. */
    static <E> Opened<E> openFirst(List<EngineProvider> order, String name, int capacity, EventWriter<E> writer,
                                   int workers, EngineOptions options) throws IOException {
        return openFirst(order, name, capacity, writer, workers, options, false, null);
    }

    /** AUTO: the first of {@code order} that is available and opens. */
    static <E> Opened<E> openFirst(List<EngineProvider> order, String name, int capacity, EventWriter<E> writer,
                                   int workers, EngineOptions options, boolean selfReaping, Runnable afterClose)
            throws IOException {
        int largest = 0;
        for (EngineProvider p : order) {
            if (p.availability().available()) {
                largest = Math.max(largest, p.maxCapacity());
            }
        }
        if (largest > 0) {
            ContextCore.checkCapacity("largest available", capacity, largest);
        }
        List<String> passed = new ArrayList<>();
        IOException last = null;
        for (EngineProvider p : order) {
            Availability a = p.availability();
            if (!a.available()) {
                passed.add(p.kind().shortName() + ": " + a.reason());
                continue;
            }
            try {
                return new Opened<>(ContextCore.open(name, capacity, writer, p, workers, options, selfReaping,
                        afterClose), p, List.copyOf(passed));
            } catch (SetupException e) {
                if (e.errno() == Errno.EMFILE || e.errno() == Errno.ENFILE) {
                    // A descriptor shortage is a leak or a limit to raise, to hear about at
                    // once: another engine would only hide it until something else fails.
                    throw new SetupException("descriptors ran out opening a " + p.kind().shortName() + " context ("
                            + Errno.name(e.errno()) + "); the automatic engine does not fall back on a descriptor"
                            + " shortage: close descriptors or raise the limit (ulimit -n): " + e.getMessage(),
                            e.errno());
                }
                passed.add(p.kind().shortName() + ": " + e.getMessage());
                last = e;
            } catch (IOException | RuntimeException e) {
                // A kernel refusal at setup (ENOMEM for the rings, say) passes the engine over
                // like a failed probe does.
                passed.add(p.kind().shortName() + ": " + e.getMessage());
                last = e instanceof IOException io ? io : new IOException(e);
            }
        }
        throw new IOException("no engine could be opened: " + passed, last);
    }
}
