package jaio.bench.report;

import java.util.Locale;

/** The percentiles fio reports by default, and the keys it writes them under in JSON. */
public final class Percentiles {
    /** fio's default percentile_list. */
    public static final double[] FIO = {1, 5, 10, 20, 30, 40, 50, 60, 70, 80, 90, 95, 99, 99.5, 99.9, 99.95, 99.99};

    private Percentiles() {}

    /** "99.000000", as fio's JSON spells a percentile. */
    public static String jsonKey(double p) {
        return String.format(Locale.ROOT, "%.6f", p);
    }
}
