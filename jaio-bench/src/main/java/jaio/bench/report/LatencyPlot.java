package jaio.bench.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import jaio.bench.run.IoStats;
import jaio.bench.run.RunResult;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

/**
 * Draws completion latency by percentile as an SVG, several runs on one picture: the
 * percentile axis stretched towards the tail (position log10(1 / (1 - p)), so 90%, 99%,
 * 99.9% ... are evenly spaced), the latency axis logarithmic (a decade per grid line), one
 * line per job and direction, with a legend. A flat line is a steady latency, a knee is where
 * the tail starts. Lines come from a run's histograms ({@link #fromRun}) or from saved jaio
 * and fio JSON results, whose clat_ns percentiles both tools write ({@link #fromJson}).
 */
public final class LatencyPlot {
    private static final int W = 960;
    private static final int TOP = 50;
    private static final int LEFT = 80;
    private static final int RIGHT = 30;
    private static final int PLOT_H = 420;
    private static final int BOTTOM = 60;
    /** The rightmost percentile drawn: 99.9999%. */
    private static final double MAX_X = 6;
    private static final String[] COLORS = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
        "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};

    /**
     * One line: percentiles (0..100) and the latency at each, in nanoseconds.
     *
     * @param name  the legend text
     * @param count the requests behind it
     */
    public record Series(String name, double[] percentiles, double[] nanos, long count) {}

    private LatencyPlot() {}

    /** The lines of a run: per job (as the reports group them) and direction. */
    public static List<Series> fromRun(RunResult r) {
        List<Series> out = new ArrayList<>();
        for (Groups.Group g : Groups.of(r)) {
            for (Entry e : g.entries()) {
                String who = e.name() + " (" + e.engine() + ")";
                add(out, who + " read", e.stats().read());
                add(out, who + " write", e.stats().write());
            }
        }
        return out;
    }

    private static void add(List<Series> out, String name, IoStats d) {
        if (d.ios() == 0) {
            return;
        }
        Histogram h = d.clat();
        List<double[]> pts = new ArrayList<>();
        for (HistogramIterationValue v : h.percentiles(5)) {
            double p = v.getPercentileLevelIteratedTo();
            pts.add(new double[] {Math.min(p, 99.9999), v.getValueIteratedTo()});
            if (p >= 99.9999) {
                break;
            }
        }
        double[] ps = new double[pts.size()];
        double[] ns = new double[pts.size()];
        for (int i = 0; i < ps.length; i++) {
            ps[i] = pts.get(i)[0];
            ns[i] = pts.get(i)[1];
        }
        out.add(new Series(name, ps, ns, d.ios()));
    }

    /**
     * The lines of a saved JSON result of fio or jaio: per job and direction with completions,
     * from clat_ns.percentile.
     *
     * @param label names the file in the legend ("fio", "jaio", or the file name)
     * @throws IllegalArgumentException when it is not such a result
     */
    public static List<Series> fromJson(String label, String json) {
        Object root = JsonReader.parse(json);
        if (!(root instanceof Map<?, ?> m) || !(m.get("jobs") instanceof List<?> jobs)) {
            throw new IllegalArgumentException("not a fio or jaio JSON result (no \"jobs\")");
        }
        List<Series> out = new ArrayList<>();
        for (Object jo : jobs) {
            if (!(jo instanceof Map<?, ?> job)) {
                continue;
            }
            String engine = engineOf(job, m);
            String who = label + ": " + job.get("jobname") + (engine == null ? "" : " (" + engine + ")");
            for (String dir : new String[] {"read", "write"}) {
                if (!(job.get(dir) instanceof Map<?, ?> d) || !(d.get("clat_ns") instanceof Map<?, ?> clat)
                        || !(clat.get("percentile") instanceof Map<?, ?> pct) || pct.isEmpty()) {
                    continue;
                }
                double[] ps = new double[pct.size()];
                double[] ns = new double[pct.size()];
                int i = 0;
                for (Map.Entry<?, ?> e : pct.entrySet()) {
                    ps[i] = Double.parseDouble(e.getKey().toString());
                    ns[i] = ((Number) e.getValue()).doubleValue();
                    i++;
                }
                sort(ps, ns);
                long n = clat.get("N") instanceof Number c ? c.longValue() : 0;
                out.add(new Series(who + " " + dir, ps, ns, n));
            }
        }
        return out;
    }

    private static String engineOf(Map<?, ?> job, Map<?, ?> root) {
        if (job.get("jaio") instanceof Map<?, ?> j && j.get("engine") != null) {
            return j.get("engine").toString();
        }
        if (job.get("job options") instanceof Map<?, ?> o && o.get("ioengine") != null) {
            return o.get("ioengine").toString();
        }
        if (root.get("global options") instanceof Map<?, ?> g && g.get("ioengine") != null) {
            return g.get("ioengine").toString();
        }
        return null;
    }

