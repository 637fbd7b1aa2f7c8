package jaio.bench.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import jaio.bench.plan.BenchEngine;
import jaio.bench.plan.BlockSizes;
import jaio.bench.plan.FileSpec;
import jaio.bench.plan.JobSpec;
import jaio.bench.plan.RandomSpec;
import jaio.bench.plan.Rw;
import jaio.bench.plan.VerifyMethod;

/**
 * Turns one job's settings (globals first, a later setting winning) into a checked
 * {@link JobSpec}, with fio's meaning for each option and fio's adjustments (blockalign turns
 * the random map off, a non-uniform distribution too, iodepth_low above iodepth is iodepth).
 * Every message names the setting's file, line and section, or its command-line option.
 *
 * <p>Two sets of defaults: fio's, for job files, and jaio's, for a command line alone
 * (iodepth 32, 10 s time based, a 1 GiB file in the temp folder, group_reporting, norandommap).
 */
public final class JobBuilder {
    /** The tool's default file name in the temp folder. */
    public static final String DEFAULT_FILE = "jaio-bench.dat";
    /** fio's default percentile_list. */
    public static final double[] FIO_PERCENTILES = {1, 5, 10, 20, 30, 40, 50, 60, 70, 80, 90, 95, 99, 99.5, 99.9, 99.95, 99.99};

    private final Map<String, Setting> last = new HashMap<>();
    private final Map<String, Integer> order = new HashMap<>();
    private final boolean fioDefaults;
    private final List<String> warnings;
    private final String name;
    private final String sectionName;

    private JobBuilder(String sectionName, String name, List<Setting> settings, boolean fioDefaults, List<String> warnings) {
        this.sectionName = sectionName;
        this.name = name;
        this.fioDefaults = fioDefaults;
        this.warnings = warnings;
        for (int i = 0; i < settings.size(); i++) {
            Setting s = settings.get(i);
            last.put(s.name(), s);
            order.put(s.name(), i);
        }
    }

    /**
     * Builds a job.
     *
     * @param section     the section name (or the command line's --name): made-up file names use it
     * @param name        the job's name in reports: a name= of the section's own, else the section name
     * @param settings    its settings in order, globals first
     * @param fioDefaults fio's defaults (job files) rather than jaio's (a command line alone)
     * @param stonewall   a stonewall forced from outside (the first job of a job file after the first)
     * @param warnings    where fio-style adjustments are reported
     * @throws UsageException naming the first bad setting
     */
    public static JobSpec build(String section, String name, List<Setting> settings, boolean fioDefaults, boolean stonewall,
                                List<String> warnings) throws UsageException {
        return new JobBuilder(section, name, settings, fioDefaults, warnings).build(stonewall);
    }

    private Setting get(String option) {
        return last.get(option);
    }

    /** The later of two settings that write the same thing (direct/buffered, rwmixread/rwmixwrite). */
    private Setting later(String a, String b) {
        Setting x = last.get(a);
        Setting y = last.get(b);
        if (x == null || y == null) {
            return x == null ? y : x;
        }
        return order.get(a) > order.get(b) ? x : y;
    }

    private static UsageException located(Setting s, UsageException e) {
        String m = e.getMessage();
        return new UsageException(m.startsWith(s.where()) ? m : s.where() + m);
    }

    private interface Parse<T> {
        T apply(Setting s) throws UsageException;
    }

    private <T> T value(String option, T dflt, Parse<T> p) throws UsageException {
        Setting s = get(option);
        if (s == null) {
            return dflt;
        }
        try {
            return p.apply(s);
        } catch (UsageException e) {
            throw located(s, e);
        }
    }

    private boolean flag(String option, boolean dflt) throws UsageException {
        return value(option, dflt, s -> Values.flag(s.label(), s.value()));
    }

    private int integer(String option, int dflt, int min, int max) throws UsageException {
        return value(option, dflt, s -> Values.integer(s.label(), s.value(), min, max));
    }

    private long size(String option, long dflt) throws UsageException {
        return value(option, dflt, s -> Values.size(s.label(), s.value()));
    }

    private long time(String option, long dflt, long unit) throws UsageException {
        return value(option, dflt, s -> Values.time(s.label(), s.value(), unit));
    }

