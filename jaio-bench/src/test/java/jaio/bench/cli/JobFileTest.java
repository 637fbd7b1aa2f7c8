package jaio.bench.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import jaio.bench.plan.BenchEngine;
import jaio.bench.plan.BlockSizes;
import jaio.bench.plan.JobSpec;
import jaio.bench.plan.Plan;
import jaio.bench.plan.RandomSpec;
import jaio.bench.plan.Rw;
import jaio.bench.plan.VerifyMethod;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** fio's job file format and options, read into plans; every error names its file, line and section. */
class JobFileTest {
    @TempDir
    Path dir;

    private Path file(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    private Plan plan(Map<String, String> env, String... args) throws UsageException {
        return PlanReader.read(args, env).plan();
    }

    private Plan plan(String text, String... more) throws Exception {
        List<String> a = new ArrayList<>(List.of(more));
        a.add(file("job.fio", text).toString());
        return plan(Map.of(), a.toArray(String[]::new));
    }

    private static JobSpec job(Plan p, int i) {
        return p.jobs().get(i).spec();
    }

    @Test
    void globalsCommentsAndSections() throws Exception {
        Plan p = plan("""
                ; a comment
                # another
                [global]
                rw=randread   ; trailing comment
                bs=8k         # and this one
                size=1m
                [one]
                [two]
                bs=16k
                [global]
                iodepth=4
                [three]
                """);
        assertEquals(3, p.jobs().size());
        assertEquals(Rw.RANDREAD, job(p, 0).rw());
        assertEquals(8192, job(p, 0).bs().read().min());
        assertEquals(16384, job(p, 1).bs().read().min(), "a job overrides its global");
        assertEquals(1, job(p, 1).depth().iodepth(), "a later [global] does not reach back");
        assertEquals(4, job(p, 2).depth().iodepth());
        assertEquals(Map.of("bs", "16k"), p.jobs().get(1).options(), "fio's job options: the section's own");
        assertEquals("8k", p.globals().get("bs"));
        assertTrue(p.fioDefaults());
        assertEquals(BenchEngine.THREADS, job(p, 0).engine().engine(), "fio's default psync");
        assertEquals(List.of(), job(p, 0).files().names(), "names made up from the job name");
        assertEquals("one", job(p, 0).files().jobName());
    }

    @Test
    void environmentAndReservedWords() throws Exception {
        Path f = file("env.fio", """
                [job]
                size=${SIZE}
                numjobs=${UNSET}2
                filename=${DIR}/data-$ncpus
                """);
        Plan p = plan(Map.of("SIZE", "64k", "DIR", "/x"), f.toString());
        assertEquals(64 << 10, job(p, 0).files().size());
        assertEquals(2, job(p, 0).numjobs(), "an unset variable is empty");
        assertEquals("/x/data-" + Runtime.getRuntime().availableProcessors(), job(p, 0).files().names().get(0));
    }

    @Test
    void includeIsReadIntoTheSectionRelativeToTheFile() throws Exception {
        Files.createDirectories(dir.resolve("inc"));
        file("inc/common.fio", "ioengine=libaio\niodepth=8\n");
        file("inc/main.fio", "[global]\ninclude common.fio\nsize=1m\n[j]\nrw=write\n");
        Plan p = plan(Map.of(), dir.resolve("inc/main.fio").toString());
        assertEquals(BenchEngine.KAIO, job(p, 0).engine().engine());
        assertEquals(8, job(p, 0).depth().iodepth());
    }

    @Test
    void stonewallNewGroupAndFilesMakePhasesAndGroups() throws Exception {
        Path a = file("a.fio", "[global]\nsize=1m\n[a1]\n[a2]\nnew_group\n[a3]\nstonewall\n[a4]\n");
        Path b = file("b.fio", "[b1]\nsize=1m\nnumjobs=3\n[b2]\nsize=1m\n");
        Plan p = plan(Map.of(), a.toString(), b.toString());
        int[] groups = p.jobs().stream().mapToInt(Plan.PlannedJob::group).toArray();
        int[] phases = p.jobs().stream().mapToInt(Plan.PlannedJob::phase).toArray();
        assertArrayEquals(new int[] {0, 1, 2, 2, 3, 3}, groups);
        assertArrayEquals(new int[] {0, 0, 1, 1, 2, 2}, phases, "a second job file starts with a stonewall");
        assertArrayEquals(new int[] {1, 2, 3, 4, 5, 8}, p.jobs().stream().mapToInt(Plan.PlannedJob::firstThread).toArray(),
                "thread numbers count every clone");
        assertEquals(0, p.jobs().get(4).subjob(0));
        assertEquals(2, p.jobs().get(4).subjob(1), "fio numbers clones down from numjobs-1");
        assertEquals(1, p.jobs().get(4).subjob(2));
    }

    @Test
    void commandLineOptionsAreDefaultsUnderTheFile() throws Exception {
        Plan p = plan("[global]\nsize=1m\nbs=16k\n[keeps]\nbs=4k\n[inherits]\n[global]\n[late]\n", "--bs=8k", "--iodepth=3");
        assertEquals(4096, job(p, 0).bs().read().min(), "a job's own setting wins");
        assertEquals(16384, job(p, 1).bs().read().min(), "the file's [global] wins over the command line");
        assertEquals(3, job(p, 0).depth().iodepth(), "what the file does not set comes from the command line");
    }

    @Test
    void commandLineJobsWithName() throws Exception {
        Plan p = plan(Map.of(), "--size=1m", "--rw=write", "--name=a", "--bs=8k", "--name=b", "--rw=read");
        assertEquals(2, p.jobs().size());
        assertEquals("a", job(p, 0).name());
        assertEquals(Rw.WRITE, job(p, 0).rw());
        assertEquals(8192, job(p, 0).bs().read().min());
        assertEquals(Rw.READ, job(p, 1).rw());
        assertEquals(4096, job(p, 1).bs().read().min(), "a --name job does not inherit the one before");
        assertFalse(p.fioDefaults(), "a command line alone has jaio's defaults");
        assertEquals(32, job(p, 0).depth().iodepth());
    }

    @Test
    void aNameOptionRenamesTheJobButNotItsFiles() throws Exception {
        Plan p = plan("[global]\nname=ignored\nsize=1m\n[sect]\nname=inner\n[other]\n");
        assertEquals("inner", job(p, 0).name());
        assertEquals("sect", job(p, 0).files().jobName());
        assertEquals("other", job(p, 1).name(), "a global name= does not rename (as in fio)");
    }

    /** Every option the issue lists, each with a value that is not its default. */
    @Test
    void everyOptionIsReadWithFiosMeaning() throws Exception {
        Plan p = plan("""
                [global]
                thread
                group_reporting
                [all]
                description=every option
                numjobs=3
                ioengine=io_uring
                rw=randrw:4
                rwmixwrite=30
                bs=4k,8k
                blockalign=4k,8k
                bs_unaligned=0
                random_distribution=zipf:1.2:0.4
                randrepeat=0
                randseed=0x1234
                norandommap=1
                random_generator=tausworthe64
                filename=/tmp/a:/tmp/b
                directory=/tmp
                filename_format=x.$jobnum
                size=25%
                filesize=1m-2m
                io_size=64m
                offset=10%
                offset_increment=1m
                direct=1
                invalidate=0
                iodepth=64
                iodepth_low=16
                iodepth_batch_submit=8
                iodepth_batch_complete_min=4
                iodepth_batch_complete_max=16
                fixedbufs
                registerfiles=1
                sqthread_poll=1
                hipri
                nonvectored=0
                single_issuer=1
                io_submit_mode=offload
                fsync=8
                fdatasync=16
                end_fsync=1
                runtime=2m
                time_based
                ramp_time=500ms
                loops=3
                startdelay=100ms
                rate=1m,500k
                rate_process=poisson
                thinktime=250
                thinktime_spin=100us
                thinktime_blocks=8
                verify=sha256
                verify_backlog=128
                do_verify=0
                write_bw_log=bw
                write_lat_log=lat
                write_iops_log=iops
                log_avg_msec=250
                log_offset=1
                write_iolog=trace.log
                percentile_list=99.9:50:99
                """);
        JobSpec s = job(p, 0);
        assertEquals("every option", s.description());
        assertEquals(3, s.numjobs());
        assertTrue(s.groupReporting());
        assertEquals(BenchEngine.URING, s.engine().engine());
        assertEquals(Rw.RANDRW, s.rw());
        assertEquals(4, s.rwSeqNr());
        assertEquals(70, s.rwmixread());
        assertEquals(new BlockSizes.Side(4096, 4096, List.of(), 4096), s.bs().read());
        assertEquals(new BlockSizes.Side(8192, 8192, List.of(), 8192), s.bs().write());
        RandomSpec r = s.random();
        assertEquals(RandomSpec.Kind.ZIPF, r.kind());
        assertEquals(1.2, r.param());
        assertEquals(0.4, r.center());
        assertFalse(r.randrepeat());
        assertEquals(0x1234L, r.randseed());
        assertFalse(r.randomMap());
        assertTrue(r.use64());
        assertEquals(List.of("/tmp/a", "/tmp/b"), s.files().names());
        assertEquals(2, s.files().nrfiles());
        assertEquals("/tmp", s.files().directory());
        assertEquals("x.$jobnum", s.files().filenameFormat());
        assertEquals(25, s.files().sizePercent());
        assertEquals(1 << 20, s.files().fileSizeLow());
        assertEquals(2 << 20, s.files().fileSizeHigh());
        assertEquals(64L << 20, s.files().ioSize());
        assertEquals(10, s.files().offsetPercent());
        assertEquals(1 << 20, s.files().increment());
        assertTrue(s.direct());
        assertFalse(s.invalidate());
        assertEquals(new JobSpec.Depth(64, 16, 8, 4, 16), s.depth());
        assertEquals(new JobSpec.EngineSpec(BenchEngine.URING, true, true, true, true, true, false, true), s.engine());
        assertEquals(new JobSpec.SyncSpec(8, 16, true), s.sync());
        assertEquals(new JobSpec.Timing(120_000_000_000L, true, 500_000_000L, 3, 100_000_000L), s.timing());
        assertArrayEquals(new long[] {1 << 20, 500 << 10}, s.pace().bytesPerSec());
        assertTrue(s.pace().poisson());
        assertEquals(250_000, s.pace().thinktime(), "thinktime counts microseconds");
        assertEquals(100_000, s.pace().thinktimeSpin());
        assertEquals(8, s.pace().thinktimeBlocks());
        assertEquals(new JobSpec.VerifySpec(VerifyMethod.SHA256, 128, false), s.verify());
        assertEquals(new JobSpec.LogSpec("bw", "lat", "iops", 250, true, "trace.log"), s.logs());
        assertArrayEquals(new double[] {50, 99, 99.9}, s.percentiles());
    }

    @Test
    void blockSizeSplitsRangesAndZones() throws Exception {
        Plan p = plan("""
                [global]
                size=1m
                rw=randrw
                [split]
                bssplit=4k/50:1k/:32k/
                [split2]
                bssplit=64k/40:1024k/60,1024k/100
                [range]
                bsrange=1k-4k,2k-8k
                [zoned]
                random_distribution=zoned:50/5:30/15:20/,50/10:50/90
                [rate_iops]
                bs=4k,16k
                rate_iops=100,10
                """);
        assertEquals(List.of(new BlockSizes.Split(1024, 25), new BlockSizes.Split(32768, 25), new BlockSizes.Split(4096, 50)),
                job(p, 0).bs().read().split(), "blank percentages share the rest; sorted by percent as fio sorts");
        assertEquals(1024, job(p, 0).bs().read().min());
        assertEquals(32768, job(p, 0).bs().read().max());
        assertEquals(List.of(new BlockSizes.Split(1 << 20, 100)), job(p, 1).bs().write().split());
        assertEquals(64 << 10, job(p, 1).bs().read().min());
        assertEquals(new BlockSizes.Side(1024, 4096, List.of(), 1024), job(p, 2).bs().read());
        assertEquals(new BlockSizes.Side(2048, 8192, List.of(), 2048), job(p, 2).bs().write());
        RandomSpec z = job(p, 3).random();
        assertEquals(RandomSpec.Kind.ZONED, z.kind());
        assertEquals(List.of(new RandomSpec.Zone(50, 5, 0), new RandomSpec.Zone(30, 15, 0), new RandomSpec.Zone(20, 80, 0)),
                z.zones().get(0), "a blank size takes what is left");
        assertEquals(List.of(new RandomSpec.Zone(50, 10, 0), new RandomSpec.Zone(50, 90, 0)), z.zones().get(1));
        assertFalse(z.randomMap(), "a non-uniform distribution turns the random map off");
        assertArrayEquals(new long[] {100 * 4096, 10 * 16384}, job(p, 4).pace().bytesPerSec());
    }

    @Test
    void fioAdjustmentsAreMadeAndSaid() throws Exception {
        Plan p = plan("[j]\nsize=1m\nrw=randread\nbs=8k\nblockalign=4k\ntime_based\niodepth=4\niodepth_low=9\n");
        assertFalse(job(p, 0).random().randomMap());
        assertFalse(job(p, 0).timing().timeBased(), "time_based without runtime runs size-bound, as in fio");
        assertEquals(4, job(p, 0).depth().low(), "iodepth_low above iodepth is iodepth");
        assertEquals(2, p.warnings().size(), p.warnings().toString());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "[j]\\nsize=1m\\nfancy_option=3 | job.fio:3: [j] fancy_option: not an option jaio carries (--ignore-unsupported skips it with a warning)",
        "[j]\\nsize=1m\\n\\nbs=4q | job.fio:4: [j] bs: '4q' is not a size (bytes, or a number with k, m, g or t; k = 1024)",
        "[global]\\niodepth=lots\\n[j] | job.fio:2: [global] iodepth: 'lots' is not a whole number",
        "bs=4k\\n[j] | job.fio:1: option 'bs=4k' is outside of any [section]",
        "[j]\\nioengine=mmap | job.fio:2: [j] ioengine: 'mmap' is not an engine jaio has (fio's io_uring, libaio, psync, sync, pvsync, posixaio; jaio's uring, kaio, threads, auto, jdk-afc, jdk-fc, jaio-afc, jaio-fc, posix)",
        "[j]\\noutput-format=json | job.fio:2: [j] output-format: a command-line option (--output-format), not a job option",
        "[j]\\nrate=1m\\nrate_iops=10 | job.fio:3: [j] rate_iops: rate and rate_iops are mutually exclusive (as in fio)",
        "[j]\\nrandom_distribution=zoned:50/5:30/15 | job.fio:2: [j] random_distribution: the access percentages add up to 80, not 100",
        "[j]\\nrw=trim | job.fio:2: [j] rw: 'trim': trim patterns are not carried (jaio has no trim)",
        "[j]\\nverify=meta | job.fio:2: [j] verify: 'meta' is not one of 0, crc32c, crc32c-intel, crc32, md5, sha1, sha256, sha512",
        "[j]\\nbs | job.fio:2: [j] bs: needs a value (SIZE[,SIZE])",
        "[j]\\nrandom_generator=lfsr | job.fio:2: [j] random_generator: 'lfsr' is not carried (tausworthe or tausworthe64)",
        "[j]\\nsize=2k | job.fio:2: [j] size: 2k is smaller than bs=4k",
        "[j]\\nbs=64\\nverify=sha512 | job.fio:2: [j] bs: 64 is too small for verify (a block's header takes 96 bytes)",
    })
    void errorsNameFileLineAndSection(String text, String message) throws Exception {
        String body = text.replace("\\n", "\n") + "\n";
        Path f = file("job.fio", body);
        UsageException e = assertThrows(UsageException.class,
                () -> PlanReader.read(new String[] {"job.fio"}, Map.of()), "in " + body);
        assertTrue(e.getMessage().endsWith("no such job file"), e.getMessage());
        UsageException e2 = assertThrows(UsageException.class, () -> PlanReader.read(new String[] {f.toString()}, Map.of()));
        assertEquals(message, e2.getMessage().replace(f.toString(), "job.fio"));
    }

