package jaio.testkit;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import jaio.Engine;
import jaio.EngineInfo;

/**
 * The engines a test can run on here: those the probe finds available on this machine and
 * kernel. Parameterized tests name {@link #available()} as their source:
 * {@code @MethodSource("jaio.testkit.TestEngines#all")}: an engine this machine does not
 * allow then shows as skipped with its reason ({@link SkipUnavailableEngines}), never dropped.
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

    /**
     * Every concrete engine, in the probe's order; the JUnit method source for per-engine
     * tests, whose invocations on an engine not allowed here are skipped with the reason.
     */
    public static Stream<Engine> all() {
        return Stream.of(Engine.IO_URING, Engine.KAIO, Engine.THREADS);
    }

    /**
     * Every engine available here, in the probe's order: for property tests, which draw from
     * it (the per-engine suites report the others as skipped).
     */
    public static Stream<Engine> available() {
        return availableInfos().stream().map(EngineInfo::engine);
    }
}