    private String text(String option, String dflt) {
        Setting s = get(option);
        return s == null ? dflt : s.value();
    }

    private String label(String option) {
        Setting s = get(option);
        return s != null ? s.label() : fioDefaults ? option : "--" + option;
    }

    private JobSpec build(boolean forcedStonewall) throws UsageException {
        if (name.isBlank()) {
            Setting s = get("name");
            throw new UsageException(s != null ? s.message("must not be empty") : "--name: must not be empty");
        }
        Setting rwSetting = get("rw");
        String rwText = text("rw", fioDefaults ? "read" : "randread");
        String rwName = rwText;
        String rwPost = null;
        int colon = rwText.indexOf(':');
        if (colon >= 0) {
            rwName = rwText.substring(0, colon);
            rwPost = rwText.substring(colon + 1);
        }
        String rwLower = rwName.trim().toLowerCase(Locale.ROOT);
        if (rwLower.equals("readwrite")) {
            rwLower = "rw";
        }
        Rw rw;
        try {
            if (rwLower.contains("trim")) {
                throw new UsageException(label("rw") + ": '" + rwName + "': trim patterns are not carried (jaio has no trim)");
            }
            rw = Rw.values()[Values.choice(label("rw"), rwLower, Rw.NAMES)];
        } catch (UsageException e) {
            throw rwSetting == null ? e : located(rwSetting, e);
        }
        long seqAdd = 0;
        int seqNr = 1;
        if (rwPost != null && !rwPost.isEmpty()) {
            try {
                if (rw.random()) {
                    seqNr = Values.integer(label("rw"), rwPost, 1, Integer.MAX_VALUE);
                } else {
                    boolean neg = rwPost.startsWith("-");
                    long v = Values.size(label("rw"), neg ? rwPost.substring(1) : rwPost);
                    seqAdd = neg ? -v : v;
                }
            } catch (UsageException e) {
                throw located(rwSetting, e);
            }
        }
        Setting mix = later("rwmixread", "rwmixwrite");
        int rwmixread = 50;
        if (mix != null) {
            try {
                int v = Values.integer(mix.label(), mix.value(), 0, 100);
                rwmixread = mix.name().equals("rwmixread") ? v : 100 - v;
            } catch (UsageException e) {
                throw located(mix, e);
            }
        }
        BlockSizes bs = blockSizes(rw);
        RandomSpec random = random(rw, bs);
        FileSpec files = files(bs);
        JobSpec.Depth depth = depth();
        JobSpec.Timing timing = timing();
        JobSpec.SyncSpec sync = new JobSpec.SyncSpec(integer("fsync", 0, 0, Integer.MAX_VALUE),
                integer("fdatasync", 0, 0, Integer.MAX_VALUE), flag("end_fsync", false));
        JobSpec.Pace pace = pace(bs);
        JobSpec.EngineSpec engine = engine();
        Setting dio = later("direct", "buffered");
        boolean direct = false;
        if (dio != null) {
            try {
                boolean v = Values.flag(dio.label(), dio.value());
                direct = dio.name().equals("direct") ? v : !v;
            } catch (UsageException e) {
                throw located(dio, e);
            }
        }
        JobSpec.VerifySpec verify = verify(bs, rw);
        JobSpec.LogSpec logs = new JobSpec.LogSpec(text("write_bw_log", null), text("write_lat_log", null),
                text("write_iops_log", null), integer("log_avg_msec", 0, 0, Integer.MAX_VALUE), flag("log_offset", false),
                text("write_iolog", null));
        double[] percentiles = value("percentile_list", FIO_PERCENTILES, JobBuilder::percentiles);
        int numjobs = integer("numjobs", 1, 1, 256);
        value("io_submit_mode", 0, s -> Values.choice(s.label(), s.value(), List.of("inline", "offload")));
        return new JobSpec(name, text("description", null), numjobs, rw, seqAdd, seqNr, rwmixread, bs, random, files, depth,
                sync, timing, pace, engine, direct, flag("invalidate", true),
                value("fadvise_hint", JobSpec.Fadvise.TYPE,
                        v -> JobSpec.Fadvise.values()[Values.choice(v.label(), v.value(), JobSpec.Fadvise.NAMES)]),
                verify, logs, percentiles,
                flag("group_reporting", !fioDefaults), forcedStonewall || flag("stonewall", false),
                flag("new_group", false));
    }

