package jaio.bench;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import jaio.EngineInfo;
import jaio.Opcode;
import jaio.bench.report.CapabilityReport;

/**
 * {@code ./jaio engines}: for each engine, whether this machine allows it (and if not, why) and
 * what it supports. {@code --format=markdown} prints the capability table of
 * docs/CAPABILITIES.md instead, {@code --format=json} the same table with availability and
 * reasons, for scripts.
 */
public final class EnginesReport {
    private static final String USAGE = "usage: ./jaio engines [--format=text|markdown|json]";

    private EnginesReport() {}

    /**
     * Runs {@code engines} with its options (the arguments after the word engines).
     *
     * @return the exit code: {@link Main#OK}, or {@link Main#USAGE} for an option it does not know
     */
    public static int run(List<String> args, PrintStream out, PrintStream err) {
        String format = "text";
        for (int k = 0; k < args.size(); k++) {
            String a = args.get(k);
            if (a.startsWith("--format=")) {
                format = a.substring("--format=".length());
            } else if (a.equals("--format") && k + 1 < args.size()) {
                format = args.get(++k);
            } else if (a.equals("-h") || a.equals("--help")) {
                out.println(USAGE);
                return Main.OK;
            } else {
                err.println(a + ": not an option of ./jaio engines (" + USAGE + ")");
                return Main.USAGE;
            }
        }
        switch (format) {
            case "text" -> print(out);
            case "markdown", "md" -> out.print(CapabilityReport.markdown(EngineInfo.probeAll()));
            case "json" -> out.println(CapabilityReport.json(EngineInfo.probeAll()));
            default -> {
                err.println("--format: '" + format + "' is not one of text, markdown, json");
                return Main.USAGE;
            }
        }
        out.flush();
        return Main.OK;
    }

    /** The plain text report. */
    private static void print(PrintStream out) {
        for (EngineInfo i : EngineInfo.probeAll()) {
            out.printf("%-8s %s%n", i.engine().shortName(), i.available() ? "available" : "NOT available");
            if (!i.available()) {
                out.printf("         why: %s%n%n", i.reason());
                continue;
            }
            if (i.reason() != null && !i.reason().isEmpty() && !i.reason().equals("available")) {
                out.printf("         %s%n", i.reason());
            }
            out.printf("         operations:%n");
            for (Map.Entry<Opcode, String> e : i.operations().entrySet()) {
                out.printf("           %-8s %s%n", e.getKey(), e.getValue());
            }
            out.printf("         flags:    %s%n", i.flags().isEmpty() ? "none" : i.flags());
            out.printf("         in place: %s%n", i.inPlaceMemory());
            for (String f : i.features()) {
                out.printf("         - %s%n", f);
            }
            out.println();
        }
    }
}