    @Test
    void ignoreUnsupportedSkipsWithAWarning() throws Exception {
        Path f = file("job.fio", "[j]\nsize=1m\nfancy_option=3\n");
        Plan p = plan(Map.of(), "--ignore-unsupported", f.toString());
        assertEquals(1, p.jobs().size());
        assertEquals(List.of(f + ":3: [j] fancy_option: not an option jaio carries; skipped (--ignore-unsupported)"),
                p.warnings());
        Plan q = plan(Map.of(), "--ignore-unsupported", "--fancy=1");
        assertTrue(q.warnings().get(0).startsWith("--fancy: not an option jaio carries"), q.warnings().toString());
    }

    @Test
    void runOptionsAreReadFromTheCommandLine() throws Exception {
        Plan p = plan(Map.of(), "--output-format=json+,terse", "--output=/tmp/r.json", "--eta=never",
                "--latency-plot=/tmp/l.svg");
        assertEquals(java.util.EnumSet.of(Plan.Format.JSON_PLUS, Plan.Format.TERSE), p.run().formats());
        assertEquals(Path.of("/tmp/r.json"), p.run().output());
        assertEquals(Plan.Eta.NEVER, p.run().eta());
        assertEquals(Path.of("/tmp/l.svg"), p.run().latencyPlot());
        assertNull(plan(Map.of()).run().output());
    }

    @Test
    void theExampleJobFilesAllRead() throws Exception {
        Path jobs = Path.of("src/test/resources/jobs");
        Map<String, String> env = Map.of("JAIO_DIR", dir.toString(), "JAIO_SIZE", "4m", "JAIO_RUNTIME", "1");
        try (var s = Files.list(jobs)) {
            for (Path f : s.filter(x -> x.toString().endsWith(".fio")).toList()) {
                Plan p = plan(env, f.toString());
                assertFalse(p.jobs().isEmpty(), f.toString());
                assertTrue(p.warnings().isEmpty() || f.toString().contains("jesd219"), f + ": " + p.warnings());
            }
        }
        Plan ssd = plan(env, jobs.resolve("ssd-test.fio").toString());
        assertEquals(4, ssd.phases());
        Plan tio = plan(env, jobs.resolve("tiobench.fio").toString());
        assertEquals(4, tio.groups());
        assertEquals(16, tio.jobs().stream().mapToInt(j -> j.spec().numjobs()).sum());
    }
}