    private BlockSizes blockSizes(Rw rw) throws UsageException {
        long[] bs = {4096, 4096};
        Setting s = get("bs");
        if (s != null) {
            String[] parts = Values.perDirection(s.value());
            for (int d = 0; d < 2; d++) {
                if (parts[d] != null) {
                    try {
                        bs[d] = Values.size(s.label(), parts[d]);
                    } catch (UsageException e) {
                        throw located(s, e);
                    }
                    if (bs[d] < 1 || bs[d] > (64 << 20)) {
                        throw new UsageException(s.message(parts[d] + " is out of range 1..64m"));
                    }
                }
            }
        }
        long[] min = bs.clone();
        long[] max = bs.clone();
        List<List<BlockSizes.Split>> split = new ArrayList<>(List.of(List.of(), List.of()));
        Setting range = get("bsrange");
        if (range != null) {
            String[] parts = Values.perDirection(range.value());
            for (int d = 0; d < 2; d++) {
                if (parts[d] == null) {
                    continue;
                }
                String[] lohi = parts[d].split("[-:]", 2);
                try {
                    min[d] = Values.size(range.label(), lohi[0]);
                    max[d] = lohi.length > 1 ? Values.size(range.label(), lohi[1]) : min[d];
                } catch (UsageException e) {
                    throw located(range, e);
                }
                if (min[d] > max[d]) {
                    long t = min[d];
                    min[d] = max[d];
                    max[d] = t;
                }
                if (min[d] < 1 || max[d] > (64 << 20)) {
                    throw new UsageException(range.message(parts[d] + " is out of range 1..64m"));
                }
            }
        }
        Setting ss = get("bssplit");
        if (ss != null) {
            String v = ss.value().strip();
            int comma = v.indexOf(',');
            String[] parts = comma < 0 ? new String[] {v, v} : new String[] {v.substring(0, comma),
                v.substring(comma + 1).split(",", -1)[0]};
            for (int d = 0; d < 2; d++) {
                if (parts[d].isEmpty()) {
                    continue;
                }
                List<BlockSizes.Split> l = SplitParser.bssplit(ss, parts[d]);
                split.set(d, l);
                min[d] = Long.MAX_VALUE;
                max[d] = 0;
                for (BlockSizes.Split e : l) {
                    min[d] = Math.min(min[d], e.bs());
                    max[d] = Math.max(max[d], e.bs());
                }
            }
        }
        long[] ba = {0, 0};
        Setting align = get("blockalign");
        if (align != null) {
            String[] parts = Values.perDirection(align.value());
            for (int d = 0; d < 2; d++) {
                if (parts[d] != null) {
                    try {
                        ba[d] = Values.size(align.label(), parts[d]);
                    } catch (UsageException e) {
                        throw located(align, e);
                    }
                }
            }
        }
        BlockSizes.Side[] sides = new BlockSizes.Side[2];
        for (int d = 0; d < 2; d++) {
            long a = ba[d] == 0 || !rw.random() ? min[d] : ba[d];
            sides[d] = new BlockSizes.Side(min[d], max[d], split.get(d), a);
        }
        return new BlockSizes(sides[0], sides[1], flag("bs_unaligned", false));
    }

