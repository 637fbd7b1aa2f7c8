package jaio.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import jaio.Engine;
import jaio.EngineInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** SPEC B2: blocks written with --verify carry a checked header; a corrupted block is reported by offset, exit code 1. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class VerifyTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"kaio", "threads", "jdk-afc", "jdk-fc", "jaio-afc", "jaio-fc"})
    void aCorruptedBlockIsFoundByItsOffset(String engine) throws Exception {
        if (engine.equals("kaio")) {
            EngineInfo i = EngineInfo.probe(Engine.KAIO);
            assumeTrue(i.available(), () -> "kaio is not available here: " + i.reason());
        }
        Path f = dir.resolve("v.dat");
        String[] common = {"--filename=" + f, "--size=2m", "--bs=4k", "--time_based=0", "--runtime=0", "--engine=" + engine,
            "--invalidate=0"};
        BenchCli w = BenchCli.run(concat(common, "--rw=write", "--verify=crc32c", "--output-format=json"));
        assertEquals(0, w.exitCode, w.toString());
        JsonNode wv = Json.parse(w.out).get("jobs").get(0).get("jaio").get("verify");
        assertEquals(512, wv.get("checked_after_run").asLong(), "every written block is read back");
        assertEquals(0, wv.get("mismatches").asLong());

        BenchCli clean = BenchCli.run(concat(common, "--rw=read", "--verify=crc32c"));
        assertEquals(0, clean.exitCode, clean.toString());
        assertTrue(clean.out.contains("512 blocks checked as read") && clean.out.contains("0 bad blocks"), clean.out);

        long bad = 37 * 4096L;
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(new byte[] {1, 2, 3, 4}), bad + 1000);
        }
        BenchCli r = BenchCli.run(concat(common, "--rw=read", "--verify=crc32c"));
        assertEquals(1, r.exitCode, r.toString());
        assertTrue(r.out.contains("mismatch: offset " + bad + ": checksum"), r.out);
        assertTrue(r.out.contains("1 bad blocks"), r.out);

        BenchCli j = BenchCli.run(concat(common, "--rw=randread", "--verify=crc32c", "--time_based=1", "--runtime=300ms",
                "--output-format=json"));
        assertEquals(1, j.exitCode, j.toString());
        JsonNode v = Json.parse(j.out).get("jobs").get(0).get("jaio").get("verify");
        assertEquals(1, v.get("mismatches").asLong(), "a block read many times is one bad block");
        assertTrue(v.get("mismatch_list").get(0).asText().startsWith("offset " + bad + ":"), v.toString());
    }

    private static String[] concat(String[] a, String... b) {
        String[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