    private static void sort(double[] ps, double[] ns) {
        for (int i = 1; i < ps.length; i++) {
            for (int j = i; j > 0 && ps[j] < ps[j - 1]; j--) {
                double t = ps[j];
                ps[j] = ps[j - 1];
                ps[j - 1] = t;
                t = ns[j];
                ns[j] = ns[j - 1];
                ns[j - 1] = t;
            }
        }
    }

    public static void write(Path file, String title, List<Series> series) throws IOException {
        Files.writeString(file, render(title, series));
    }

    /** The SVG document. */
    public static String render(String title, List<Series> series) {
        double lo = Double.MAX_VALUE;
        double hi = 1;
        for (Series s : series) {
            for (double v : s.nanos()) {
                if (v > 0) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
            }
        }
        if (lo == Double.MAX_VALUE) {
            lo = 1000;
            hi = 10_000;
        }
        int decLo = (int) Math.floor(Math.log10(lo));
        int decHi = (int) Math.ceil(Math.log10(hi));
        if (decHi <= decLo) {
            decHi = decLo + 1;
        }
        int legendH = 18 * Math.max(1, series.size()) + 10;
        int h = TOP + PLOT_H + BOTTOM + legendH;
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "font-family=\"sans-serif\" font-size=\"12\">%n", W, h));
        b.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", W, h));
        b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"28\" font-size=\"15\">%s</text>%n", LEFT, escape(title)));
        axes(b, decLo, decHi);
        for (int k = 0; k < series.size(); k++) {
            Series s = series.get(k);
            String color = COLORS[k % COLORS.length];
            String dash = k >= COLORS.length ? " stroke-dasharray=\"6,3\"" : "";
            StringBuilder pts = new StringBuilder();
            for (int i = 0; i < s.percentiles().length; i++) {
                double p = s.percentiles()[i] / 100.0;
                double x = p >= 1 ? MAX_X : Math.min(MAX_X, Math.log10(1 / (1 - p)));
                double v = Math.max(s.nanos()[i], Math.pow(10, decLo));
                pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", px(x), py(Math.log10(v), decLo, decHi)));
            }
            b.append(String.format(Locale.ROOT, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\"%s points=\"%s\"/>%n",
                    color, dash, pts.toString().trim()));
            int ly = TOP + PLOT_H + BOTTOM + 8 + 18 * k;
            b.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"3\"%s/>"
                    + "<text x=\"%d\" y=\"%d\">%s (%d requests)</text>%n", LEFT, ly, LEFT + 24, ly, color, dash, LEFT + 32, ly + 4,
                    escape(s.name()), s.count()));
        }
        if (series.isEmpty()) {
            b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">no completed requests</text>%n", LEFT + 20, TOP + 20));
        }
        b.append("</svg>\n");
        return b.toString();
    }

    private static void axes(StringBuilder b, int decLo, int decHi) {
        int y0 = TOP + PLOT_H;
        b.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\"/>%n", LEFT, y0, W - RIGHT, y0));
        b.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\"/>%n", LEFT, TOP, LEFT, y0));
        String[] labels = {"0%", "90%", "99%", "99.9%", "99.99%", "99.999%", "99.9999%"};
        for (int i = 0; i <= MAX_X; i++) {
            double x = px(i);
            b.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#ddd\"/>"
                    + "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n", x, TOP, x, y0, x, y0 + 18, labels[i]));
        }
        b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">percentile</text>%n",
                (LEFT + W - RIGHT) / 2, y0 + 40));
        for (int d = decLo; d <= decHi; d++) {
            double y = py(d, decLo, decHi);
            b.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>"
                    + "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n", LEFT, y, W - RIGHT, y, LEFT - 6, y + 4,
                    decade(d)));
            if (d < decHi) {
                for (int m = 2; m <= 9; m++) {
                    double ym = py(d + Math.log10(m), decLo, decHi);
                    b.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#f2f2f2\"/>%n",
                            LEFT, ym, W - RIGHT, ym));
                }
            }
        }
        int mid = TOP + PLOT_H / 2;
        b.append(String.format(Locale.ROOT, "<text x=\"18\" y=\"%d\" transform=\"rotate(-90 18 %d)\" text-anchor=\"middle\">"
                + "completion latency (log scale)</text>%n", mid, mid));
    }

    /** "1 us", "10 ms" ... for 10^d nanoseconds. */
    static String decade(int d) {
        String[] units = {"ns", "us", "ms", "s"};
        int u = Math.min(3, Math.max(0, d / 3));
        long v = (long) Math.pow(10, d - 3 * u);
        return v + " " + units[u];
    }

    private static double px(double x) {
        return LEFT + x / MAX_X * (W - LEFT - RIGHT);
    }

    private static double py(double log10, int decLo, int decHi) {
        return TOP + PLOT_H - (log10 - decLo) / (decHi - decLo) * PLOT_H;
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
