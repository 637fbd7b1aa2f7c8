package jaio.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** ./jaio plot overlays saved fio and jaio results on one logarithmic latency plot; --latency-plot draws a run. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PlotTest {
    private static final Path FIO_RESULT = Path.of("src/test/resources/results/fio-3.33-randread.json");

    @TempDir
    Path dir;

    private static int count(String s, String what) {
        Matcher m = Pattern.compile(Pattern.quote(what)).matcher(s);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    @Test
    void aFioResultAndAJaioResultOnOnePicture() throws Exception {
        Path jaio = dir.resolve("jaio.json");
        BenchCli r = BenchCli.run("--filename=" + dir.resolve("d.dat"), "--size=2m", "--engine=threads", "--runtime=300ms",
                "--invalidate=0", "--rw=randrw", "--output-format=json", "--output=" + jaio, "--name=mine");
        assertEquals(0, r.exitCode, r.toString());
        Path svg = dir.resolve("both.svg");
        BenchCli p = BenchCli.run("plot", "-o", svg.toString(), "--title", "fio vs jaio", FIO_RESULT.toString(), jaio.toString());
        assertEquals(0, p.exitCode, p.toString());
        String s = Files.readString(svg);
        assertTrue(s.startsWith("<svg") && s.trim().endsWith("</svg>"));
        assertEquals(3, count(s, "<polyline"), "fio's read, jaio's read and write");
        assertTrue(s.contains("fio-3.33-randread: fio-randread (psync) read"), "legend names the fio run and its engine");
        assertTrue(s.contains("jaio: mine (threads) read") && s.contains("jaio: mine (threads) write"), s);
        assertTrue(s.contains(">1 us<") && s.contains(">10 us<") && s.contains(">100 us<"), "a decade per grid line");
        assertTrue(s.contains("fio vs jaio"));
    }

    @Test
    void badInputIsAUsageError() throws Exception {
        BenchCli none = BenchCli.run("plot");
        assertEquals(2, none.exitCode);
        Path junk = Files.writeString(dir.resolve("junk.json"), "{\"x\": 1}");
        BenchCli j = BenchCli.run("plot", junk.toString());
        assertEquals(2, j.exitCode);
        assertEquals(junk + ": not a fio or jaio JSON result (no \"jobs\")", j.err.strip());
    }

    @Test
    void theRunsOwnPlot() throws Exception {
        Path svg = dir.resolve("run.svg");
        BenchCli r = BenchCli.run("--filename=" + dir.resolve("e.dat"), "--size=2m", "--engine=threads", "--runtime=300ms",
                "--invalidate=0", "--latency-plot=" + svg);
        assertEquals(0, r.exitCode, r.toString());
        String s = Files.readString(svg);
        assertEquals(1, count(s, "<polyline"));
        assertTrue(s.contains("jaio-bench (threads) read"), s);
    }
}