    private RandomSpec random(Rw rw, BlockSizes bs) throws UsageException {
        RandomSpec.Kind kind = RandomSpec.Kind.RANDOM;
        double param = 0;
        double center = -1;
        List<List<RandomSpec.Zone>> zones = List.of(List.of(), List.of());
        Setting d = get("random_distribution");
        if (d != null) {
            String v = d.value().strip();
            String lower = v.toLowerCase(Locale.ROOT);
            try {
                if (lower.startsWith("zoned_abs:") || lower.startsWith("zoned:")) {
                    boolean abs = lower.startsWith("zoned_abs:");
                    kind = abs ? RandomSpec.Kind.ZONED_ABS : RandomSpec.Kind.ZONED;
                    String body = v.substring(v.indexOf(':') + 1);
                    int comma = body.indexOf(',');
                    String rpart = comma < 0 ? body : body.substring(0, comma);
                    String wpart = comma < 0 ? body : body.substring(comma + 1).split(",", -1)[0];
                    zones = List.of(SplitParser.zones(d, rpart, abs), SplitParser.zones(d, wpart, abs));
                } else {
                    String[] p = v.split(":");
                    String k = p[0].toLowerCase(Locale.ROOT);
                    kind = switch (k) {
                        case "random" -> RandomSpec.Kind.RANDOM;
                        case "zipf" -> RandomSpec.Kind.ZIPF;
                        case "pareto" -> RandomSpec.Kind.PARETO;
                        case "normal", "gauss" -> RandomSpec.Kind.NORMAL;
                        case "zoned", "zoned_abs" -> throw new UsageException(d.label() + ": '" + v + "' has no zones");
                        default -> throw new UsageException(d.label() + ": '" + v + "' is not one of random, zipf, pareto,"
                                + " normal, zoned, zoned_abs");
                    };
                    param = kind == RandomSpec.Kind.ZIPF ? 1.1 : kind == RandomSpec.Kind.PARETO ? 0.2 : 0.0;
                    if (p.length > 1 && kind != RandomSpec.Kind.RANDOM) {
                        param = Values.decimal(d.label(), p[1]);
                    }
                    if (p.length > 2 && kind != RandomSpec.Kind.RANDOM) {
                        center = Values.decimal(d.label(), p[2]);
                        if (center < 0 || center > 1) {
                            throw new UsageException(d.label() + ": the centre " + p[2] + " is outside 0..1");
                        }
                    }
                    if (kind == RandomSpec.Kind.ZIPF && param == 1.0) {
                        throw new UsageException(d.label() + ": zipf theta must not be 1.0");
                    }
                    if (kind == RandomSpec.Kind.PARETO && (param <= 0 || param >= 1)) {
                        throw new UsageException(d.label() + ": pareto h must be between 0 and 1");
                    }
                    if (kind == RandomSpec.Kind.NORMAL && (param < 0 || param >= 100)) {
                        throw new UsageException(d.label() + ": the normal deviation must be 0 <= dev < 100");
                    }
                }
            } catch (UsageException e) {
                throw located(d, e);
            }
        }
        boolean randrepeat = flag("randrepeat", true);
        Long seed = value("randseed", null, s -> Values.longValue(s.label(), s.value()));
        // jaio's command-line default is fio's norandommap: uniform offsets with repeats (what its tables measured)
        boolean map = !flag("norandommap", !fioDefaults);
        if (kind != RandomSpec.Kind.RANDOM) {
            map = false;
        }
        if (map && rw.random() && (bs.read().align() != bs.read().min() || bs.write().align() != bs.write().min())) {
            warnings.add(name + ": blockalign turns the random map off (as in fio)");
            map = false;
        }
        boolean use64 = value("random_generator", false, s -> {
            String g = s.value().trim().toLowerCase(Locale.ROOT);
            if (g.equals("lfsr")) {
                throw new UsageException(s.label() + ": 'lfsr' is not carried (tausworthe or tausworthe64)");
            }
            return Values.choice(s.label(), g, List.of("tausworthe", "tausworthe64")) == 1;
        });
        return new RandomSpec(kind, param, center, zones, randrepeat, seed, map, use64);
    }

