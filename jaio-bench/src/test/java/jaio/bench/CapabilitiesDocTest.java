package jaio.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import jaio.Capability;
import jaio.Engine;
import jaio.EngineInfo;
import jaio.Support;
import jaio.bench.report.CapabilityReport;
import org.junit.jupiter.api.Test;

/**
 * docs/CAPABILITIES.md is what {@code ./jaio engines --format=markdown} prints, and the JSON
 * form carries the same table. The comparison needs every engine: on a machine that lacks one,
 * the table would differ, so the test is skipped there, with the reason.
 */
class CapabilitiesDocTest {
    /** Surefire runs in the module's folder; the docs are beside it. */
    private static final Path DOC = Path.of(System.getProperty("basedir", ".")).toAbsolutePath()
            .resolveSibling("docs").resolve("CAPABILITIES.md");

    @Test
    void docsCapabilitiesIsWhatTheEnginesCommandPrints() throws IOException {
        for (EngineInfo i : EngineInfo.probeAll()) {
            assumeTrue(i.available(), () -> i.engine().shortName() + " is not available here (" + i.reason()
                    + "), so this machine's table cannot match docs/CAPABILITIES.md");
        }
        BenchCli r = BenchCli.run("engines", "--format=markdown");
        assertEquals(0, r.exitCode, r.toString());
        assertTrue(Files.exists(DOC), DOC + " is missing: write it with " + CapabilityReport.REGENERATE);
        assertEquals(Files.readString(DOC), r.out, "docs/CAPABILITIES.md is not what the engines report now:"
                + " regenerate it with " + CapabilityReport.REGENERATE);
    }

    @Test
    void theJsonFormHasEveryCapabilityForEveryAvailableEngine() {
        BenchCli r = BenchCli.run("engines", "--format=json");
        assertEquals(0, r.exitCode, r.toString());
        JsonNode doc = Json.parse(r.out);
        assertEquals(Capability.values().length, doc.get("capabilities").size());
        assertEquals("C1", doc.get("capabilities").get(0).get("id").asText());
        JsonNode engines = doc.get("engines");
        assertEquals(EngineInfo.probeAll().size(), engines.size());
        for (JsonNode e : engines) {
            EngineInfo i = EngineInfo.probe(Engine.parse(e.get("engine").asText()));
            assertEquals(i.available(), e.get("available").asBoolean(), e.toString());
            assertEquals(i.reason(), e.get("reason").asText());
            JsonNode support = e.get("support");
            if (!i.available()) {
                assertEquals(0, support.size(), e.toString());
                continue;
            }
            for (Capability c : Capability.values()) {
                Support s = i.support().get(c);
                JsonNode cell = support.get(c.id());
                assertEquals(s.kind().name(), cell.get("kind").asText(), c.id() + " of " + i.engine());
                assertEquals(s.note(), cell.get("note").asText(), c.id() + " of " + i.engine());
            }
        }
    }

    @Test
    void anUnknownFormatIsAUsageError() {
        BenchCli r = BenchCli.run("engines", "--format=xml");
        assertEquals(Main.USAGE, r.exitCode, r.toString());
        assertEquals("--format: 'xml' is not one of text, markdown, json", r.err.strip());
    }
}
