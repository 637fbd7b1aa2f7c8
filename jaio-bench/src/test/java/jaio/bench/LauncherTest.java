package jaio.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher script's commands that the bench scripts build on and that need no build:
 * {@code ./jaio java-home} names a JDK of at least 25 even when JAVA_HOME names something else
 * (the bench scripts take jwebserver from it), and {@code ./jaio run} without a class says what
 * it needs. The commands that build and run are exercised by the bench scripts themselves.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LauncherTest {
    private static final Path LAUNCHER = Path.of("..", "jaio").toAbsolutePath().normalize();

    @TempDir
    Path dir;

    private record Run(int code, String out) {}

    private Run launcher(String javaHome, String... args) throws IOException, InterruptedException {
        List<String> cmd = new java.util.ArrayList<>(List.of("bash", LAUNCHER.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("JAVA_HOME", javaHome);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the launcher did not finish");
        return new Run(p.exitValue(), out);
    }

    @Test
    void javaHomeNamesAJdkOf25OrLaterWhateverJavaHomeSays() throws Exception {
        Path notAJdk = Files.createDirectories(dir.resolve("not-a-jdk"));
        Run r = launcher(notAJdk.toString(), "java-home");
        assertEquals(0, r.code(), r.out());
        Path home = Path.of(r.out().strip());
        assertTrue(Files.isExecutable(home.resolve("bin/java")), "no bin/java in " + home);
        Process v = new ProcessBuilder(home.resolve("bin/java").toString(), "-version").redirectErrorStream(true).start();
        String version = new String(v.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        v.waitFor();
        Matcher m = Pattern.compile("version \"(\\d+)").matcher(version);
        assertTrue(m.find(), version);
        assertTrue(Integer.parseInt(m.group(1)) >= 25, version);
    }

    @Test
    void runWithoutAClassSaysWhatItNeeds() throws Exception {
        Run r = launcher(System.getProperty("java.home"), "run");
        assertEquals(2, r.code(), r.out());
        assertTrue(r.out().contains("run needs a main class"), r.out());
    }
}
