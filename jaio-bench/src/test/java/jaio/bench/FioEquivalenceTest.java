package jaio.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import jaio.Engine;
import jaio.EngineInfo;
import jaio.bench.cli.PlanReader;
import jaio.bench.plan.FileLayout;
import jaio.bench.plan.IoSequence;
import jaio.bench.plan.Plan;
import jaio.bench.plan.Seeds;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * jaio's plan of a job file against what fio 3.33 does with it: the jobs and their groups, the
 * bytes each job moves, and every I/O in order (direction, block size, offset) for the fixed
 * seeds, read from fio's own per-I/O logs of small runs (psync, depth 1, so its logs are in
 * issue order). Skipped with the reason when fio 3.33 is not installed.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FioEquivalenceTest {
    private static final Path JOBS = Path.of("src/test/resources/equivalence");

    @TempDir
    Path dir;

    @BeforeAll
    static void needFio() {
        String v = fioVersion();
        assumeTrue(v != null, "fio is not installed (the equivalence test runs it)");
        assumeTrue(v.equals("fio-3.33"), "fio is " + v + "; jaio follows fio 3.33's streams");
    }

    private static String fioVersion() {
        try {
            Process p = new ProcessBuilder("fio", "--version").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).trim();
            return p.waitFor() == 0 ? out : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private Map<String, String> env(String tool) {
        Map<String, String> e = new HashMap<>(System.getenv());
        e.put("DIR", dir.toString());
        e.put("TOOL", tool);
        return e;
    }

    private void fio(Path job, Map<String, String> env, String... extra) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("fio", job.toAbsolutePath().toString()));
        cmd.addAll(List.of(extra));
        // in the scratch folder: fio leaves its verify state files in the working directory
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).directory(dir.toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), "fio failed: " + out);
    }

    /** One I/O as fio's latency log records it: direction, block size, offset. */
    private record Io(int dir, long bs, long offset) {}

    @ParameterizedTest
    @ValueSource(strings = {"patterns.fio", "sizes.fio", "distributions.fio", "regions.fio"})
    void theSequenceOfEveryCloneIsFios(String name) throws Exception {
        Path job = JOBS.resolve(name);
        Path logs = dir.resolve("logs");
        Files.createDirectories(logs);
        Path json = dir.resolve("fio.json");
        fio(job, env("fio"), "--write_lat_log=" + logs.resolve("L"), "--log_offset=1", "--output-format=json",
                "--output=" + json);
        Map<Integer, List<Io>> fio = new TreeMap<>();
        try (var s = Files.list(logs)) {
            for (Path f : s.filter(p -> p.getFileName().toString().startsWith("L_clat.")).toList()) {
                String[] parts = f.getFileName().toString().split("\\.");
                int thread = Integer.parseInt(parts[1]);
                List<Io> l = new ArrayList<>();
                for (String line : Files.readAllLines(f)) {
                    String[] v = line.split(",\\s*");
                    l.add(new Io(Integer.parseInt(v[2]), Long.parseLong(v[3]), Long.parseLong(v[4])));
                }
                fio.put(thread, l);
            }
        }
        Plan plan = PlanReader.read(new String[] {job.toString()}, env("jaio")).plan();
        Map<Integer, List<Io>> jaio = new TreeMap<>();
        List<String> names = new ArrayList<>();
        List<Integer> groups = new ArrayList<>();
        List<long[]> bytes = new ArrayList<>();
        for (Plan.PlannedJob j : plan.jobs()) {
            for (int c = 0; c < j.spec().numjobs(); c++) {
                FileLayout layout = FileLayout.resolve(j.spec(), j.subjob(c), null);
                IoSequence q = new IoSequence(j.spec(), layout,
                        new Seeds(j.spec().random().randrepeat(), j.spec().random().randseed(), j.thread(c)));
                IoSequence.Unit u = new IoSequence.Unit();
                List<Io> l = new ArrayList<>();
                long[] b = new long[2];
                while (q.next(u, false)) {
                    if (u.dir <= IoSequence.WRITE) {
                        l.add(new Io(u.dir, u.length, u.offset));
                        b[u.dir] += u.length;
                    }
                }
                jaio.put(j.thread(c), l);
                names.add(j.spec().name());
                groups.add(j.group());
                bytes.add(b);
            }
        }
        String text = Files.readString(json);
        // fio writes its notes ("Any use of blockalign= turns off randommap") into the file before the JSON
        JsonNode jobs = Json.parse(text.substring(text.indexOf('{'))).get("jobs");
        assertEquals(jobs.size(), names.size(), "jobs, clones included");
        for (int i = 0; i < jobs.size(); i++) {
            JsonNode j = jobs.get(i);
            assertEquals(j.get("jobname").asText(), names.get(i));
            assertEquals(j.get("groupid").asInt(), groups.get(i), names.get(i) + ": group");
            assertEquals(j.get("read").get("io_bytes").asLong(), bytes.get(i)[0], names.get(i) + ": bytes read");
            assertEquals(j.get("write").get("io_bytes").asLong(), bytes.get(i)[1], names.get(i) + ": bytes written");
        }
        assertEquals(fio.keySet(), jaio.keySet(), "thread numbers");
        for (int t : fio.keySet()) {
            List<Io> a = fio.get(t);
            List<Io> b = jaio.get(t);
            int n = 0;
            while (n < Math.min(a.size(), b.size()) && a.get(n).equals(b.get(n))) {
                n++;
            }
            assertTrue(n == a.size() && n == b.size(), "thread " + t + ": fio " + a.size() + " I/Os, jaio " + b.size()
                    + ", first difference at " + n + ": fio " + a.subList(n, Math.min(a.size(), n + 3)) + ", jaio "
                    + b.subList(n, Math.min(b.size(), n + 3)));
        }
    }

    /** "FILE read|write OFFSET LENGTH" of an iolog (sync lines without fio's stale offset). */
    private static List<String> iolog(Path p) throws IOException {
        List<String> out = new ArrayList<>();
        for (String line : Files.readAllLines(p)) {
            String[] v = line.split(" ");
            if (v.length == 5 && (v[2].equals("read") || v[2].equals("write"))) {
                out.add(v[1] + " " + v[2] + " " + v[3] + " " + v[4]);
            } else if (v.length >= 3 && (v[2].equals("sync") || v[2].equals("datasync"))) {
                out.add(v[1] + " " + v[2]);
            }
        }
        return out;
    }

    @Test
    void fsyncPointsAndFilesAreFios() throws Exception {
        Path job = JOBS.resolve("syncs.fio");
        fio(job, env("fio"), "--output=/dev/null");
        List<String> fio = iolog(dir.resolve("fio.iolog"));
        Plan plan = PlanReader.read(new String[] {job.toString()}, env("jaio")).plan();
        Plan.PlannedJob j = plan.jobs().get(0);
        FileLayout layout = FileLayout.resolve(j.spec(), 0, null);
        IoSequence q = new IoSequence(j.spec(), layout, new Seeds(true, null, 1));
        IoSequence.Unit u = new IoSequence.Unit();
        List<String> jaio = new ArrayList<>();
        while (q.next(u, false)) {
            String f = layout.files().get(u.file).fioName();
            jaio.add(u.dir == IoSequence.SYNC ? f + " sync" : u.dir == IoSequence.DATASYNC ? f + " datasync"
                    : f + " " + (u.dir == IoSequence.READ ? "read" : "write") + " " + u.offset + " " + u.length);
        }
        assertTrue(fio.stream().anyMatch(s -> s.endsWith(" sync")) && fio.stream().anyMatch(s -> s.endsWith(" datasync")));
        assertEquals(fio, jaio);
    }

    @Test
    void anEngineAtDepthEightIssuesFiosSequence() throws Exception {
        String engine = EngineInfo.probe(Engine.KAIO).available() ? "libaio" : "psync";
        Path job = JOBS.resolve("issued.fio");
        Map<String, String> fioEnv = env("fio");
        fioEnv.put("ENGINE", engine);
        fio(job, fioEnv, "--output=/dev/null");
        Map<String, String> jaioEnv = env("jaio");
        jaioEnv.put("ENGINE", engine);
        BenchCli r = BenchCli.runWith(jaioEnv, job.toString(), "--output-format=terse");
        assertEquals(0, r.exitCode, r.toString());
        for (String j : new String[] {"mixed", "strided"}) {
            assertEquals(iolog(dir.resolve("fio-" + j + ".iolog")), iolog(dir.resolve("jaio-" + j + ".iolog")), j);
        }
    }
}
