package jaio.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The JSON report carries fio's names where fio measures the same thing, so one parser reads both. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class JsonShapeTest {
    @TempDir
    Path dir;

    @Test
    void fioFieldsAreWhereFioPutsThem() {
        Path f = dir.resolve("j.dat");
        BenchCli r = BenchCli.run("--filename=" + f, "--size=4m", "--engine=threads", "--runtime=1", "--invalidate=0",
                "--output-format=json", "--name=shape");
        assertEquals(0, r.exitCode, r.toString());
        JsonNode root = Json.parse(r.out);
        JsonNode job = root.get("jobs").get(0);
        assertEquals("shape", job.get("jobname").asText());
        JsonNode read = job.get("read");
        long ios = read.get("total_ios").asLong();
        assertTrue(ios > 0);
        assertTrue(read.get("iops").isNumber() && read.get("iops").asDouble() > 0);
        assertTrue(read.get("bw_bytes").asLong() > 0);
        assertEquals(read.get("bw_bytes").asLong() / 1024, read.get("bw").asLong(), 1);
        assertTrue(read.get("runtime").asLong() > 0);
        JsonNode clat = read.get("clat_ns");
        assertEquals(ios, clat.get("N").asLong());
        assertTrue(clat.get("mean").asDouble() > 0);
        assertTrue(clat.get("min").asLong() <= clat.get("max").asLong());
        for (String p : new String[] {"1.000000", "50.000000", "90.000000", "99.000000", "99.900000", "99.990000"}) {
            assertTrue(clat.get("percentile").has(p), p);
        }
        long p50 = clat.get("percentile").get("50.000000").asLong();
        long p99 = clat.get("percentile").get("99.000000").asLong();
        assertTrue(p50 > 0 && p50 <= p99, p50 + " " + p99);
        assertTrue(read.get("slat_ns").has("mean") && read.get("lat_ns").has("mean"));
        assertTrue(job.get("usr_cpu").isNumber() && job.get("sys_cpu").isNumber());
        assertTrue(job.get("ctx").asLong() >= 0);
        assertTrue(job.get("job_runtime").asLong() > 0);
        assertTrue(job.has("write") && job.has("trim") && job.has("sync"));
        assertEquals("randread", job.get("job options").get("rw").asText());
        JsonNode jaio = job.get("jaio");
        assertEquals("threads", jaio.get("engine").asText());
        assertTrue(jaio.get("ctx_per_io").asDouble() >= 0);
        // The context's counters start at the first reap of the measured window: that reap's events are counted
        // by the job, not in the counters' delta, so they differ by at most one reap (complete_max = iodepth = 32).
        long reaped = jaio.get("context_stats").get("reaped").asLong();
        assertTrue(reaped <= ios && reaped >= ios - 32, reaped + " vs " + ios);
        assertTrue(jaio.get("job_threads").get("alloc_bytes_per_io").isNumber());
    }
}
