package jaio.bench.report;

import java.io.PrintStream;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;
import jaio.ContextStats;
import jaio.bench.plan.JobSpec;
import jaio.bench.run.IoStats;
import jaio.bench.run.JobStats;
import jaio.bench.run.Moments;
import jaio.bench.run.RunResult;
import jaio.bench.run.Rusage;
import jaio.bench.run.Samples;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

/**
 * The JSON report in fio's shape and with fio's names throughout ({@code jobs[].read.iops},
 * {@code bw_bytes}, {@code clat_ns.percentile["99.000000"]}, {@code bw_min}, {@code usr_cpu},
 * {@code ctx}, {@code iodepth_level}, {@code latency_us} ...), one entry per job (or per group
 * with group_reporting), so fio's parsers and dashboards read it; with json+ the completion
 * latency bins too (fio_jsonplus_clat2csv reads them). jaio's own measurements sit under
 * {@code jobs[].jaio}.
 */
public final class JsonReport {
    private static final DateTimeFormatter CTIME = DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.ROOT);

    private JsonReport() {}

    public static void write(RunResult r, PrintStream out, boolean plus) {
        out.println(render(r, plus));
    }

    /** The report as a string. */
    public static String render(RunResult r, boolean plus) {
        JsonWriter w = new JsonWriter();
        Instant now = Instant.now();
        w.beginObject();
        w.field("fio version", "fio-" + Version.FIO + " (jaio-bench " + Version.get() + ")");
        w.field("jaio version", "jaio-bench " + Version.get());
        w.field("timestamp", now.getEpochSecond());
        w.field("timestamp_ms", now.toEpochMilli());
        w.field("time", CTIME.format(now.atZone(ZoneId.systemDefault())));
        w.key("global options").beginObject();
        for (Map.Entry<String, String> e : r.plan().globals().entrySet()) {
            w.field(e.getKey(), e.getValue());
        }
        w.endObject();
        w.key("jobs").beginArray();
        for (Groups.Group g : Groups.of(r)) {
            for (Entry e : g.entries()) {
                job(w, e, r, plus);
            }
        }
        w.endArray();
        w.key("disk_util").beginArray();
        w.endArray();
        w.endObject();
        return w.toString();
    }

    private static void job(JsonWriter w, Entry e, RunResult r, boolean plus) {
        JobStats st = e.stats();
        w.beginObject();
        w.field("jobname", e.name());
        w.field("groupid", e.groupId());
        w.field("error", st.errors() > 0 ? 1 : 0);
        w.field("eta", 0);
        w.field("elapsed", Math.round(e.runtimeNanos() / 1e9));
        w.field("numjobs", e.jobs());
        if (e.spec().description() != null) {
            w.field("desc", e.spec().description());
        }
        Map<String, String> opts = options(e, r);
        if (!opts.isEmpty()) {
            w.key("job options").beginObject();
            for (Map.Entry<String, String> o : opts.entrySet()) {
                w.field(o.getKey(), o.getValue());
            }
            w.endObject();
        }
        direction(w, "read", st.read(), st.samples(), 0, e, plus);
        direction(w, "write", st.write(), st.samples(), 1, e, plus);
        direction(w, "trim", new IoStats(), new Samples(), 0, e, false);
        w.key("sync").beginObject();
        w.field("total_ios", st.sync().ios());
        moments(w, "lat_ns", st.sync().lat());
        w.endObject();
        w.field("job_runtime", Math.round(e.runtimeNanos() / 1e6));
        Rusage p = e.process();
        double window = Math.max(1, e.windowNanos());
        w.field("usr_cpu", p.known() ? 100.0 * p.userNanos() / window : -1);
        w.field("sys_cpu", p.known() ? 100.0 * p.systemNanos() / window : -1);
        w.field("ctx", p.known() ? p.contextSwitches() : -1);
        w.field("majf", p.known() ? p.majorFaults() : -1);
        w.field("minf", p.known() ? p.minorFaults() : -1);
        depths(w, st);
        Histogram all = st.read().clat().copy();
        all.add(st.write().clat());
        LatencyBuckets b = new LatencyBuckets(all);
        buckets(w, "latency_ns", LatencyBuckets.NS, b.ns, null);
        buckets(w, "latency_us", LatencyBuckets.US, b.us, null);
        buckets(w, "latency_ms", LatencyBuckets.MS, b.ms, ">=2000");
        w.field("latency_depth", e.spec().depth().iodepth());
        w.field("latency_target", 0);
        w.field("latency_percentile", 100.0);
        w.field("latency_window", 0);
        jaio(w, e, r);
        w.endObject();
    }

    /** The job's options as written; for a command line alone, jaio's defaults for what was not written. */
    private static Map<String, String> options(Entry e, RunResult r) {
        Map<String, String> m = new java.util.LinkedHashMap<>(e.options());
        if (!r.plan().fioDefaults()) {
            JobSpec s = e.spec();
            m.putIfAbsent("rw", s.rw().fioName());
            m.putIfAbsent("bs", Long.toString(s.bs().read().min()));
            m.putIfAbsent("iodepth", Integer.toString(s.depth().iodepth()));
            m.putIfAbsent("numjobs", Integer.toString(s.numjobs()));
            m.putIfAbsent("direct", s.direct() ? "1" : "0");
            m.putIfAbsent("runtime", Long.toString(s.timing().runtime() / 1_000_000_000L));
            m.putIfAbsent("time_based", s.timing().timeBased() ? "1" : "0");
            m.putIfAbsent("ioengine", s.engine().engine().cliName());
            m.putIfAbsent("invalidate", s.invalidate() ? "1" : "0");
            m.putIfAbsent("verify", s.verify().method().fioName());
        }
        for (Map.Entry<String, String> g : r.plan().globals().entrySet()) {
            if (!r.plan().fioDefaults()) {
                m.putIfAbsent(g.getKey(), g.getValue());
            }
        }
        return m;
    }

    private static void direction(JsonWriter w, String name, IoStats d, Samples s, int dir, Entry e, boolean plus) {
        double rt = e.runtimeNanos() / 1e9;
        double bw = rt > 0 ? d.bytes() / rt : 0;
        w.key(name).beginObject();
        w.field("io_bytes", d.bytes());
        w.field("io_kbytes", d.bytes() / 1024);
        w.field("bw_bytes", Math.round(bw));
        w.field("bw", Math.round(bw / 1024));
        w.field("iops", rt > 0 ? d.ios() / rt : 0.0);
        w.field("runtime", d.ios() > 0 ? Math.round(rt * 1000) : 0);
        w.field("total_ios", d.ios());
        w.field("short_ios", 0);
        w.field("drop_ios", 0);
        moments(w, "slat_ns", d.slat());
        w.key("clat_ns").beginObject();
        Moments c = d.clatMoments();
        w.field("min", c.min());
        w.field("max", c.max());
        w.field("mean", c.mean());
        w.field("stddev", c.stddev());
        w.field("N", c.count());
        if (c.count() > 0) {
            w.key("percentile").beginObject();
            for (double p : e.spec().percentiles()) {
                w.field(String.format(Locale.ROOT, "%.6f", p), d.clat().getValueAtPercentile(p));
            }
            w.endObject();
            if (plus) {
                w.key("bins").beginObject();
                for (HistogramIterationValue v : d.clat().recordedValues()) {
                    w.field(Long.toString(d.clat().medianEquivalentValue(v.getValueIteratedTo())), v.getCountAtValueIteratedTo());
                }
                w.endObject();
            }
        }
        w.endObject();
        moments(w, "lat_ns", d.lat());
        Moments b = s.bw(dir);
        Moments i = s.iops(dir);
        boolean any = d.ios() > 0;
        double kib = rt > 0 ? d.bytes() / 1024.0 / rt : 0;
        w.field("bw_min", any ? b.min() : 0);
        w.field("bw_max", any ? b.max() : 0);
        w.field("bw_agg", any && kib > 0 ? 100.0 * b.mean() / kib : 0.0);
        w.field("bw_mean", any ? b.mean() : 0.0);
        w.field("bw_dev", any ? b.stddev() : 0.0);
        w.field("bw_samples", any ? b.count() : 0);
        w.field("iops_min", any ? i.min() : 0);
        w.field("iops_max", any ? i.max() : 0);
        w.field("iops_mean", any ? i.mean() : 0.0);
        w.field("iops_stddev", any ? i.stddev() : 0.0);
        w.field("iops_samples", any ? i.count() : 0);
        w.endObject();
    }

    private static void moments(JsonWriter w, String name, Moments m) {
        w.key(name).beginObject();
        w.field("min", m.min());
        w.field("max", m.max());
        w.field("mean", m.mean());
        w.field("stddev", m.stddev());
        w.field("N", m.count());
        w.endObject();
    }

    private static void depths(JsonWriter w, JobStats st) {
        long[] lv = st.depthLevels();
        long total = 0;
        for (long v : lv) {
            total += v;
        }
        String[] names = {"1", "2", "4", "8", "16", "32", ">=64"};
        w.key("iodepth_level").beginObject();
        for (int i = 0; i < lv.length; i++) {
            w.field(names[i], total == 0 ? (i == 0 ? 100.0 : 0.0) : 100.0 * lv[i] / total);
        }
        w.endObject();
    }

    private static void buckets(JsonWriter w, String name, long[] bounds, double[] pct, String last) {
        w.key(name).beginObject();
        for (int i = 0; i < pct.length; i++) {
            w.field(i < bounds.length ? Long.toString(bounds[i]) : last, pct[i]);
        }
        w.endObject();
    }

    private static void jaio(JsonWriter w, Entry e, RunResult r) {
        w.key("jaio").beginObject();
        w.field("engine", e.engine());
        w.field("engine_requested", e.spec().engine().engine().cliName());
        w.key("passed_over").beginArray();
        for (String p : e.passedOver()) {
            w.value(p);
        }
        w.endArray();
        long ios = e.totalIos();
        Rusage p = e.process();
        w.field("ctx_per_io", p.known() && ios > 0 ? (double) p.contextSwitches() / ios : -1);
        w.field("ctx_voluntary", p.known() ? p.voluntary() : -1);
        w.field("ctx_involuntary", p.known() ? p.involuntary() : -1);
        Rusage t = e.jobThreads();
        w.key("job_threads").beginObject();
        w.field("ctx", t.known() ? t.contextSwitches() : -1);
        w.field("ctx_per_io", t.known() && ios > 0 ? (double) t.contextSwitches() / ios : -1);
        w.field("usr_ns", t.known() ? t.userNanos() : -1);
        w.field("sys_ns", t.known() ? t.systemNanos() : -1);
        w.field("alloc_bytes", e.allocatedBytes());
        w.field("alloc_bytes_per_io", e.allocatedBytes() >= 0 && ios > 0 ? (double) e.allocatedBytes() / ios : -1);
        w.endObject();
        w.field("runtime_min_ms", e.runtimeMinNanos() / 1_000_000);
        ContextStats c = e.context();
        if (c != null) {
            w.key("context_stats").beginObject();
            w.field("submitted", c.submitted());
            w.field("completed", c.completed());
            w.field("reaped", c.reaped());
            w.field("retries", c.retries());
            w.field("punted", c.punted());
            w.field("eagain", c.eagain());
            w.field("bounced", c.bounced());
            w.field("errors", c.errors());
            w.field("wakeups", c.wakeups());
            w.field("wakeups_per_event", c.reaped() > 0 ? (double) c.wakeups() / c.reaped() : 0.0);
            w.field("caller_runs", c.callerRuns());
            w.endObject();
        }
        JobStats st = e.stats();
        w.field("errors", st.errors());
        w.field("first_error", st.firstError());
        if (e.spec().verify().on()) {
            w.key("verify").beginObject();
            w.field("method", e.spec().verify().method().fioName());
            w.field("checked_in_run", st.verified() - st.checkedAfterRun());
            w.field("checked_after_run", st.checkedAfterRun());
            w.field("mismatches", st.mismatchCount());
            w.field("failed_checks", st.failedChecks());
            w.key("mismatch_list").beginArray();
            for (String m : st.mismatches()) {
                w.value(m);
            }
            w.endArray();
            w.endObject();
        }
        w.key("notes").beginArray();
        for (String n : r.notes()) {
            w.value(n);
        }
        w.endArray();
        w.endObject();
    }
}
