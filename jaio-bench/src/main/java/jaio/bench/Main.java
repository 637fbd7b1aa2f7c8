package jaio.bench;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import jaio.bench.cli.Help;
import jaio.bench.cli.PlanReader;
import jaio.bench.cli.UsageException;
import jaio.bench.plan.Plan;
import jaio.bench.report.JsonReport;
import jaio.bench.report.LatencyPlot;
import jaio.bench.report.PlotCommand;
import jaio.bench.report.TerseReport;
import jaio.bench.report.TextReport;
import jaio.bench.run.EngineUnavailableException;
import jaio.bench.run.JobRefused;
import jaio.bench.run.RunResult;
import jaio.bench.run.Runner;
import jaio.bench.soak.SoakCommand;

/**
 * Entry point of {@code ./jaio bench} (the fio-like benchmark), {@code ./jaio plot} (latency
 * plots of saved results), {@code ./jaio soak} (the reliability soak) and {@code ./jaio engines}. Exit codes: 0 done, 1 I/O errors or
 * verify mismatches (or the run failed), 2 bad usage or an engine this machine does not allow.
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
     * @param terminal whether the output is a terminal (the progress line is drawn there, unless --eta says otherwise)
     * @return the exit code
     */
    public static int run(String[] args, PrintStream out, PrintStream err, boolean terminal) {
        return run(args, out, err, terminal, System.getenv());
    }

    /** {@link #run(String[], PrintStream, PrintStream, boolean)} with the environment job files expand ${VAR} from. */
    public static int run(String[] args, PrintStream out, PrintStream err, boolean terminal, java.util.Map<String, String> env) {
        if (args.length > 0 && args[0].equals("engines")) {
            return EnginesReport.run(List.of(args).subList(1, args.length), out, err);
        }
        if (args.length > 0 && args[0].equals("soak")) {
            return SoakCommand.run(List.of(args).subList(1, args.length), out, err);
        }
        if (args.length > 0 && args[0].equals("plot")) {
            return PlotCommand.run(java.util.Arrays.copyOfRange(args, 1, args.length), out, err);
        }
        Plan plan;
        try {
            PlanReader.Parsed p = PlanReader.read(args, env);
            if (p.help()) {
                Help.print(out);
                return OK;
            }
            plan = p.plan();
        } catch (UsageException e) {
            err.println(e.getMessage());
            return USAGE;
        }
        for (String w : plan.warnings()) {
            err.println("jaio bench: warning: " + w);
        }
        Plan.Eta eta = plan.run().eta();
        boolean progress = eta == Plan.Eta.ALWAYS || (eta == Plan.Eta.AUTO && terminal);
        RunResult result;
        try {
            result = Runner.run(plan, err, progress ? out : null);
        } catch (JobRefused | EngineUnavailableException e) {
            err.println(e.getMessage());
            return USAGE;
        } catch (IOException e) {
            err.println("jaio bench: " + e.getMessage());
            return FAILED;
        }
        try {
            report(result, plan, out);
        } catch (IOException e) {
            err.println("--output: cannot write " + plan.run().output() + ": " + e.getMessage());
            return FAILED;
        }
        if (plan.run().latencyPlot() != null) {
            try {
                LatencyPlot.write(plan.run().latencyPlot(), "completion latency by percentile", LatencyPlot.fromRun(result));
            } catch (IOException e) {
                err.println("--latency-plot: cannot write " + plan.run().latencyPlot() + ": " + e.getMessage());
                return FAILED;
            }
        }
        return result.failed() ? FAILED : OK;
    }

    /** Prints the formats asked for (fio's order: terse, json, normal) to the output or the --output file. */
    private static void report(RunResult r, Plan plan, PrintStream out) throws IOException {
        PrintStream to = out;
        FileOutputStream file = null;
        if (plan.run().output() != null) {
            file = new FileOutputStream(plan.run().output().toFile());
            to = new PrintStream(file, false, StandardCharsets.UTF_8);
        }
        try {
            var f = plan.run().formats();
            if (f.contains(Plan.Format.TERSE)) {
                TerseReport.write(r, to);
            }
            if (f.contains(Plan.Format.JSON) || f.contains(Plan.Format.JSON_PLUS)) {
                JsonReport.write(r, to, f.contains(Plan.Format.JSON_PLUS));
            }
            if (f.contains(Plan.Format.NORMAL)) {
                TextReport.write(r, to);
            }
            to.flush();
        } finally {
            if (file != null) {
                to.close();
            }
        }
    }
}
