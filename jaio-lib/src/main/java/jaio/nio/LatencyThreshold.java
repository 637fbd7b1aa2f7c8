package jaio.nio;

import java.util.Locale;
import java.util.Set;
import jdk.jfr.SettingControl;

/**
 * The {@code latencyThreshold} setting of {@link IoRequestEvent}: a duration such as
 * {@code "20 ms"}, {@code "500 us"}, {@code "0 ns"}. With several recordings the smallest wins,
 * so that each sees what it asked for.
 */
public final class LatencyThreshold extends SettingControl {
    static final String DEFAULT = "20 ms";
    private volatile long nanos = parse(DEFAULT);
    private volatile String text = DEFAULT;

    /** Made by JFR. */
    public LatencyThreshold() {}

    long nanos() {
        return nanos;
    }

    @Override
    public String combine(Set<String> values) {
        String best = null;
        long min = Long.MAX_VALUE;
        for (String v : values) {
            long n = parse(v);
            if (n < min) {
                min = n;
                best = v;
            }
        }
        return best == null ? DEFAULT : best;
    }

    @Override
    public void setValue(String value) {
        text = value;
        nanos = parse(value);
    }

    @Override
    public String getValue() {
        return text;
    }

    /** Nanoseconds of a duration written as JFR writes them ("20 ms"); unknown text: the default. */
    static long parse(String s) {
        String t = s.trim().toLowerCase(Locale.ROOT);
        int i = 0;
        while (i < t.length() && Character.isDigit(t.charAt(i))) {
            i++;
        }
        if (i == 0) {
            return 20_000_000L;
        }
        long v = Long.parseLong(t.substring(0, i));
        return switch (t.substring(i).trim()) {
            case "ns" -> v;
            case "us" -> v * 1_000L;
            case "ms" -> v * 1_000_000L;
            case "s" -> v * 1_000_000_000L;
            case "m" -> v * 60_000_000_000L;
            default -> 20_000_000L;
        };
    }
}