    private FileSpec files(BlockSizes bs) throws UsageException {
        List<String> names = new ArrayList<>();
        Setting fn = get("filename");
        boolean dflt = false;
        if (fn != null) {
            for (String n : fn.value().split(":")) {
                if (!n.isEmpty()) {
                    names.add(n);
                }
            }
            if (names.isEmpty()) {
                throw new UsageException(fn.message("names no file"));
            }
        } else if (!fioDefaults) {
            names.add(Path.of(System.getProperty("java.io.tmpdir"), DEFAULT_FILE).toString());
            dflt = true;
        }
        int nrfiles = names.isEmpty() ? integer("nrfiles", 1, 1, 65536) : names.size();
        Setting sz = get("size");
        long size = fioDefaults ? 0 : 1L << 30;
        int sizePct = 0;
        if (sz != null) {
            try {
                sizePct = Values.percent(sz.label(), sz.value());
                size = sizePct > 0 ? 0 : Values.size(sz.label(), sz.value());
                sizePct = Math.max(sizePct, 0);
            } catch (UsageException e) {
                throw located(sz, e);
            }
        }
        long minBs = bs.minOfAll();
        if (sizePct == 0 && size > 0 && size < minBs) {
            String bsLabel = get("bs") != null ? get("bs").label() + "=" + get("bs").value() : label("bs") + "=4k";
            throw new UsageException(sz != null ? sz.message(sz.value() + " is smaller than " + bsLabel)
                    : "--size: is smaller than " + bsLabel);
        }
        long lo = 0;
        long hi = 0;
        Setting fs = get("filesize");
        if (fs != null) {
            String[] p = fs.value().split("-", 2);
            try {
                lo = Values.size(fs.label(), p[0]);
                hi = p.length > 1 ? Values.size(fs.label(), p[1]) : lo;
            } catch (UsageException e) {
                throw located(fs, e);
            }
            if (lo > hi) {
                long t = lo;
                lo = hi;
                hi = t;
            }
        }
        long[] offset = sizeOrPercent("offset");
        long[] inc = sizeOrPercent("offset_increment");
        return new FileSpec(List.copyOf(names), text("directory", null), nrfiles,
                text("filename_format", FileSpec.DEFAULT_FORMAT), size, sizePct, lo, hi, offset[0], (int) offset[1], inc[0],
                (int) inc[1], size("io_size", 0), dflt, sectionName);
    }

    /** {bytes, percent}: one of them 0. */
    private long[] sizeOrPercent(String option) throws UsageException {
        Setting s = get(option);
        if (s == null) {
            return new long[] {0, 0};
        }
        try {
            int p = Values.percent(s.label(), s.value());
            return p > 0 ? new long[] {0, p} : new long[] {Values.size(s.label(), s.value()), 0};
        } catch (UsageException e) {
            throw located(s, e);
        }
    }

    private JobSpec.Depth depth() throws UsageException {
        int depth = integer("iodepth", fioDefaults ? 1 : 32, 1, 4096);
        int low = integer("iodepth_low", 0, 0, Integer.MAX_VALUE);
        if (low == 0 || low > depth) {
            low = depth;
        }
        int submit = integer("iodepth_batch_submit", 1, 0, Integer.MAX_VALUE);
        submit = submit == 0 ? depth : Math.min(submit, depth);
        int cmin = integer("iodepth_batch_complete_min", 1, 0, Integer.MAX_VALUE);
        if (cmin > depth) {
            Setting s = get("iodepth_batch_complete_min");
            throw new UsageException(s.message(cmin + " is more than " + label("iodepth") + "=" + depth));
        }
        Setting mx = get("iodepth_batch_complete_max");
        int cmax = mx == null ? depth : integer("iodepth_batch_complete_max", depth, 1, Integer.MAX_VALUE);
        cmax = Math.max(Math.min(cmax, depth), Math.max(cmin, 1));
        return new JobSpec.Depth(depth, low, submit, cmin, cmax);
    }

    private JobSpec.Timing timing() throws UsageException {
        long runtime = time("runtime", fioDefaults ? 0 : 10 * Values.SECONDS, Values.SECONDS);
        boolean timed = flag("time_based", !fioDefaults);
        if (timed && runtime == 0) {
            if (!fioDefaults) {
                Setting s = get("runtime");
                String l = s != null ? s.label() : "--runtime";
                throw new UsageException(l + ": 0 (no limit) needs --time_based=0, else the job never ends");
            }
            warnings.add(name + ": time_based needs a runtime; running size-bound (as fio does)");
            timed = false;
        }
        return new JobSpec.Timing(runtime, timed, time("ramp_time", 0, Values.SECONDS), integer("loops", 1, 1, Integer.MAX_VALUE),
                time("startdelay", 0, Values.SECONDS));
    }

