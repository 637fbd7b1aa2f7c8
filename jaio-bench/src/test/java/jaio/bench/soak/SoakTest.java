package jaio.bench.soak;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import jaio.Engine;
import jaio.EngineInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The soak's short run, in the suite: about a million requests per engine (fewer when the
 * engine takes more than {@link #LIMIT} for them on this machine), closed every 100k with
 * requests in flight; nothing lost, duplicated, disagreed or corrupted.
 */
class SoakTest {
    static final long REQUESTS = Long.getLong("jaio.soak.requests", 1_000_000);
    static final Duration LIMIT = Duration.ofSeconds(Long.getLong("jaio.soak.seconds", 45));

    @ParameterizedTest
    @EnumSource(value = Engine.class, names = {"IO_URING", "KAIO", "THREADS"})
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void aMillionRequestsLoseNothing(Engine engine) throws Exception {
        EngineInfo info = EngineInfo.probe(engine);
        assumeTrue(info.available(), () -> engine.shortName() + " is not available here: " + info.reason());
        Soak.Result r = Soak.run(new Soak.Options(engine, REQUESTS, LIMIT, 100_000, 16),
                Path.of(System.getProperty("java.io.tmpdir")));
        System.out.println(SoakCommand.line(r));
        assertTrue(r.ok(), SoakCommand.line(r) + "\n" + String.join("\n", r.notes()));
        assertTrue(r.accepted() >= Math.min(REQUESTS, 100_000), SoakCommand.line(r));
        assertEquals(r.accepted(), r.events() + r.droppedByClose(), "every accepted request is accounted for");
        assertTrue(r.cancels() > 0 && r.canceled() > 0, "cancels ran and some succeeded: " + SoakCommand.line(r));
    }

    @Test
    void theCommandExitsZeroOnACleanRunAndTwoOnBadUsage() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        assertEquals(0, SoakCommand.run(List.of("--engine", "threads", "--requests", "20k", "--close-every", "5k"), o, o));
        String text = out.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("accepted 20000") && text.contains("OK"), text);
        assertEquals(2, SoakCommand.run(List.of("--requests"), o, o));
        assertEquals(2, SoakCommand.run(List.of("--bogus", "1"), o, o));
        assertEquals(2, SoakCommand.run(List.of("--engine", "nosuch"), o, o));
    }

    @Test
    void countsAndDurationsTakeUnits() {
        assertEquals(1_000_000, SoakCommand.parseCount("1m"));
        assertEquals(20_000, SoakCommand.parseCount("20k"));
        assertEquals(Duration.ofMinutes(10), SoakCommand.parseDuration("10m"));
        assertEquals(Duration.ofSeconds(90), SoakCommand.parseDuration("90"));
    }
}
