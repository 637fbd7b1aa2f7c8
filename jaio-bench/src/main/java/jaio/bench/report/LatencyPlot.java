package jaio.bench.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import jaio.bench.run.IoStats;
import jaio.bench.run.RunResult;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

/**
 * Draws the completion latency distribution as an SVG: latency against percentile, with the
 * percentile axis stretched towards the tail (position log10(1 / (1 - p)), so 90%, 99%,
 * 99.9% ... are evenly spaced), one line per direction. The shape HdrHistogram's plotter made
 * familiar: a flat line is a steady latency, a knee is where the tail starts.
 */
public final class LatencyPlot {
    private static final int W = 900;
    private static final int H = 520;
    private static final int LEFT = 80;
    private static final int RIGHT = 30;
    private static final int TOP = 50;
    private static final int BOTTOM = 60;
    /** The rightmost percentile drawn: 99.9999%. */
    private static final double MAX_X = 6;

    private LatencyPlot() {}

    public static void write(RunResult r, Path file) throws IOException {
        Files.writeString(file, render(r));
    }

    /** The SVG document. */
    public static String render(RunResult r) {
        List<Object[]> series = new ArrayList<>();
        add(series, "read", "#1f77b4", r.stats().read());
        add(series, "write", "#ff7f0e", r.stats().write());
        long maxNs = 1;
        for (Object[] s : series) {
            maxNs = Math.max(maxNs, ((Histogram) s[2]).getMaxValue());
        }
        String unit = Units.latencyUnit(maxNs / 10.0);
        double div = Units.latencyDivisor(unit);
        double yMax = niceCeil(maxNs / div);
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "font-family=\"sans-serif\" font-size=\"12\">%n", W, H));
        b.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", W, H));
        String title = r.spec().name() + ": " + r.spec().rw().fioName() + " bs=" + r.spec().bs() + " iodepth=" + r.spec().iodepth()
                + " engine=" + r.engine() + (r.spec().direct() ? " direct" : " buffered");
        b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"24\" font-size=\"15\">%s: completion latency by percentile</text>%n",
                LEFT, escape(title)));
        axes(b, yMax, unit);
        int legendY = TOP + 10;
        for (Object[] s : series) {
            Histogram h = (Histogram) s[2];
            StringBuilder pts = new StringBuilder();
            for (HistogramIterationValue v : h.percentiles(5)) {
                double p = v.getPercentileLevelIteratedTo() / 100.0;
                double x = p >= 1 ? MAX_X : Math.min(MAX_X, Math.log10(1 / (1 - p)));
                pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", px(x), py(v.getValueIteratedTo() / div, yMax)));
                if (p >= 1 || x >= MAX_X) {
                    break;
                }
            }
            b.append(String.format(Locale.ROOT, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"%s\"/>%n",
                    s[1], pts.toString().trim()));
            b.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"14\" height=\"4\" fill=\"%s\"/>"
                    + "<text x=\"%d\" y=\"%d\">%s (%d requests)</text>%n", LEFT + 20, legendY, s[1], LEFT + 40, legendY + 5,
                    s[0], h.getTotalCount()));
            legendY += 18;
        }
        if (series.isEmpty()) {
            b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">no completed requests</text>%n", LEFT + 20, TOP + 20));
        }
        b.append("</svg>\n");
        return b.toString();
    }

    private static void add(List<Object[]> series, String name, String color, IoStats d) {
        if (d.ios() > 0) {
            series.add(new Object[] {name, color, d.clat()});
        }
    }

    private static void axes(StringBuilder b, double yMax, String unit) {
        int x0 = LEFT;
        int y0 = H - BOTTOM;
        b.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\"/>%n", x0, y0, W - RIGHT, y0));
        b.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\"/>%n", x0, TOP, x0, y0));
        String[] labels = {"0%", "90%", "99%", "99.9%", "99.99%", "99.999%", "99.9999%"};
        for (int i = 0; i <= MAX_X; i++) {
            double x = px(i);
            b.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#ddd\"/>"
                    + "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n", x, TOP, x, y0, x, y0 + 18, labels[i]));
        }
        b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">percentile</text>%n",
                (LEFT + W - RIGHT) / 2, H - 18));
        for (int i = 0; i <= 5; i++) {
            double v = yMax * i / 5;
            double y = py(v, yMax);
            b.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>"
                    + "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n", x0, y, W - RIGHT, y, x0 - 6, y + 4, trim(v)));
        }
        b.append(String.format(Locale.ROOT, "<text x=\"18\" y=\"%d\" transform=\"rotate(-90 18 %d)\" text-anchor=\"middle\">"
                + "latency (%s)</text>%n", (TOP + H - BOTTOM) / 2, (TOP + H - BOTTOM) / 2, unit));
    }

    private static double px(double x) {
        return LEFT + x / MAX_X * (W - LEFT - RIGHT);
    }

    private static double py(double v, double yMax) {
        return H - BOTTOM - v / yMax * (H - TOP - BOTTOM);
    }

    /** The smallest 1, 2 or 5 times a power of ten at or above v. */
    static double niceCeil(double v) {
        double p = Math.pow(10, Math.floor(Math.log10(Math.max(v, 1e-9))));
        for (double m : new double[] {1, 2, 5, 10}) {
            if (m * p >= v) {
                return m * p;
            }
        }
        return 10 * p;
    }

    private static String trim(double v) {
        return v == Math.rint(v) ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.2f", v);
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
