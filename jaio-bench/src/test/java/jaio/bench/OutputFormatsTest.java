package jaio.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import jaio.bench.report.TerseReport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** fio's normal, json, json+ and terse outputs, parsed back; jobs per clone or summed by group_reporting. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class OutputFormatsTest {
    @TempDir
    static Path dir;
    static Path job;
    static BenchCli run;
    static String terse;
    static JsonNode json;
    static String normal;

    /** Two groups: a mixed job of two clones reported apart, then (stonewalled) two summed clones. */
    @BeforeAll
    static void runOnce() throws Exception {
        job = dir.resolve("two-groups.fio");
        Files.writeString(job, """
                [global]
                directory=${DIR}
                size=2m
                ioengine=threads
                iodepth=4
                runtime=300ms
                time_based
                invalidate=0
                percentile_list=50:99:99.9
                [mixed]
                rw=randrw
                rwmixread=70
                numjobs=2
                description=two clones reported apart
                [summed]
                stonewall
                rw=read
                bs=16k
                numjobs=2
                group_reporting
                """);
        Path out = dir.resolve("report.txt");
        run = BenchCli.runWith(Map.of("DIR", dir.toString()), job.toString(), "--output-format=terse,json+,normal",
                "--output=" + out, "--eta=never");
        assertEquals(0, run.exitCode, run.toString());
        assertEquals("", run.out, "--output takes the report");
        String all = Files.readString(out);
        int brace = all.indexOf("\n{") + 1;
        terse = all.substring(0, brace);
        int end = all.indexOf("\n}\n", brace) + 3;
        json = Json.parse(all.substring(brace, end));
        normal = all.substring(end);
    }

    @Test
    void jsonHasFiosShapeAndNames() {
        assertTrue(json.get("fio version").asText().startsWith("fio-3.33"), json.get("fio version").asText());
        assertTrue(json.get("timestamp").isNumber() && json.get("timestamp_ms").isNumber() && json.has("time"));
        assertEquals("2m", json.get("global options").get("size").asText());
        JsonNode jobs = json.get("jobs");
        assertEquals(3, jobs.size(), "two clones apart, two summed into one");
        assertEquals("mixed", jobs.get(0).get("jobname").asText());
        assertEquals("mixed", jobs.get(1).get("jobname").asText());
        assertEquals("summed", jobs.get(2).get("jobname").asText());
        assertEquals(0, jobs.get(1).get("groupid").asInt());
        assertEquals(1, jobs.get(2).get("groupid").asInt());
        assertEquals("two clones reported apart", jobs.get(0).get("desc").asText());
        assertEquals("randrw", jobs.get(0).get("job options").get("rw").asText());
        assertFalse(jobs.get(0).get("job options").has("size"), "a global option is not a job option in fio's JSON");
        for (JsonNode j : jobs) {
            for (String f : new String[] {"error", "eta", "elapsed", "job options", "read", "write", "trim", "sync", "job_runtime",
                "usr_cpu", "sys_cpu", "ctx", "majf", "minf", "iodepth_level", "latency_ns", "latency_us", "latency_ms",
                "latency_depth", "latency_target", "latency_percentile", "latency_window"}) {
                assertTrue(j.has(f), f + " missing from " + j.get("jobname"));
            }
            for (String d : new String[] {"read", "write", "trim"}) {
                JsonNode x = j.get(d);
                for (String f : new String[] {"io_bytes", "io_kbytes", "bw_bytes", "bw", "iops", "runtime", "total_ios",
                    "short_ios", "drop_ios", "slat_ns", "clat_ns", "lat_ns", "bw_min", "bw_max", "bw_agg", "bw_mean", "bw_dev",
                    "bw_samples", "iops_min", "iops_max", "iops_mean", "iops_stddev", "iops_samples"}) {
                    assertTrue(x.has(f), d + "." + f + " missing");
                }
            }
            assertTrue(j.get("latency_ms").has(">=2000"));
            double levels = 0;
            for (JsonNode v : j.get("iodepth_level")) {
                levels += v.asDouble();
            }
            assertEquals(100, levels, 0.01);
        }
        JsonNode read = jobs.get(0).get("read");
        assertTrue(read.get("total_ios").asLong() > 0);
        assertTrue(jobs.get(0).get("write").get("total_ios").asLong() > 0);
        JsonNode clat = read.get("clat_ns");
        assertEquals(List.of("50.000000", "99.000000", "99.900000"), fieldNames(clat.get("percentile")), "percentile_list");
        long binned = 0;
        for (JsonNode v : clat.get("bins")) {
            binned += v.asLong();
        }
        assertEquals(clat.get("N").asLong(), binned, "json+ bins count every completion");
        JsonNode summed = jobs.get(2);
        assertEquals(2, summed.get("numjobs").asInt());
        assertEquals(0, summed.get("write").get("total_ios").asLong());
        assertEquals(summed.get("read").get("total_ios").asLong() * 16384, summed.get("read").get("io_bytes").asLong());
    }

    private static List<String> fieldNames(JsonNode n) {
        List<String> l = new java.util.ArrayList<>();
        n.fieldNames().forEachRemaining(l::add);
        return l;
    }

    @Test
    void terseIsVersionThreeLineByLine() {
        String[] lines = terse.strip().split("\n");
        assertEquals(3, lines.length, terse);
        JsonNode jobs = json.get("jobs");
        for (int i = 0; i < lines.length; i++) {
            String[] f = lines[i].split(";", -1);
            JsonNode j = jobs.get(i);
            boolean desc = j.has("desc");
            assertEquals(TerseReport.FIELDS + (desc ? 1 : 0), f.length, lines[i]);
            assertEquals("3", f[0]);
            assertEquals("fio-3.33", f[1]);
            assertEquals(j.get("jobname").asText(), f[2]);
            assertEquals(j.get("groupid").asText(), f[3]);
            assertEquals(j.get("read").get("io_kbytes").asLong(), Long.parseLong(f[5]), "read KiB");
            assertEquals(j.get("read").get("iops").asDouble(), Double.parseDouble(f[7]), 1.0, "read IOPS");
            assertTrue(f[17].startsWith("50.000000%="), f[17]);
            assertEquals("0%=0", f[36], "unused percentile fields");
            assertEquals(j.get("write").get("io_kbytes").asLong(), Long.parseLong(f[46]), "write KiB");
            assertTrue(f[87].endsWith("%") && f[88].endsWith("%"), "cpu");
            assertEquals(j.get("ctx").asLong(), Long.parseLong(f[89]));
            if (desc) {
                assertEquals("two clones reported apart", f[121]);
            }
        }
    }

    @Test
    void normalOutputLooksLikeFiosPerJobAndGroup() {
        for (String s : new String[] {"mixed: (g=0): rw=randrw", "summed: (g=1): rw=read, bs=(R) 16384B-16384B",
            "mixed: (groupid=0, jobs=1): err= 0", "summed: (groupid=1, jobs=2): err= 0", "  read: IOPS=", "  write: IOPS=",
            "clat percentiles (", "50.00th=[", "99.90th=[", "IO depths    : 1=", "Run status group 0 (all jobs):",
            "Run status group 1 (all jobs):", "   READ: bw=", "  WRITE: bw=", "Description  : [two clones reported apart]"}) {
            assertTrue(normal.contains(s), "missing '" + s + "' in\n" + normal);
        }
    }
}
