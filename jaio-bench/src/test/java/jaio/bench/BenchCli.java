package jaio.bench;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Runs the tool in-process, as {@code ./jaio bench ARGS} would, and keeps what it printed. */
final class BenchCli {
    final int exitCode;
    final String out;
    final String err;

    private BenchCli(int exitCode, String out, String err) {
        this.exitCode = exitCode;
        this.out = out;
        this.err = err;
    }

    static BenchCli run(String... args) {
        return runWith(System.getenv(), args);
    }

    /** Runs with {@code env} as the environment job files expand ${VAR} from. */
    static BenchCli runWith(java.util.Map<String, String> env, String... args) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        int code;
        try (PrintStream po = new PrintStream(o, true, StandardCharsets.UTF_8);
             PrintStream pe = new PrintStream(e, true, StandardCharsets.UTF_8)) {
            code = Main.run(args, po, pe, false, env);
        }
        return new BenchCli(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return "exit " + exitCode + "\n--- out\n" + out + "--- err\n" + err;
    }
}
