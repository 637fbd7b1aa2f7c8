package jaio.bench;

import java.io.PrintStream;
import java.util.Map;
import jaio.EngineInfo;
import jaio.Opcode;

/** Prints, for each engine, whether this machine allows it (and if not, why) and what it supports. */
public final class EnginesReport {
    private EnginesReport() {}

    public static int print(PrintStream out) {
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
        return 0;
    }
}
