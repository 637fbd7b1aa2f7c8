package jaio;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The engines a test can run on here: those the probe finds available on this machine and
 * kernel. Parameterized tests name {@link #available()} as their source:
 * {@code @MethodSource("jaio.TestEngines#available")}.
 */
public final class TestEngines {
    private TestEngines() {}

    /** What the probe reports for each engine it finds available, in the probe's order. */
    public static List<EngineInfo> availableInfos() {
        List<EngineInfo> l = new ArrayList<>();
        for (EngineInfo i : EngineInfo.probeAll()) {
            if (i.available()) {
                l.add(i);
            }
        }
        return l;
    }

    /**
     * Skips the calling test (or class, from a {@code @BeforeAll}) when {@code engine} cannot
     * run here, with the probe's reason.
     */
    public static void assumeAvailable(Engine engine) {
        EngineInfo info = EngineInfo.probe(engine);
        assumeTrue(info.available(), () -> engine.shortName() + " is not available here: " + info.reason());
    }

    /** Every engine available here, in the probe's order; a JUnit method source. */
    public static Stream<Engine> available() {
        return availableInfos().stream().map(EngineInfo::engine);
    }
}
