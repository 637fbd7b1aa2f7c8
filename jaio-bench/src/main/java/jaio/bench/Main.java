package jaio.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.util.List;
import jaio.bench.cli.BenchCommand;
import jaio.bench.cli.JobSpec;
import jaio.bench.cli.UsageException;
import jaio.bench.report.JsonReport;
import jaio.bench.report.LatencyPlot;
import jaio.bench.report.TextReport;
import jaio.bench.run.BenchRunner;
import jaio.bench.run.EngineUnavailableException;
import jaio.bench.run.RunResult;
import picocli.CommandLine;

/**
 * Entry point of {@code ./jaio bench} (the fio-like benchmark) and {@code ./jaio engines}.
 * Exit codes: 0 done, 1 I/O errors or verify mismatches (or the run failed), 2 bad usage or an
 * engine this machine does not allow.
 */
public final class Main {
    /** The run completed and found nothing wrong. */
    public static final int OK = 0;
    /** I/O errors, verify mismatches, or a failure while running. */
    public static final int FAILED = 1;
    /** The command line cannot be run: a bad option, or an engine not available here. */
    public static final int USAGE = 2;

    private Main() {}

    public static void main(String[] args) {
        java.io.Console console = System.console();
        boolean terminal = console != null && console.isTerminal();
        System.exit(run(args, System.out, System.err, terminal));
    }

    /**
     * Runs the tool as the command line would, printing to the given streams.
     *
     * @param progress whether to draw the live progress line (only on a terminal)
     * @return the exit code
     */
    public static int run(String[] args, PrintStream out, PrintStream err, boolean progress) {
        if (args.length > 0 && args[0].equals("engines")) {
            return EnginesReport.run(List.of(args).subList(1, args.length), out, err);
        }
        BenchCommand cmd = new BenchCommand();
        CommandLine cl = BenchCommand.parser(cmd);
        JobSpec spec;
        try {
            cl.parseArgs(args);
            if (cl.isUsageHelpRequested()) {
                cl.usage(out);
                return OK;
            }
            spec = cmd.toSpec();
        } catch (CommandLine.ParameterException e) {
            err.println(oneLine(e));
            return USAGE;
        } catch (UsageException e) {
            err.println(e.getMessage());
            return USAGE;
        }
        RunResult result;
        try {
            result = BenchRunner.run(spec, err, progress ? out : null);
        } catch (UsageException | EngineUnavailableException e) {
            err.println(e.getMessage());
            return USAGE;
        } catch (IOException e) {
            err.println("jaio bench: " + e.getMessage());
            return FAILED;
        }
        if (spec.json()) {
            JsonReport.write(result, out);
        } else {
            TextReport.write(result, out);
        }
        out.flush();
        if (spec.latencyPlot() != null) {
            try {
                LatencyPlot.write(result, spec.latencyPlot());
            } catch (IOException e) {
                err.println("--latency-plot: cannot write " + spec.latencyPlot() + ": " + e.getMessage());
                return FAILED;
            }
        }
        return result.failed() ? FAILED : OK;
    }

    /** picocli's complaint, as one line that names the option. */
    private static String oneLine(CommandLine.ParameterException e) {
        if (e instanceof CommandLine.UnmatchedArgumentException u && !u.getUnmatched().isEmpty()) {
            String a = u.getUnmatched().get(0);
            String opt = a.contains("=") ? a.substring(0, a.indexOf('=')) : a;
            return opt + ": not an option of ./jaio bench (./jaio bench --help lists them)";
        }
        if (e instanceof CommandLine.MissingParameterException m && !m.getMissing().isEmpty()
                && m.getMissing().get(0) instanceof CommandLine.Model.OptionSpec o) {
            return o.longestName() + ": needs a value (" + o.paramLabel() + ")";
        }
        return e.getMessage().lines().findFirst().orElse("bad command line");
    }
}
