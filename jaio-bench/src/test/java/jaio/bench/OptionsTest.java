package jaio.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import jaio.bench.cli.PlanReader;
import jaio.bench.cli.UsageException;
import jaio.bench.cli.Values;
import jaio.bench.plan.BenchEngine;
import jaio.bench.plan.JobSpec;
import jaio.bench.plan.Rw;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OptionsTest {
    private static JobSpec spec(String... args) throws UsageException {
        return PlanReader.read(args, java.util.Map.of()).plan().jobs().get(0).spec();
    }

    @Test
    void noOptionsIsTheDocumentedDefault() throws Exception {
        JobSpec s = spec();
        assertEquals(Rw.RANDREAD, s.rw());
        assertEquals(4096, s.bs().read().min());
        assertEquals(BenchEngine.AUTO, s.engine().engine());
        assertEquals(10_000_000_000L, s.timing().runtime());
        assertTrue(s.timing().timeBased());
        assertEquals(1L << 30, s.files().size());
        assertTrue(s.files().defaultFile());
        assertEquals(Path.of(System.getProperty("java.io.tmpdir"), "jaio-bench.dat").toString(), s.files().names().get(0));
        assertEquals(32, s.depth().iodepth());
        // fio's batching defaults: submit 1, complete_min 1, complete_max = iodepth.
        assertEquals(1, s.depth().batchSubmit());
        assertEquals(1, s.depth().completeMin());
        assertEquals(32, s.depth().completeMax());
        assertTrue(s.invalidate());
        assertEquals(JobSpec.Fadvise.TYPE, s.fadvise(), "fio's fadvise_hint=1");
        assertFalse(s.verify().on());
        assertTrue(s.groupReporting());
    }

    @Test
    void fioStyleValuesAreUnderstood() throws Exception {
        JobSpec s = spec("--rw=randrw", "--rwmixread=70", "--bs=16k", "--size=64m", "--iodepth=64", "--numjobs=2",
                "--direct=1", "--fsync=8", "--runtime=500ms", "--ramp_time=1", "--iodepth_batch_submit=16",
                "--iodepth_batch_complete_min=8", "--iodepth_batch_complete_max=32", "--output-format=json",
                "--verify=crc32c", "--ioengine=libaio", "--invalidate=0", "--filename=/tmp/x", "--name=n");
        assertEquals(Rw.RANDRW, s.rw());
        assertEquals(70, s.rwmixread());
        assertEquals(16384, s.bs().write().max());
        assertEquals(64L << 20, s.files().size());
        assertEquals(64, s.depth().iodepth());
        assertEquals(2, s.numjobs());
        assertTrue(s.direct());
        assertEquals(8, s.sync().fsync());
        assertEquals(500_000_000L, s.timing().runtime());
        assertEquals(1_000_000_000L, s.timing().ramp());
        assertEquals(16, s.depth().batchSubmit());
        assertEquals(8, s.depth().completeMin());
        assertEquals(32, s.depth().completeMax());
        assertTrue(s.verify().on());
        assertEquals(BenchEngine.KAIO, s.engine().engine());
        assertFalse(s.invalidate());
        assertEquals(JobSpec.Fadvise.NONE, spec("--fadvise_hint=0").fadvise());
        assertEquals(JobSpec.Fadvise.SEQUENTIAL, spec("--fadvise_hint=Sequential").fadvise());
        assertEquals("/tmp/x", s.files().names().get(0));
        assertFalse(s.files().defaultFile());
        assertEquals("n", s.name());
    }

    @Test
    void posixaioIsThePosixFacade() throws Exception {
        assertEquals(BenchEngine.POSIX, spec("--ioengine=posixaio").engine().engine());
        assertEquals(BenchEngine.POSIX, spec("--engine=posix").engine().engine());
    }

    @Test
    void batchOptionsFollowFio() throws Exception {
        assertEquals(32, spec("--iodepth=32", "--iodepth_batch_submit=0").depth().batchSubmit(), "0 means iodepth");
        assertEquals(32, spec("--iodepth=32", "--iodepth_batch=100").depth().batchSubmit(), "capped at iodepth");
        assertEquals(8, spec("--iodepth=8", "--iodepth_batch_complete_max=100").depth().completeMax());
        assertEquals(16, spec("--iodepth=32", "--iodepth_batch_complete=16", "--iodepth_batch_complete_max=4").depth().completeMax(),
                "max is at least min");
        assertEquals(0, spec("--iodepth_batch_complete_min=0").depth().completeMin(), "0 polls");
    }

    @Test
    void switchesWithoutValueMeanOne() throws Exception {
        assertTrue(spec("--direct").direct());
        assertTrue(spec("--time_based=0", "--time_based").timing().timeBased());
        assertFalse(spec("--time_based=0").timing().timeBased());
    }

    @Test
    void sizesUseBinarySuffixesLikeFio() throws Exception {
        assertEquals(4096, Values.size("--bs", "4k"));
        assertEquals(4096, Values.size("--bs", "4K"));
        assertEquals(4096, Values.size("--bs", "4KiB"));
        assertEquals(1L << 20, Values.size("--bs", "1m"));
        assertEquals(1L << 30, Values.size("--size", "1g"));
        assertEquals(2L << 40, Values.size("--size", "2t"));
        assertEquals(512, Values.size("--bs", "512"));
        assertEquals(3_000_000_000L, Values.time("--runtime", "3"));
        assertEquals(120_000_000_000L, Values.time("--runtime", "2m"));
        assertEquals(250_000L, Values.time("--runtime", "250us"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--rw=foo | --rw: 'foo' is not one of read, write, randread, randwrite, rw, randrw",
        "--engine=fast | --engine: 'fast' is not an engine jaio has (fio's io_uring, libaio, psync, sync, pvsync, posixaio; jaio's uring, kaio, threads, auto, jdk-afc, jdk-fc, jaio-afc, jaio-fc, posix)",
        "--bs=4q | --bs: '4q' is not a size (bytes, or a number with k, m, g or t; k = 1024)",
        "--bs=128m | --bs: 128m is out of range 1..64m",
        "--size=1k | --size: 1k is smaller than --bs=4k",
        "--iodepth=0 | --iodepth: 0 is out of range 1..4096",
        "--iodepth=lots | --iodepth: 'lots' is not a whole number",
        "--numjobs=1000 | --numjobs: 1000 is out of range 1..256",
        "--rwmixread=101 | --rwmixread: 101 is out of range 0..100",
        "--direct=2 | --direct: '2' is not one of 0, 1",
        "--invalidate=yes | --invalidate: 'yes' is not one of 0, 1",
        "--fadvise_hint=often | --fadvise_hint: 'often' is not one of 0, 1, sequential, random, noreuse",
        "--runtime=10x | --runtime: '10x' is not a time (seconds, or a number with us, ms, s, m or h)",
        "--runtime=0 | --runtime: 0 (no limit) needs --time_based=0, else the job never ends",
        "--iodepth_batch_complete_min=33 | --iodepth_batch_complete_min: 33 is more than --iodepth=32",
        "--output-format=xml | --output-format: 'xml' is not one of normal, json, json+, terse",
        "--verify=meta | --verify: 'meta' is not one of 0, crc32c, crc32c-intel, crc32, md5, sha1, sha256, sha512",
        "--nosuch=1 | --nosuch: not an option of ./jaio bench (./jaio bench --help lists them)",
        "stray | stray: no such job file",
        "--bs | --bs: needs a value (SIZE[,SIZE])",
    })
    void badOptionsGetOneLineAndExitCode2(String arg, String line) {
        BenchCli r = BenchCli.run(arg);
        assertEquals(2, r.exitCode, r.toString());
        assertEquals(line + System.lineSeparator(), r.err, r.toString());
        assertEquals("", r.out);
    }

    @Test
    void verifyNeedsRoomForTheHeader() {
        BenchCli r = BenchCli.run("--bs=16", "--verify=crc32c");
        assertEquals(2, r.exitCode);
        assertEquals("--bs: 16 is too small for --verify (a block's header takes 32 bytes)", r.err.strip());
        BenchCli m = BenchCli.run("--bs=32", "--verify=md5");
        assertEquals("--bs: 32 is too small for --verify (a block's header takes 48 bytes)", m.err.strip());
    }

    @Test
    void helpListsTheOptionsAndExitsZero() {
        BenchCli r = BenchCli.run("--help");
        assertEquals(0, r.exitCode, r.toString());
        for (String o : new String[] {"--name", "--filename", "--size", "--rw", "--rwmixread", "--bs", "--iodepth", "--numjobs",
            "--direct", "--fsync", "--runtime", "--time_based", "--ramp_time", "--iodepth_batch_submit",
            "--iodepth_batch_complete_min", "--iodepth_batch_complete_max", "--output-format", "--verify", "--engine",
            "--invalidate", "--latency-plot"}) {
            assertTrue(r.out.contains(o), o + " missing from --help");
        }
    }

    @Test
    void enginesSubcommandStillWorks() {
        BenchCli r = BenchCli.run("engines");
        assertEquals(0, r.exitCode);
        assertTrue(r.out.contains("threads") && r.out.contains("available"), r.out);
    }
}
