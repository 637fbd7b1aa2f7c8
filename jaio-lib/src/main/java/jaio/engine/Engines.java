package jaio.engine;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.ServiceLoader;
import jaio.Engine;
import jaio.spi.EngineProvider;

/**
 * The engines this build of jaio has, in automatic-selection order (E5): io_uring, then
 * Linux native AIO, then the thread pool, which is the order of {@link Engine}'s constants.
 *
 * <p>Engines are found as services of {@link EngineProvider} (module-info's {@code provides},
 * and META-INF/services on the class path), so this shared package names none of the engine
 * packages and they depend on it, never the other way round. A new engine is a new package
 * plus one line in each of those two lists. Loaded once; immutable, so any thread may use it.
 */
public final class Engines {
    private static final List<EngineProvider> ALL = load();

    private Engines() {}

    private static List<EngineProvider> load() {
        List<EngineProvider> l = new ArrayList<>();
        for (EngineProvider p : ServiceLoader.load(EngineProvider.class, Engines.class.getClassLoader())) {
            if (p.kind() != Engine.AUTO && l.stream().noneMatch(q -> q.kind() == p.kind())) {
                l.add(p);
            }
        }
        l.sort(Comparator.comparing(EngineProvider::kind));
        return List.copyOf(l);
    }

    /** Every engine, in automatic-selection order. */
    public static List<EngineProvider> all() {
        return ALL;
    }

    /** The provider of a concrete engine kind. */
    public static EngineProvider provider(Engine kind) {
        for (EngineProvider p : ALL) {
            if (p.kind() == kind) {
                return p;
            }
        }
        throw new IllegalArgumentException("no engine " + kind + " in this build of jaio");
    }
}
