package jaio.bench.report;

import java.util.List;
import java.util.Map;
import jaio.Capability;
import jaio.EngineInfo;
import jaio.Opcode;
import jaio.RequestFlag;
import jaio.Support;

/**
 * The capability table of {@code ./jaio engines}: every {@link Capability} against every engine,
 * each cell saying how the engine carries it ({@link EngineInfo#support()}), as the Markdown of
 * {@code docs/CAPABILITIES.md} or as JSON for scripts.
 */
public final class CapabilityReport {
    /** The command that writes docs/CAPABILITIES.md; the doc and its test name it. */
    public static final String REGENERATE = "./jaio engines --format=markdown > docs/CAPABILITIES.md";

    private CapabilityReport() {}

    /** docs/CAPABILITIES.md: a short introduction, then one table; ends with a newline. */
    public static String markdown(List<EngineInfo> engines) {
        StringBuilder b = new StringBuilder();
        b.append("# What jaio can do, engine by engine\n\n");
        b.append("Generated, not written: `").append(REGENERATE).append("` prints this file from what each\n");
        b.append("engine reports (`EngineInfo.support()`), and a test of jaio-bench fails when the two differ.\n");
        b.append("`./jaio engines --format=json` gives the same table, with availability and reasons, to scripts.\n\n");
        b.append("Ids are the capability ids that issues and tests refer to. Each cell says who does the work,\n");
        b.append("then, in brackets, the mechanism or what is missing:\n\n");
        b.append("- **kernel**: the kernel, asynchronously (no thread of the process waits);\n");
        b.append("- **kernel then worker**: the kernel tries without blocking; what would block goes to an engine"
                + " thread;\n");
        b.append("- **worker**: a thread of the engine;\n");
        b.append("- **library**: jaio's own engine-independent code, the same for every engine;\n");
        b.append("- **none**: not there (\"not yet\": planned, not built).\n\n");
        b.append("| id | capability | what it means |");
        for (EngineInfo i : engines) {
            b.append(' ').append(i.engine().shortName()).append(" |");
        }
        b.append("\n|---|---|---|");
        b.append("---|".repeat(engines.size()));
        b.append('\n');
        for (Capability c : Capability.values()) {
            b.append("| ").append(c.id()).append(" | ").append(cell(c.title())).append(" | ")
                    .append(cell(c.meaning())).append(" |");
            for (EngineInfo i : engines) {
                b.append(' ').append(cell(support(i, c))).append(" |");
            }
            b.append('\n');
        }
        return b.toString();
    }

    private static String support(EngineInfo i, Capability c) {
        if (!i.available()) {
            return "not available here";
        }
        Support s = i.support().get(c);
        return s == null ? "?" : s.toString();
    }

    /** A table cell: a pipe would end it. */
    private static String cell(String s) {
        return s.replace("|", "\\|");
    }

    /**
     * The same table for scripts: {@code capabilities} (id, name, title, meaning) and
     * {@code engines} (engine, available, reason, operations, flags, support by id with kind and
     * note). An engine that is not available has an empty support object.
     */
    public static String json(List<EngineInfo> engines) {
        JsonWriter w = new JsonWriter();
        w.beginObject();
        w.key("capabilities").beginArray();
        for (Capability c : Capability.values()) {
            w.beginObject();
            w.field("id", c.id());
            w.field("name", c.name());
            w.field("title", c.title());
            w.field("meaning", c.meaning());
            w.endObject();
        }
        w.endArray();
        w.key("engines").beginArray();
        for (EngineInfo i : engines) {
            w.beginObject();
            w.field("engine", i.engine().shortName());
            w.field("available", i.available());
            w.field("reason", i.reason());
            w.key("operations").beginObject();
            for (Map.Entry<Opcode, String> e : i.operations().entrySet()) {
                w.field(e.getKey().name(), e.getValue());
            }
            w.endObject();
            w.key("flags").beginArray();
            for (RequestFlag f : i.flags()) {
                w.value(f.name());
            }
            w.endArray();
            w.key("support").beginObject();
            for (Map.Entry<Capability, Support> e : i.support().entrySet()) {
                w.key(e.getKey().id()).beginObject();
                w.field("kind", e.getValue().kind().name());
                w.field("note", e.getValue().note());
                w.endObject();
            }
            w.endObject();
            w.endObject();
        }
        w.endArray();
        w.endObject();
        return w.toString();
    }
}
