package jaio.bench.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.PrintStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import jaio.Engine;
import jaio.EngineInfo;
import jaio.bench.cli.PlanReader;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The live progress line counts each completion once, whichever way a job counts (per batch
 * from its one thread, or per completion from handler threads). The POSIX job used to count
 * each one twice, so its progress line showed double the IOPS.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ProgressCountTest {
    @TempDir
    static Path dir;
    static Path file;

    @BeforeAll
    static void layout() throws Exception {
        file = dir.resolve("data.dat");
        Files.write(file, new byte[4 << 20]);
    }

    @ParameterizedTest
    @ValueSource(strings = {"uring", "kaio", "threads", "posix", "jdk-afc", "jdk-fc", "jaio-afc", "jaio-fc"})
    void aSizeBoundRunCountsEachReadOnce(String engine) throws Exception {
        Engine e = switch (engine) {
            case "uring" -> Engine.IO_URING;
            case "kaio" -> Engine.KAIO;
            default -> null;
        };
        if (e != null) {
            EngineInfo i = EngineInfo.probe(e);
            assumeTrue(i.available(), () -> engine + " is not available here: " + i.reason());
        }
        PlanReader.Parsed p = PlanReader.read(new String[] {"--name=p", "--filename=" + file, "--size=4m", "--rw=randread",
                "--bs=4k", "--iodepth=8", "--time_based=0", "--runtime=0", "--norandommap=0", "--invalidate=0",
                "--engine=" + engine}, Map.of());
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
        RunResult r = Runner.run(p.plan(), quiet, null);
        assertEquals(1, r.clones().size());
        CloneResult c = r.clones().get(0);
        assertEquals(1024, c.stats().read().ios(), "reads measured");
        assertEquals(1024, c.progressIos(), "reads the progress line counted");
    }
}
