package jaio.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import jaio.Capability;
import jaio.IoContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tool as a module: jaio-bench's second surefire execution (see its pom) runs this class
 * on the module path, where module jaio.bench reads of module jaio only the exported packages
 * {@code jaio} and {@code jaio.nio} (the Java faces), picocli reaches the options through the descriptor's {@code opens}, and native
 * access is granted to the two modules by name. On the class path (the default execution) it
 * is skipped.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ModulePathTest {
    @TempDir
    Path dir;

    private static void assumeModulePath() {
        assumeTrue(Main.class.getModule().isNamed(),
                "on the class path: this class runs in jaio-bench's module-path surefire execution");
    }

    @Test
    void theToolAndTheLibraryAreNamedModulesAndOnlyTheApiAndFacadesAreExported() {
        assumeModulePath();
        Module bench = Main.class.getModule();
        Module lib = IoContext.class.getModule();
        assertEquals("jaio.bench", bench.getName());
        assertEquals("jaio", lib.getName());
        assertTrue(bench.canRead(lib));
        assertTrue(lib.isExported("jaio", bench));
        assertTrue(lib.isExported("jaio.posix", bench));
        assertTrue(lib.isExported("jaio.nio", bench));
        assertTrue(lib.getPackages().contains("jaio.spi"), lib.getPackages().toString());
        Set<String> exported = Set.of("jaio", "jaio.posix", "jaio.nio");
        for (String internal : lib.getPackages()) {
            if (!exported.contains(internal)) {
                assertFalse(lib.isExported(internal), internal + " must stay internal");
            }
        }
        assertEquals(exported, Set.copyOf(lib.getDescriptor().exports().stream().map(e -> e.source()).toList()));
        // Granted by name (--enable-native-access=jaio,jaio.bench), or the JVM warns at the first downcall.
        assertTrue(lib.isNativeAccessEnabled(), "native access for jaio");
        assertTrue(bench.isNativeAccessEnabled(), "native access for jaio.bench");
    }

    @Test
    void aShortBenchOnTheThreadEngineRunsThroughMain() {
        assumeModulePath();
        BenchCli r = BenchCli.run("--filename=" + dir.resolve("m.dat"), "--size=4m", "--engine=threads", "--runtime=1",
                "--iodepth=4", "--invalidate=0", "--output-format=json");
        assertEquals(0, r.exitCode, r.toString());
        JsonNode job = Json.parse(r.out).get("jobs").get(0);
        assertTrue(job.get("read").get("total_ios").asLong() > 0, job.toString());
        assertEquals("threads", job.get("jaio").get("engine").asText());
    }

    /** jaio.nio's channels on the module path: the module reads jdk.jfr and java.management for their events and MXBeans. */
    @Test
    void theFacadeEnginesRunOnTheModulePath() {
        assumeModulePath();
        for (String engine : new String[] {"jaio-fc", "jaio-afc"}) {
            BenchCli r = BenchCli.run("--filename=" + dir.resolve("f.dat"), "--size=4m", "--engine=" + engine, "--runtime=1",
                    "--iodepth=4", "--invalidate=0", "--output-format=json");
            assertEquals(0, r.exitCode, r.toString());
            assertTrue(Json.parse(r.out).get("jobs").get(0).get("read").get("total_ios").asLong() > 0, r.out);
        }
    }

    @Test
    void aShortBenchOnThePosixFacadeRunsThroughMain() {
        assumeModulePath();
        BenchCli r = BenchCli.run("--filename=" + dir.resolve("p.dat"), "--size=4m", "--ioengine=posixaio", "--runtime=1",
                "--iodepth=4", "--invalidate=0", "--output-format=json");
        assertEquals(0, r.exitCode, r.toString());
        JsonNode job = Json.parse(r.out).get("jobs").get(0);
        assertTrue(job.get("read").get("total_ios").asLong() > 0, job.toString());
    }

    @Test
    void theEnginesReportProbesEveryEngine() {
        assumeModulePath();
        BenchCli r = BenchCli.run("engines", "--format=json");
        assertEquals(0, r.exitCode, r.toString());
        JsonNode engines = Json.parse(r.out).get("engines");
        assertEquals(3, engines.size(), r.out);
        for (JsonNode e : engines) {
            if (e.get("available").asBoolean()) {
                assertEquals(Capability.values().length, e.get("support").size(), e.toString());
            }
        }
    }
}
