package jaio.bench.report;

import java.io.PrintStream;
import java.time.Instant;
import jaio.ContextStats;
import jaio.bench.cli.JobSpec;
import jaio.bench.run.IoStats;
import jaio.bench.run.Moments;
import jaio.bench.run.RunResult;
import jaio.bench.run.Rusage;

/**
 * The JSON report, with fio's names for what fio also measures ({@code jobs[].read.iops},
 * {@code bw_bytes}, {@code clat_ns.percentile["99.000000"]}, {@code usr_cpu}, {@code ctx} ...),
 * so one parser reads fio's output and this one. jaio's own measurements sit under
 * {@code jobs[].jaio}. All jobs are summed into one (fio's group_reporting).
 */
public final class JsonReport {
    private JsonReport() {}

    public static void write(RunResult r, PrintStream out) {
        out.println(render(r));
    }

    /** The report as a string. */
    public static String render(RunResult r) {
        JobSpec s = r.spec();
        JsonWriter w = new JsonWriter();
        w.beginObject();
        w.field("jaio version", "jaio-bench " + Version.get());
        w.field("timestamp", Instant.now().getEpochSecond());
        w.field("time", Instant.now().toString());
        w.key("global options").beginObject();
        options(w, s);
        w.endObject();
        w.key("jobs").beginArray();
        w.beginObject();
        w.field("jobname", s.name());
        w.field("groupid", 0);
        w.field("error", r.stats().errors() > 0 ? 1 : 0);
        w.field("numjobs", s.numjobs());
        w.key("job options").beginObject();
        options(w, s);
        w.endObject();
        double rt = r.runtimeNanos() / 1e9;
        direction(w, "read", r.stats().read(), r.runtimeNanos());
        direction(w, "write", r.stats().write(), r.runtimeNanos());
        direction(w, "trim", new IoStats(), r.runtimeNanos());
        w.key("sync").beginObject();
        w.field("total_ios", r.stats().sync().ios());
        moments(w, "lat_ns", r.stats().sync().lat());
        w.endObject();
        w.field("job_runtime", Math.round(rt * 1000));
        Rusage p = r.process();
        double window = Math.max(1, r.windowNanos());
        w.field("usr_cpu", p.known() ? 100.0 * p.userNanos() / window : -1);
        w.field("sys_cpu", p.known() ? 100.0 * p.systemNanos() / window : -1);
        w.field("ctx", p.known() ? p.contextSwitches() : -1);
        w.field("majf", p.known() ? p.majorFaults() : -1);
        w.field("minf", p.known() ? p.minorFaults() : -1);
        jaio(w, r);
        w.endObject();
        w.endArray();
        w.endObject();
        return w.toString();
    }

    private static void options(JsonWriter w, JobSpec s) {
        w.field("filename", s.file().toString());
        w.field("size", Long.toString(s.size()));
        w.field("rw", s.rw().fioName());
        if (s.rw() == jaio.bench.cli.Rw.RANDRW) {
            w.field("rwmixread", Integer.toString(s.rwmixread()));
        }
        w.field("bs", Integer.toString(s.bs()));
        w.field("iodepth", Integer.toString(s.iodepth()));
        w.field("numjobs", Integer.toString(s.numjobs()));
        w.field("direct", s.direct() ? "1" : "0");
        w.field("fsync", Integer.toString(s.fsync()));
        w.field("runtime", Long.toString(s.runtime() / 1_000_000_000L));
        w.field("time_based", s.timeBased() ? "1" : "0");
        w.field("ramp_time", Long.toString(s.rampTime() / 1_000_000_000L));
        w.field("iodepth_batch_submit", Integer.toString(s.batchSubmit()));
        w.field("iodepth_batch_complete_min", Integer.toString(s.completeMin()));
        w.field("iodepth_batch_complete_max", Integer.toString(s.completeMax()));
        w.field("invalidate", s.invalidate() ? "1" : "0");
        w.field("verify", s.verify() ? "crc32c" : "0");
        w.field("ioengine", s.engine().cliName());
    }

    private static void direction(JsonWriter w, String name, IoStats d, long runtimeNanos) {
        double rt = runtimeNanos / 1e9;
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
            for (double p : Percentiles.FIO) {
                w.field(Percentiles.jsonKey(p), d.clat().getValueAtPercentile(p));
            }
            w.endObject();
        }
        w.endObject();
        moments(w, "lat_ns", d.lat());
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

    private static void jaio(JsonWriter w, RunResult r) {
        w.key("jaio").beginObject();
        w.field("engine", r.engine());
        w.field("engine_requested", r.spec().engine().cliName());
        w.key("passed_over").beginArray();
        for (String p : r.passedOver()) {
            w.value(p);
        }
        w.endArray();
        long ios = r.totalIos();
        Rusage p = r.process();
        w.field("ctx_per_io", p.known() && ios > 0 ? (double) p.contextSwitches() / ios : -1);
        w.field("ctx_voluntary", p.known() ? p.voluntary() : -1);
        w.field("ctx_involuntary", p.known() ? p.involuntary() : -1);
        Rusage t = r.jobThreads();
        w.key("job_threads").beginObject();
        w.field("ctx", t.known() ? t.contextSwitches() : -1);
        w.field("ctx_per_io", t.known() && ios > 0 ? (double) t.contextSwitches() / ios : -1);
        w.field("usr_ns", t.known() ? t.userNanos() : -1);
        w.field("sys_ns", t.known() ? t.systemNanos() : -1);
        w.field("alloc_bytes", r.allocatedBytes());
        w.field("alloc_bytes_per_io", r.allocatedBytes() >= 0 && ios > 0 ? (double) r.allocatedBytes() / ios : -1);
        w.endObject();
        w.field("runtime_min_ms", r.runtimeMinNanos() / 1_000_000);
        ContextStats c = r.context();
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
            w.endObject();
        }
        w.field("errors", r.stats().errors());
        w.field("first_error", r.stats().firstError());
        if (r.spec().verify()) {
            w.key("verify").beginObject();
            w.field("checked_in_run", r.stats().verified());
            w.field("checked_after_run", r.readback() == null ? 0 : r.readback().verified());
            w.field("mismatches", r.mismatches());
            w.field("failed_checks", r.stats().failedChecks() + (r.readback() == null ? 0 : r.readback().failedChecks()));
            w.key("mismatch_list").beginArray();
            for (String m : r.stats().mismatches()) {
                w.value(m);
            }
            if (r.readback() != null) {
                for (String m : r.readback().mismatches()) {
                    w.value(m);
                }
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
