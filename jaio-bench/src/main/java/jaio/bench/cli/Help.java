package jaio.bench.cli;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Help.Ansi;
import picocli.CommandLine.Help.Column;
import picocli.CommandLine.Help.TextTable;

/**
 * {@code ./jaio bench --help}: every option of {@link OptionTable} by section, with fio's
 * meaning and, after "jaio:", where jaio's differs; laid out in two wrapped columns by
 * picocli's help table.
 */
public final class Help {
    private Help() {}

    public static void print(PrintStream out) {
        out.println("""
                usage: ./jaio bench [options] [JOBFILE.fio ...]

                Benchmarks jaio's engines (and two JDK baselines) with fio's options and job files, and reports as fio
                does (normal, json, json+, terse). Option names and meanings are fio's (its HOWTO); where jaio's meaning
                differs, the option says so after "jaio:".

                Job files are fio's: [global] and job sections, ';' and '#' comments, include, ${VAR} from the
                environment, stonewall and new_group; jobs of a group run at once. The command line works as fio's:
                options before the first --name are global, each --name=JOB starts a job, and with job files the command
                line's options are defaults under each file's [global] (a file's own setting wins, as in fio). Every file
                after the first starts with a stonewall. For fio's I/O sequence (offsets, block sizes, read/write mix,
                fsync points) the same job and seed give the same requests as fio 3.33.

                Defaults: with job files, fio's (iodepth=1, size-bound, ioengine=psync, files named after the job).
                Without job files, jaio's: 4 KiB random reads, ioengine=auto, iodepth=32, runtime=10 with time_based=1,
                size=1g, group_reporting=1, norandommap=1, on jaio-bench.dat in the temp folder (java.io.tmpdir),
                laid out once.""");
        Map<String, List<OptionTable.Opt>> groups = new LinkedHashMap<>();
        for (OptionTable.Opt o : OptionTable.all()) {
            groups.computeIfAbsent(o.group(), k -> new java.util.ArrayList<>()).add(o);
        }
        for (Map.Entry<String, List<OptionTable.Opt>> g : groups.entrySet()) {
            out.println();
            out.println(g.getKey() + ":");
            TextTable t = TextTable.forColumns(picocli.CommandLine.Help.defaultColorScheme(Ansi.OFF),
                    new Column(36, 2, Column.Overflow.SPAN), new Column(64, 1, Column.Overflow.WRAP));
            for (OptionTable.Opt o : g.getValue()) {
                String names = "--" + o.name() + (o.label().isEmpty() ? "" : "=" + o.label());
                if (!o.aliases().isEmpty()) {
                    names += " (--" + String.join(", --", o.aliases()) + ")";
                }
                String help = o.help() + (o.differs() == null ? "" : " jaio: " + o.differs() + ".");
                t.addRowValues(names, help);
            }
            out.print(t);
        }
        out.println("""

                Engines: uring (io_uring), kaio (Linux native AIO), threads (a worker pool), auto (the best this machine
                allows), jdk-afc (the JDK's AsynchronousFileChannel), jdk-fc (FileChannel, one call at a time),
                jaio-afc and jaio-fc (jaio.nio's AsynchronousFileChannel and FileChannel, driven the same way),
                posix (jaio's POSIX AIO facade on auto, driven as fio's posixaio).
                CPU and ctx are the whole process's (JVM threads and engine workers included) over the measured window.
                ./jaio plot a.json b.json ... overlays saved jaio and fio JSON results in one latency plot.
                Exit codes: 0 done, 1 verify mismatches or I/O errors, 2 bad usage or an engine this machine does not allow.""");
    }
}