    private JobSpec.Pace pace(BlockSizes bs) throws UsageException {
        long[] bps = {0, 0};
        Setting rate = get("rate");
        Setting iops = get("rate_iops");
        if (rate != null && iops != null) {
            throw new UsageException(iops.message("rate and rate_iops are mutually exclusive (as in fio)"));
        }
        if (rate != null) {
            String[] p = Values.perDirection(rate.value());
            for (int d = 0; d < 2; d++) {
                // "rate=500k," limits reads only, "rate=,500k" writes only
                if (p[d] != null) {
                    try {
                        bps[d] = Values.size(rate.label(), p[d]);
                    } catch (UsageException e) {
                        throw located(rate, e);
                    }
                }
            }
        }
        if (iops != null) {
            String[] p = Values.perDirection(iops.value());
            for (int d = 0; d < 2; d++) {
                if (p[d] != null) {
                    try {
                        bps[d] = Values.integer(iops.label(), p[d], 0, Integer.MAX_VALUE) * bs.side(d).min();
                    } catch (UsageException e) {
                        throw located(iops, e);
                    }
                }
            }
        }
        boolean poisson = value("rate_process", false, s -> Values.choice(s.label(), s.value(), List.of("linear", "poisson")) == 1);
        long think = time("thinktime", 0, Values.MICROS);
        long spin = Math.min(time("thinktime_spin", 0, Values.MICROS), think);
        return new JobSpec.Pace(bps, poisson, think, spin, integer("thinktime_blocks", 1, 1, Integer.MAX_VALUE));
    }

    private JobSpec.EngineSpec engine() throws UsageException {
        BenchEngine e = value("ioengine", fioDefaults ? BenchEngine.THREADS : BenchEngine.AUTO, s -> {
            BenchEngine b = BenchEngine.byName(s.value());
            if (b != null) {
                return b;
            }
            throw new UsageException(s.label() + ": '" + s.value() + "' is not an engine jaio has (fio's "
                    + String.join(", ", BenchEngine.FIO_NAMES) + "; jaio's " + String.join(", ", BenchEngine.NAMES) + ")");
        });
        int nonvec = value("nonvectored", -1, s -> Values.integer(s.label(), s.value(), -1, 1));
        boolean virtual = value("thread", 0, s -> Values.choice(s.label(), s.value(), List.of("0", "1", "virtual"))) == 2;
        boolean single = flag("single_issuer", false);
        if (virtual && single) {
            throw new UsageException("single_issuer: the job thread owns its context and waits in the kernel itself,"
                    + " which a virtual thread (thread=virtual) must not do: use one or the other");
        }
        return new JobSpec.EngineSpec(e, flag("fixedbufs", false), flag("registerfiles", false), flag("sqthread_poll", false),
                flag("hipri", false), nonvec == 0, virtual, single);
    }

    private JobSpec.VerifySpec verify(BlockSizes bs, Rw rw) throws UsageException {
        VerifyMethod m = value("verify", VerifyMethod.NONE, s -> {
            VerifyMethod v = VerifyMethod.byName(s.value());
            if (v == null) {
                throw new UsageException(s.label() + ": '" + s.value() + "' is not one of 0, " + String.join(", ",
                        VerifyMethod.NAMES.subList(1, VerifyMethod.NAMES.size())));
            }
            return v;
        });
        if (m != VerifyMethod.NONE) {
            long need = m.headerLength();
            long smallest = rw.writes() ? bs.write().min() : bs.read().min();
            if (smallest < need) {
                Setting s = get("bs");
                String l = s != null ? s.label() : label("bs");
                throw new UsageException((s != null ? s.where() : "") + l + ": " + (s != null ? s.value() : smallest)
                        + " is too small for " + label("verify") + " (a block's header takes " + need + " bytes)");
            }
        }
        return new JobSpec.VerifySpec(m, integer("verify_backlog", 0, 0, Integer.MAX_VALUE), flag("do_verify", true));
    }

    private static double[] percentiles(Setting s) throws UsageException {
        String[] p = s.value().split(":");
        if (p.length > 20) {
            throw new UsageException(s.label() + ": at most 20 percentiles");
        }
        double[] out = new double[p.length];
        for (int i = 0; i < p.length; i++) {
            out[i] = Values.decimal(s.label(), p[i]);
            if (out[i] <= 0 || out[i] > 100) {
                throw new UsageException(s.label() + ": " + p[i] + " is outside (0, 100]");
            }
        }
        java.util.Arrays.sort(out);
        return out;
    }
}
