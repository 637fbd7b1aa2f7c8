package jaio.bench.report;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;

/**
 * A small streaming JSON writer with fio's layout (two-space indents, one member a line).
 * Callers open and close objects and arrays in order; the writer places commas. Numbers that
 * are not finite are written as 0 (JSON has no NaN), which only happens for empty runs.
 */
public final class JsonWriter {
    private final StringBuilder out = new StringBuilder();
    /** Per open container: whether it has a member yet. */
    private final Deque<boolean[]> open = new ArrayDeque<>();
    private boolean afterKey;

    private void beforeValue() {
        if (afterKey) {
            afterKey = false;
            return;
        }
        if (!open.isEmpty()) {
            boolean[] has = open.peek();
            if (has[0]) {
                out.append(',');
            }
            has[0] = true;
            newline();
        }
    }

    private void newline() {
        out.append('\n');
        out.append("  ".repeat(open.size()));
    }

    public JsonWriter key(String k) {
        beforeValue();
        string(k);
        out.append(" : ");
        afterKey = true;
        return this;
    }

    public JsonWriter beginObject() {
        beforeValue();
        out.append('{');
        open.push(new boolean[1]);
        return this;
    }

    public JsonWriter endObject() {
        return close('}');
    }

    public JsonWriter beginArray() {
        beforeValue();
        out.append('[');
        open.push(new boolean[1]);
        return this;
    }

    public JsonWriter endArray() {
        return close(']');
    }

    private JsonWriter close(char c) {
        boolean had = open.pop()[0];
        if (had) {
            newline();
        }
        out.append(c);
        return this;
    }

    public JsonWriter value(String s) {
        beforeValue();
        if (s == null) {
            out.append("null");
        } else {
            string(s);
        }
        return this;
    }

    public JsonWriter value(long v) {
        beforeValue();
        out.append(v);
        return this;
    }

    public JsonWriter value(double v) {
        beforeValue();
        out.append(Double.isFinite(v) ? String.format(Locale.ROOT, "%.6f", v) : "0");
        return this;
    }

    public JsonWriter value(boolean v) {
        beforeValue();
        out.append(v);
        return this;
    }

    /** A member with a string value. */
    public JsonWriter field(String k, String v) {
        return key(k).value(v);
    }

    public JsonWriter field(String k, long v) {
        return key(k).value(v);
    }

    public JsonWriter field(String k, double v) {
        return key(k).value(v);
    }

    public JsonWriter field(String k, boolean v) {
        return key(k).value(v);
    }

    private void string(String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    /** The document so far. */
    @Override
    public String toString() {
        return out.toString();
    }
}
