package jaio.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import jaio.Engine;
import jaio.EngineInfo;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A short real run of every engine this machine has (no speed assertions: only that work was done and reported). */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EngineRunTest {
    @TempDir
    static Path dir;
    static Path file;

    @BeforeAll
    static void layout() {
        file = dir.resolve("data.dat");
        BenchCli r = BenchCli.run("--filename=" + file, "--size=8m", "--rw=read", "--time_based=0", "--runtime=0",
                "--engine=jdk-fc", "--invalidate=0");
        assertEquals(0, r.exitCode, r.toString());
    }

    private static void assumeAvailable(String engine) {
        Engine e = switch (engine) {
            case "uring" -> Engine.IO_URING;
            case "kaio" -> Engine.KAIO;
            case "threads" -> Engine.THREADS;
            default -> null;
        };
        if (e != null) {
            EngineInfo i = EngineInfo.probe(e);
            assumeTrue(i.available(), () -> engine + " is not available here: " + i.reason());
        }
    }

    private static JsonNode runJson(String... args) {
        String[] all = new String[args.length + 4];
        all[0] = "--filename=" + file;
        all[1] = "--size=8m";
        all[2] = "--output-format=json";
        all[3] = "--invalidate=0";
        System.arraycopy(args, 0, all, 4, args.length);
        BenchCli r = BenchCli.run(all);
        assertEquals(0, r.exitCode, r.toString());
        return Json.parse(r.out).get("jobs").get(0);
    }

    @ParameterizedTest
    @ValueSource(strings = {"uring", "kaio", "threads", "auto", "jdk-afc", "jdk-fc", "jaio-afc", "jaio-fc", "posix"})
    void randomReadsForASecond(String engine) {
        assumeAvailable(engine);
        JsonNode job = runJson("--engine=" + engine, "--runtime=1", "--iodepth=8");
        JsonNode read = job.get("read");
        assertTrue(read.get("total_ios").asLong() > 0, job.toString());
        assertTrue(read.get("iops").asDouble() > 0);
        assertEquals(read.get("total_ios").asLong() * 4096, read.get("io_bytes").asLong());
        assertEquals(0, job.get("write").get("total_ios").asLong());
        assertEquals(0, job.get("error").asInt());
        if (!engine.equals("auto") && !engine.startsWith("jdk") && !engine.startsWith("jaio-") && !engine.equals("posix")) {
            assertEquals(engine, job.get("jaio").get("engine").asText());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"kaio", "threads", "jdk-afc", "jdk-fc", "jaio-afc", "jaio-fc", "posix"})
    void mixedReadsAndWritesWithFsync(String engine) {
        assumeAvailable(engine);
        JsonNode job = runJson("--engine=" + engine, "--rw=randrw", "--rwmixread=50", "--fsync=64", "--runtime=1",
                "--iodepth=4");
        assertTrue(job.get("read").get("total_ios").asLong() > 0, job.toString());
        assertTrue(job.get("write").get("total_ios").asLong() > 0, job.toString());
        assertTrue(job.get("sync").get("total_ios").asLong() > 0, job.toString());
    }

    /** --thread=virtual: the job loops run on virtual threads, for the channel engines and jaio's alike. */
    @ParameterizedTest
    @ValueSource(strings = {"jdk-fc", "jaio-fc", "jaio-afc", "threads"})
    void virtualThreadJobs(String engine) {
        JsonNode job = runJson("--engine=" + engine, "--runtime=1", "--numjobs=4", "--thread=virtual");
        assertTrue(job.get("read").get("total_ios").asLong() > 0, job.toString());
        assertEquals(0, job.get("error").asInt());
    }

    /**
     * Many jobs start together and each clone does I/O in the window (no assertion of speed).
     * The runner used to start the threads while the first ones ran: with 128 io_uring jobs on
     * 2 cores the last 81 began after the run's end. That needs few cores to show; this is the
     * cheap check, on any machine, that the start gate lets every clone through.
     */
    @Test
    void everyCloneOfManyTakesPart() {
        JsonNode all = Json.parse(BenchCli.run("--filename=" + file, "--size=8m", "--output-format=json", "--invalidate=0",
                "--engine=jdk-fc", "--numjobs=128", "--group_reporting=0", "--runtime=1", "--ramp_time=0").out).get("jobs");
        assertEquals(128, all.size());
        for (JsonNode job : all) {
            assertTrue(job.get("read").get("total_ios").asLong() > 0, "a clone did no I/O: " + job.get("jobname"));
        }
    }

    @Test
    void sizeBoundSequentialReadCoversTheFileOnce() {
        JsonNode job = runJson("--engine=threads", "--rw=read", "--time_based=0", "--runtime=0", "--bs=64k",
                "--iodepth_batch_submit=4", "--iodepth_batch_complete_min=2");
        assertEquals(8L << 20, job.get("read").get("io_bytes").asLong());
        assertEquals(128, job.get("read").get("total_ios").asLong());
    }

    @Test
    void numjobsAreSummedIntoOneJob() {
        JsonNode job = runJson("--engine=threads", "--rw=read", "--time_based=0", "--runtime=0", "--numjobs=2", "--bs=64k");
        assertEquals(2 * (8L << 20), job.get("read").get("io_bytes").asLong(), "each job reads the region once");
        assertEquals(2, job.get("numjobs").asInt());
    }

    @Test
    void directIoAndInvalidateRun() {
        JsonNode job = runJson("--engine=threads", "--direct=1", "--invalidate=1", "--runtime=1", "--ramp_time=200ms");
        assertTrue(job.get("read").get("total_ios").asLong() > 0);
        assertEquals("1", job.get("job options").get("direct").asText());
    }

    /**
     * The ramp restarts the statistics every 100 ms (so that the JIT has seen a restart before
     * the one that counts) and for good at its end: at a fixed rate the run counts what one
     * second of it makes, not the ramp's 450 ms on top, nor less.
     */
    @Test
    void aRampOfSeveralStepsCountsOnlyTheSecondAfterIt() {
        JsonNode job = runJson("--engine=threads", "--rate_iops=2000", "--ramp_time=450ms", "--runtime=1",
                "--time_based=1");
        long ios = job.get("read").get("total_ios").asLong();
        assertTrue(ios >= 1600 && ios <= 2200 + 2, ios + " I/Os counted in 1 s at rate_iops=2000 after a 450 ms ramp");
    }

    @Test
    void textReportLooksLikeFio() {
        BenchCli r = BenchCli.run("--filename=" + file, "--size=8m", "--invalidate=0", "--engine=threads", "--runtime=1");
        assertEquals(0, r.exitCode, r.toString());
        for (String s : new String[] {"read: IOPS=", "BW=", "clat (", "clat percentiles", "50.00th=[", "99.99th=[",
            "cpu          : usr=", "ctx=", "ctx/io=", "Run status group 0 (all jobs):"}) {
            assertTrue(r.out.contains(s), "missing '" + s + "' in\n" + r.out);
        }
    }

    @Test
    void latencyPlotIsAnSvgWithALine() throws Exception {
        Path svg = dir.resolve("lat.svg");
        BenchCli r = BenchCli.run("--filename=" + file, "--size=8m", "--invalidate=0", "--engine=jdk-fc", "--runtime=1",
                "--latency-plot=" + svg);
        assertEquals(0, r.exitCode, r.toString());
        String s = Files.readString(svg);
        assertTrue(s.startsWith("<svg") && s.contains("<polyline") && s.trim().endsWith("</svg>"), s);
    }

    @Test
    void anEngineNotAvailableIsAUsageErrorWithTheReason() {
        EngineInfo u = EngineInfo.probe(Engine.IO_URING);
        assumeTrue(!u.available(), "io_uring is available here");
        BenchCli r = BenchCli.run("--filename=" + file, "--size=8m", "--engine=uring", "--runtime=1");
        assertEquals(2, r.exitCode, r.toString());
        assertEquals("--engine: uring is not available here: " + u.reason(), r.err.strip());
    }
}
