package jaio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Automatic selection against a real refusal (E5): a JVM started under a seccomp filter that
 * makes io_uring_setup fail with EPERM (what container runtimes' default profiles do) opens
 * its context on the next engine, and says why io_uring was passed over. Skipped where gcc,
 * the seccomp headers or io_uring itself are missing.
 */
class SeccompFallbackTest {

    @TempDir
    Path dir;

    /** Run in the child JVM: prints what automatic selection found, for the parent to read (not the build log). */
    public static void main(String[] args) throws IOException {
        try (IoContext ctx = IoContext.open(8)) {
            System.out.println("engine=" + ctx.engine().shortName());
            System.out.println("passedOver=" + ctx.engineInfo().passedOver());
            System.out.println("uring=" + EngineInfo.probe(Engine.IO_URING).reason());
            Request noop = Request.noop();
            ctx.submit(noop);
            System.out.println("noop=" + ctx.await(noop, java.time.Duration.ofSeconds(10)).result());
        }
    }

    @Test
    void aJvmWhoseIoUringIsBlockedFallsBackAndSaysWhy() throws Exception {
        assumeTrue(EngineInfo.probe(Engine.IO_URING).available(), "io_uring unavailable anyway");
        assumeTrue(new ProcessBuilder("gcc", "--version").start().waitFor() == 0, "no gcc here");
        Path src = dir.resolve("deny-io-uring.c");
        try (InputStream in = SeccompFallbackTest.class.getResourceAsStream("deny-io-uring.c")) {
            Files.write(src, in.readAllBytes());
        }
        Path exe = dir.resolve("deny-io-uring");
        Process cc = new ProcessBuilder("gcc", "-O1", "-o", exe.toString(), src.toString()).redirectErrorStream(true).start();
        String ccOut = new String(cc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assumeTrue(cc.waitFor() == 0, () -> "cannot build the seccomp helper here: " + ccOut);

        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(List.of(exe.toString(), java, "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), SeccompFallbackTest.class.getName()))
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "child JVM finished");
        assertEquals(0, p.exitValue(), () -> "child JVM failed:\n" + out);
        assertTrue(out.contains("engine=kaio") || out.contains("engine=threads"), out);
        assertTrue(out.contains("passedOver=[uring: io_uring_setup: EPERM"), out);
        assertTrue(out.contains("seccomp"), () -> "the reason names the likely cause:\n" + out);
        assertTrue(out.contains("noop=0"), out);
        assertTrue(!out.contains("WARNING"), () -> "no JVM warnings:\n" + out);
    }
}
