package jaio.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import jaio.Engine;
import jaio.EngineInfo;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * fio's block-I/O example job files (src/test/resources/jobs, written after fio's examples/)
 * run unchanged but for filename, size and runtime pointed at a scratch folder, briefly.
 * Most use libaio: skipped with the reason where native AIO is not allowed.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ExampleJobsTest {
    private static final Path JOBS = Path.of("src/test/resources/jobs");

    @TempDir
    static Path dir;

    @BeforeAll
    static void needKaio() {
        EngineInfo i = EngineInfo.probe(Engine.KAIO);
        assumeTrue(i.available(), () -> "the examples use libaio, and kaio is not available here: " + i.reason());
    }

    private static JsonNode run(String file) {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("JAIO_DIR", dir.toString());
        env.put("JAIO_SIZE", "2m");
        env.put("JAIO_RUNTIME", "300ms");
        BenchCli r = BenchCli.runWith(env, JOBS.resolve(file).toString(), "--output-format=json", "--eta=never");
        assertEquals(0, r.exitCode, r.toString());
        return Json.parse(r.out).get("jobs");
    }

    private static long ios(JsonNode j) {
        return j.get("read").get("total_ios").asLong() + j.get("write").get("total_ios").asLong();
    }

    /** file | entries in the report (clones apart unless group_reporting) | groups. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "rand-read.fio | 1 | 1",
        "rand-rw.fio | 2 | 1",
        "iometer-file-server.fio | 1 | 1",
        "rand-zones.fio | 1 | 1",
        "ssd-test.fio | 4 | 4",
        "jesd219.fio | 1 | 1",
        "tiobench.fio | 16 | 4",
        "aio-read.fio | 4 | 1",
        "zipf.fio | 2 | 2",
    })
    void runsAsFioWouldLayItOut(String file, int entries, int groups) {
        JsonNode jobs = run(file);
        assertEquals(entries, jobs.size(), file);
        assertEquals(groups - 1, jobs.get(jobs.size() - 1).get("groupid").asInt(), file);
        for (JsonNode j : jobs) {
            assertTrue(ios(j) > 0, file + ": " + j.get("jobname") + " did no I/O");
            assertEquals(0, j.get("error").asInt(), j.toString());
        }
    }

    @Test
    void basicVerifyWritesThenReadsEveryBlockBack() {
        JsonNode j = run("basic-verify.fio").get(0);
        long written = j.get("write").get("total_ios").asLong();
        assertEquals(512, written, "size-bound: every 4k block of 2m once");
        JsonNode v = j.get("jaio").get("verify");
        assertEquals(written, v.get("checked_after_run").asLong());
        assertEquals(0, v.get("mismatches").asLong());
        assertEquals(written, j.get("read").get("total_ios").asLong(), "the read-back counts as reads, as fio's verify phase");
    }

    @Test
    void aRateLimitCapsTheIops() {
        JsonNode j = run("fixed-rate-submission.fio").get(0);
        long ios = ios(j);
        double seconds = j.get("job_runtime").asDouble() / 1000;
        assertTrue(ios > 0 && ios <= 1000 * seconds * 1.1 + 2, ios + " I/Os in " + seconds + " s at rate_iops=1000");
    }

    /** thinktime, iodepth_low, verify_backlog and per-I/O latency logs, in one group. */
    @Test
    void pacingBacklogAndLogs() throws Exception {
        Path f = dir.resolve("features.fio");
        Files.writeString(f, """
                [global]
                directory=${JAIO_DIR}
                size=${JAIO_SIZE}
                ioengine=libaio
                runtime=${JAIO_RUNTIME}
                [think]
                rw=randread
                time_based
                thinktime=1ms
                thinktime_blocks=4
                iodepth=4
                [low]
                rw=randread
                time_based
                iodepth=16
                iodepth_low=4
                [backlog]
                rw=randwrite
                runtime=0
                size=512k
                verify=md5
                verify_backlog=32
                iodepth=8
                [logged]
                rw=randrw
                time_based
                iodepth=2
                write_lat_log=${JAIO_DIR}/per-io
                """);
        JsonNode jobs = run(f.toAbsolutePath().toString());
        assertEquals(4, jobs.size());
        for (JsonNode j : jobs) {
            assertTrue(ios(j) > 0, j.get("jobname").asText());
        }
        JsonNode backlog = jobs.get(2);
        long written = backlog.get("write").get("total_ios").asLong();
        assertEquals(128, written);
        assertEquals(written, backlog.get("jaio").get("verify").get("checked_after_run").asLong(),
                "each written block is read back once: by its backlog or at the end");
        JsonNode logged = jobs.get(3);
        long lines = Files.readAllLines(dir.resolve("per-io_clat.4.log")).size();
        assertEquals(ios(logged), lines, "one clat line per I/O");
    }

    @Test
    void theSteadyStateExampleLogsItsBandwidth() throws Exception {
        JsonNode jobs = run("ssd-steadystate.fio");
        assertEquals(2, jobs.size(), "group_reporting: one entry per group");
        assertEquals(2, jobs.get(1).get("numjobs").asInt());
        try (var s = Files.list(dir)) {
            long logs = s.filter(p -> p.getFileName().toString().matches("steady-state_bw\\.\\d+\\.log")).count();
            assertEquals(2, logs, "one bandwidth log per clone");
        }
    }
}
