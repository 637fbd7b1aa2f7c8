package jaio.bench.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import jaio.bench.plan.JobSpec;
import jaio.bench.plan.Plan;

/**
 * Reads a {@code ./jaio bench} command line into a {@link Plan}, the way fio reads its own:
 * options before the first {@code --name} are global, each {@code --name} starts a job, other
 * arguments are job files. Job files are read after the command line, so the command line's
 * options are defaults under each file's [global] sections (a file's own setting wins, as in
 * fio); each file after the first starts with a stonewall.
 *
 * <p>A command line without job files gets jaio's defaults (see {@link JobBuilder}); with job
 * files, fio's.
 */
public final class PlanReader {
    /** The result: a plan, or a request for help. */
    public record Parsed(Plan plan, boolean help) {}

    private PlanReader() {}

    /**
     * @param env the environment for ${VAR} in job files
     * @throws UsageException with one line naming the problem and where it is
     */
    public static Parsed read(String[] args, Map<String, String> env) throws UsageException {
        boolean ignore = false;
        for (String a : args) {
            if (a.equals("--ignore-unsupported") || a.startsWith("--ignore-unsupported=")) {
                ignore = !a.endsWith("=0");
            }
        }
        List<String> warnings = new ArrayList<>();
        List<Setting> globals = new ArrayList<>();
        List<Section> cmdJobs = new ArrayList<>();
        List<Path> jobFiles = new ArrayList<>();
        Map<String, String> runOpts = new LinkedHashMap<>();
        Section current = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("-h") || a.equals("--help")) {
                return new Parsed(null, true);
            }
            if (!a.startsWith("--")) {
                if (a.startsWith("-") && a.length() > 1) {
                    throw new UsageException(a + ": not an option of ./jaio bench (./jaio bench --help lists them)");
                }
                jobFiles.add(Path.of(a));
                continue;
            }
            int eq = a.indexOf('=');
            String key = eq < 0 ? a.substring(2) : a.substring(2, eq);
            String value = eq < 0 ? null : a.substring(eq + 1);
            OptionTable.Opt o = OptionTable.find(key);
            if (o == null) {
                String msg = "--" + key + ": not an option of ./jaio bench (./jaio bench --help lists them)";
                if (ignore) {
                    warnings.add("--" + key + ": not an option jaio carries; skipped (--ignore-unsupported)");
                    continue;
                }
                throw new UsageException(msg);
            }
            if (value == null && !o.bare() && !o.name().equals("ignore-unsupported")) {
                if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
                    value = args[++i];
                } else {
                    throw new UsageException("--" + key + ": needs a value (" + o.label() + ")");
                }
            }
            if (value == null) {
                value = "1";
            }
            if (o.scope() == OptionTable.Scope.RUN) {
                runOpts.put(o.name(), value);
                continue;
            }
            if (o.name().equals("name")) {
                if (value.startsWith("global")) {
                    current = null;
                } else {
                    current = new Section(value, null, 0, 0, globals);
                    cmdJobs.add(current);
                }
                continue;
            }
            Setting s = new Setting(o.name(), key, value, null, 0, current == null ? null : current.name());
            (current == null ? globals : current.settings()).add(s);
        }
        boolean fioDefaults = !jobFiles.isEmpty();
        List<Section> sections = new ArrayList<>(cmdJobs);
        Map<String, String> globalView = view(globals);
        if (fioDefaults) {
            JobFileReader r = new JobFileReader(env, ignore, warnings, globals);
            for (int f = 0; f < jobFiles.size(); f++) {
                r.read(jobFiles.get(f), f);
            }
            globalView = view(globals);
            sections.addAll(r.jobs());
            if (sections.isEmpty()) {
                throw new UsageException(jobFiles.get(0) + ": no jobs (only [global] sections)");
            }
        } else if (sections.isEmpty()) {
            sections.add(new Section("jaio-bench", null, 0, 0, globals));
        }
        List<JobSpec> specs = new ArrayList<>();
        List<Map<String, String>> options = new ArrayList<>();
        int lastFile = -1;
        for (Section s : sections) {
            boolean firstOfLaterFile = s.file() != null && s.fileIndex() > 0 && s.fileIndex() != lastFile;
            if (s.file() != null) {
                lastFile = s.fileIndex();
            }
            Map<String, String> own = own(s, globals);
            String display = s.file() != null && own.containsKey("name") ? own.get("name") : s.name();
            specs.add(JobBuilder.build(s.name(), display, s.settings(), fioDefaults, firstOfLaterFile, warnings));
            options.add(own);
        }
        Plan.RunOptions run = runOptions(runOpts);
        return new Parsed(new Plan(Plan.arrange(specs, options), run, List.copyOf(warnings), globalView, fioDefaults), false);
    }

    /** The settings as fio's JSON shows them: name to value, later wins. */
    private static Map<String, String> view(List<Setting> settings) {
        Map<String, String> m = new LinkedHashMap<>();
        for (Setting s : settings) {
            m.put(s.written(), s.value());
        }
        return m;
    }

    /** A job's own options: its settings after the globals it started with. */
    private static Map<String, String> own(Section s, List<Setting> globals) {
        List<Setting> all = s.settings();
        int skip = 0;
        while (skip < all.size() && skip < globals.size() && all.get(skip) == globals.get(skip)) {
            skip++;
        }
        return view(all.subList(skip, all.size()));
    }

    private static Plan.RunOptions runOptions(Map<String, String> o) throws UsageException {
        Set<Plan.Format> formats = EnumSet.noneOf(Plan.Format.class);
        String f = o.getOrDefault("output-format", "normal");
        for (String p : f.split(",")) {
            int i = Values.choice("--output-format", p, List.of("normal", "json", "json+", "terse"));
            formats.add(Plan.Format.values()[i]);
        }
        Path out = o.containsKey("output") ? Path.of(o.get("output")) : null;
        String eta = o.getOrDefault("eta", "auto").toLowerCase(Locale.ROOT);
        Plan.Eta e = Plan.Eta.values()[Values.choice("--eta", eta, List.of("auto", "always", "never"))];
        Path plot = o.containsKey("latency-plot") ? Path.of(o.get("latency-plot")) : null;
        return new Plan.RunOptions(formats, out, e, plot);
    }
}
