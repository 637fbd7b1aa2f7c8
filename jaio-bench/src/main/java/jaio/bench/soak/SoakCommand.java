package jaio.bench.soak;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import jaio.Engine;
import jaio.EngineInfo;

/**
 * {@code ./jaio soak [--engine E] [--requests N] [--duration D] [--close-every N] [--seed S]}:
 * the soak on each engine asked for (every available one by default), a line of figures
 * per engine, and exit status 0 when nothing was lost, duplicated, disagreed or corrupted,
 * 1 on any violation, 2 on bad usage. Stateless.
 */
public final class SoakCommand {
    private SoakCommand() {}

    public static int run(List<String> args, PrintStream out, PrintStream err) {
        List<Engine> engines = new ArrayList<>();
        long requests = 1_000_000;
        Duration duration = null;
        int closeEvery = 100_000;
        long seed = 16;
        boolean countGiven = false;
        try {
            for (int i = 0; i < args.size(); i++) {
                String a = args.get(i);
                String v = i + 1 < args.size() ? args.get(i + 1) : null;
                String name = a;
                int eq = a.indexOf('=');
                if (a.startsWith("--") && eq > 0) {
                    name = a.substring(0, eq);
                    v = a.substring(eq + 1);
                } else if (!a.equals("--help") && !a.equals("-h")) {
                    i++;
                }
                switch (name) {
                    case "--engine" -> {
                        Engine e = Engine.parse(need(name, v));
                        if (e == Engine.AUTO) {
                            throw new IllegalArgumentException("--engine takes uring, kaio or threads: the soak is per engine");
                        }
                        engines.add(e);
                    }
                    case "--requests" -> {
                        requests = parseCount(need(name, v));
                        countGiven = true;
                    }
                    case "--duration" -> duration = parseDuration(need(name, v));
                    case "--close-every" -> closeEvery = (int) Math.min(parseCount(need(name, v)), 1 << 24);
                    case "--seed" -> seed = Long.parseLong(need(name, v));
                    case "--help", "-h" -> {
                        usage(out);
                        return 0;
                    }
                    default -> throw new IllegalArgumentException("unknown option " + a);
                }
            }
        } catch (IllegalArgumentException e) {
            err.println("jaio soak: " + e.getMessage());
            usage(err);
            return 2;
        }
        if (duration != null && !countGiven) {
            requests = Long.MAX_VALUE;
        }
        if (engines.isEmpty()) {
            for (EngineInfo i : EngineInfo.probeAll()) {
                if (i.available()) {
                    engines.add(i.engine());
                }
            }
        }
        boolean ok = true;
        for (Engine e : engines) {
            EngineInfo info = EngineInfo.probe(e);
            if (!info.available()) {
                err.println("jaio soak: engine " + e.shortName() + " is not available here: " + info.reason());
                return 2;
            }
            Soak.Result r;
            try {
                r = Soak.run(new Soak.Options(e, requests, duration, closeEvery, seed),
                        Path.of(System.getProperty("java.io.tmpdir")));
            } catch (IOException x) {
                err.println("jaio soak: " + e.shortName() + ": " + x.getMessage());
                return 1;
            } catch (InterruptedException x) {
                Thread.currentThread().interrupt();
                return 1;
            }
            out.println(line(r));
            for (String n : r.notes()) {
                out.println("  " + n);
            }
            ok &= r.ok();
        }
        return ok ? 0 : 1;
    }

    /** The figures of one engine's run on one line. */
    public static String line(Soak.Result r) {
        return String.format(Locale.ROOT, "%-8s accepted %d, events %d, dropped by close %d, lost %d, duplicated %d,"
                        + " disagreements %d, mismatches %d, errors %d; cancels %d (%d CANCELED), contexts %d,"
                        + " %.1f s (%.0f requests/s) %s",
                r.engine().shortName(), r.accepted(), r.events(), r.droppedByClose(), r.lost(), r.duplicated(),
                r.disagreements(), r.mismatches(), r.errors(), r.cancels(), r.canceled(), r.contexts(), r.seconds(),
                r.accepted() / Math.max(r.seconds(), 1e-9), r.ok() ? "OK" : "VIOLATIONS");
    }

    private static String need(String opt, String v) {
        if (v == null) {
            throw new IllegalArgumentException(opt + " needs a value");
        }
        return v;
    }

    /** A count with an optional k, m or g (powers of ten): 1m is a million. */
    static long parseCount(String s) {
        String t = s.trim().toLowerCase(Locale.ROOT);
        long mul = 1;
        char c = t.isEmpty() ? ' ' : t.charAt(t.length() - 1);
        if (c == 'k' || c == 'm' || c == 'g') {
            mul = c == 'k' ? 1_000 : c == 'm' ? 1_000_000 : 1_000_000_000;
            t = t.substring(0, t.length() - 1);
        }
        long n;
        try {
            n = (long) (Double.parseDouble(t) * mul);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a count: " + s);
        }
        if (n < 1) {
            throw new IllegalArgumentException("a count must be at least 1: " + s);
        }
        return n;
    }

    /** A duration: a number with s, m or h (seconds when bare). */
    static Duration parseDuration(String s) {
        String t = s.trim().toLowerCase(Locale.ROOT);
        char c = t.isEmpty() ? ' ' : t.charAt(t.length() - 1);
        long unit = 1;
        if (c == 's' || c == 'm' || c == 'h') {
            unit = c == 's' ? 1 : c == 'm' ? 60 : 3600;
            t = t.substring(0, t.length() - 1);
        }
        try {
            return Duration.ofMillis((long) (Double.parseDouble(t) * unit * 1000));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a duration: " + s);
        }
    }

    private static void usage(PrintStream to) {
        to.println("usage: ./jaio soak [--engine uring|kaio|threads] [--requests N] [--duration D]"
                + " [--close-every N] [--seed S]");
        to.println("  a mixed workload with random cancels and closes, every request held to a ledger;");
        to.println("  N takes k, m, g (1m = a million; default 1m per engine), D takes s, m, h;");
        to.println("  exit 0 when nothing was lost, duplicated, disagreed or corrupted, 1 otherwise");
    }
}
