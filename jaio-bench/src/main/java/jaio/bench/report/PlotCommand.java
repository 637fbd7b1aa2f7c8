package jaio.bench.report;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code ./jaio plot [-o FILE.svg] [--title TEXT] RESULT.json ...}: overlays the completion
 * latency percentiles of saved jaio and fio JSON results in one SVG (default latency.svg), one
 * line per job and direction, each named after its file. Exit codes as the bench's: 0 drawn,
 * 1 the picture could not be written, 2 bad usage or a file that is not a result.
 */
public final class PlotCommand {
    private PlotCommand() {}

    public static int run(String[] args, PrintStream out, PrintStream err) {
        Path to = Path.of("latency.svg");
        String title = null;
        List<Path> inputs = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("-h") || a.equals("--help")) {
                out.println("usage: ./jaio plot [-o FILE.svg] [--title TEXT] RESULT.json ...");
                out.println("  Overlays the clat_ns percentiles of saved jaio and fio JSON results (--output-format=json)");
                out.println("  in one SVG with a logarithmic latency axis; default FILE latency.svg.");
                return 0;
            } else if ((a.equals("-o") || a.equals("--output")) && i + 1 < args.length) {
                to = Path.of(args[++i]);
            } else if (a.startsWith("--output=")) {
                to = Path.of(a.substring(9));
            } else if (a.equals("--title") && i + 1 < args.length) {
                title = args[++i];
            } else if (a.startsWith("--title=")) {
                title = a.substring(8);
            } else if (a.startsWith("-")) {
                err.println(a + ": not an option of ./jaio plot (-o FILE.svg, --title TEXT)");
                return 2;
            } else {
                inputs.add(Path.of(a));
            }
        }
        if (inputs.isEmpty()) {
            err.println("./jaio plot: give one or more JSON results (./jaio bench --output-format=json, fio --output-format=json)");
            return 2;
        }
        List<LatencyPlot.Series> series = new ArrayList<>();
        for (Path p : inputs) {
            try {
                series.addAll(LatencyPlot.fromJson(label(p), Files.readString(p)));
            } catch (NoSuchFileException e) {
                err.println(p + ": no such file");
                return 2;
            } catch (IOException e) {
                err.println(p + ": cannot read: " + e.getMessage());
                return 2;
            } catch (IllegalArgumentException e) {
                err.println(p + ": " + e.getMessage());
                return 2;
            }
        }
        try {
            LatencyPlot.write(to, title != null ? title : "completion latency by percentile", series);
        } catch (IOException e) {
            err.println(to + ": cannot write: " + e.getMessage());
            return 1;
        }
        out.println("./jaio plot: " + series.size() + " lines from " + inputs.size() + " files in " + to);
        return 0;
    }

    /** The legend name of a file: its name without .json. */
    private static String label(Path p) {
        String n = p.getFileName().toString();
        return n.endsWith(".json") ? n.substring(0, n.length() - 5) : n;
    }
}
