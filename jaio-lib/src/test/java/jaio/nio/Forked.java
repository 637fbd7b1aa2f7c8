package jaio.nio;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a main class of the test class path in a JVM of its own, with extra JVM options. */
final class Forked {
    private Forked() {}

    /** What a forked JVM printed (stdout and stderr together) and how it ended. */
    record Result(int exit, String output) {}

    static Result run(List<String> jvmOptions, Class<?> main, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("--enable-native-access=ALL-UNNAMED");
        cmd.addAll(jvmOptions);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(main.getName());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] out;
        try {
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                out = p.getInputStream().readAllBytes();
                return new Result(-1, "timed out after 120 s\n" + new String(out, StandardCharsets.UTF_8));
            }
            out = p.getInputStream().readAllBytes();
        } finally {
            p.destroy();
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }
}
