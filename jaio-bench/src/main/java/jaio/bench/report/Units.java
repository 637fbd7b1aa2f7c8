package jaio.bench.report;

import java.util.Locale;

/** fio-like number formatting: "312k", "1219MiB/s (1278MB/s)", "1 GiB". */
public final class Units {
    private Units() {}

    /** A count with three significant digits and k/M/G above 9999, as fio prints IOPS. */
    public static String count(double v) {
        if (v < 10_000) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        String[] suffix = {"k", "M", "G", "T"};
        int i = -1;
        while (v >= 1000 && i < suffix.length - 1) {
            v /= 1000;
            i++;
        }
        return threeDigits(v) + suffix[i];
    }

    private static String threeDigits(double v) {
        if (v >= 100) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        if (v >= 10) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        return String.format(Locale.ROOT, "%.2f", v);
    }

    /** Bytes with a binary unit: "1 GiB", "64 MiB", "4 KiB", "1.50 GiB". */
    public static String binary(double bytes) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
        int i = 0;
        while (bytes >= 1024 && i < units.length - 1) {
            bytes /= 1024;
            i++;
        }
        String n = bytes == Math.rint(bytes) ? String.format(Locale.ROOT, "%.0f", bytes) : threeDigits(bytes);
        return n + " " + units[i];
    }

    /** Bytes with a decimal unit, no space, as fio's second form: "1278MB". */
    public static String decimal(double bytes) {
        String[] units = {"B", "kB", "MB", "GB", "TB"};
        int i = 0;
        while (bytes >= 1000 && i < units.length - 1) {
            bytes /= 1000;
            i++;
        }
        return threeDigits(bytes) + units[i];
    }

    /** Bandwidth as fio shows it: "1219MiB/s (1278MB/s)". */
    public static String bandwidth(double bytesPerSecond) {
        return binary(bytesPerSecond).replace(" ", "") + "/s (" + decimal(bytesPerSecond) + "/s)";
    }

    /**
     * The unit for latencies around {@code typicalNanos} (a mean or a median): the largest in
     * which that value still has at least two digits, so the body of a distribution stays
     * readable and only its tail grows long.
     */
    public static String latencyUnit(double typicalNanos) {
        return typicalNanos < 10_000 ? "nsec" : typicalNanos < 10_000_000 ? "usec" : "msec";
    }

    public static long latencyDivisor(String unit) {
        return switch (unit) {
            case "nsec" -> 1;
            case "usec" -> 1_000;
            default -> 1_000_000;
        };
    }
}
