package jaio.engine.uring;

import static jaio.testkit.TestOps.context;
import static jaio.testkit.TestOps.noop;
import static jaio.testkit.TestOps.openFile;
import static jaio.testkit.TestOps.pipeEnd;
import static jaio.testkit.TestOps.read;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import jaio.CancelResult;
import jaio.Errno;
import jaio.Opcode;
import jaio.linux.LibC;
import jaio.spi.Counters;
import jaio.spi.EngineContext;
import jaio.spi.EngineOptions;
import jaio.spi.FileHandle;
import jaio.spi.Op;
import jaio.testkit.CollectingSink;
import jaio.testkit.TestFiles;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine below the context: a completion ring overfilled on purpose, submit-and-wait,
 * cancel answers, wake-ups of a waiter in the kernel.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class UringSpiTest {
    static final int BLOCK = 4096;
    static UringProbe probe;

    @TempDir
    Path dir;

    @BeforeAll
    static void available() {
        probe = IoUringProvider.INSTANCE.probe();
        assumeTrue(probe.available(), "io_uring unavailable: " + probe.reason());
    }

    /** A file of blocks, each filled with its block number. */
    Path blocks(int n) throws IOException {
        return TestFiles.blockNumbered(dir.resolve("blocks.dat"), n);
    }

    @Test
    void anOverfilledCompletionRingLosesNothingAndDuplicatesNothing() throws IOException {
        CollectingSink sink = new CollectingSink();
        // 8 CQEs of room for 512 requests completed inside the submitting calls: the kernel
        // keeps the rest in its overflow list until the reaper flushes them.
        IoUringEngine e = new IoUringEngine(context("spi", 512, 4, sink), probe, 8, 8);
        assertEquals(8, e.cqEntries());
        Path p = blocks(64);
        FileHandle f = openFile(p, false);
        try {
            List<Op> ops = new ArrayList<>();
            for (int round = 0; round < 3; round++) {
                sink.done.clear();
                ops.clear();
                for (int i = 0; i < 512; i++) {
                    Op op = i % 2 == 0 ? noop(i) : read(f, Arena.ofAuto().allocate(BLOCK, BLOCK), (long) (i % 64) * BLOCK, i);
                    ops.add(op);
                }
                // Submitted in several batches, without reaping in between.
                for (int from = 0; from < 512; from += 100) {
                    int n = Math.min(100, 512 - from);
                    e.submit(ops.toArray(new Op[0]), from, n);
                }
                sink.pump(e, 512);
                e.harvest();
                assertEquals(512, sink.count(), "exactly one completion each");
                assertTrue(e.overflowFlushes() > 0, "the completion ring overflowed and was flushed");
                Set<Long> seen = new HashSet<>();
                for (Op op : sink.done) {
                    assertTrue(seen.add(op.userData), "completed twice: " + op.userData);
                    if (op.opcode == Opcode.PREAD) {
                        assertEquals(BLOCK, op.result, () -> "read " + op.userData + ": " + Errno.describe(op.result));
                        long block = op.offset / BLOCK;
                        assertEquals(block, op.segs[0].get(ValueLayout.JAVA_LONG, 0));
                    } else {
                        assertEquals(0, op.result);
                    }
                }
            }
        } finally {
            e.close();
            f.close();
        }
    }

    @Test
    void submitAndWaitSubmitsAndReapsInOneCall() throws IOException {
        CollectingSink sink = new CollectingSink();
        IoUringEngine e = new IoUringEngine(context("spi", 64, 4, sink), probe);
        try {
            Op[] ops = new Op[32];
            for (int i = 0; i < ops.length; i++) {
                ops[i] = noop(i);
            }
            e.submitAndWait(ops, 0, ops.length, ops.length, 5_000_000_000L);
            assertEquals(32, sink.count(), "the wait returned with every completion posted");
        } finally {
            e.close();
        }
    }

    @Test
    void cancelAnswersWhereTheRequestIs() throws IOException {
        CollectingSink sink = new CollectingSink();
        IoUringEngine e = new IoUringEngine(context("spi", 8, 4, sink), probe);
        int[] fds = new int[2];
        assertEquals(0, LibC.pipe2(fds, 0));
        FileHandle rd = pipeEnd(fds[0], true);
        try {
            Op op = read(rd, Arena.ofAuto().allocate(16), 0, 7);
            e.submit(new Op[] {op}, 0, 1);
            e.harvest();
            assertEquals(0, sink.count(), "an empty pipe's read waits in the kernel");
            op.requestCancel();
            CancelResult r = e.cancel(op);
            assertEquals(CancelResult.CANCELED, r, "a read waiting for data is stopped");
            sink.pump(e, 1);
            assertEquals(-Errno.ECANCELED, op.result);
            assertEquals(CancelResult.ALREADY_DONE, e.cancel(op), "the engine no longer has it");
        } finally {
            e.close();
            rd.close();
            LibC.close(fds[1]);
        }
    }

    @Test
    void aWakeupEndsAKernelWaitForMoreThanWillCome() throws Exception {
        CollectingSink sink = new CollectingSink();
        IoUringEngine e = new IoUringEngine(context("spi", 64, 4, sink), probe);
        int[] fds = new int[2];
        assertEquals(0, LibC.pipe2(fds, 0));
        FileHandle rd = pipeEnd(fds[0], true);
        try {
            Op[] ops = new Op[8];
            for (int i = 0; i < ops.length; i++) {
                ops[i] = read(rd, Arena.ofAuto().allocate(1), 0, i);
            }
            e.submit(ops, 0, ops.length);
            Thread waiter = Thread.ofPlatform().start(() -> e.waitForCompletions(8, 20_000_000_000L));
            Thread.sleep(100);
            long t0 = System.nanoTime();
            e.wakeup(8);
            waiter.join(5_000);
            assertTrue(!waiter.isAlive(), "the waiter came back");
            assertTrue(System.nanoTime() - t0 < 5_000_000_000L);
            assertEquals(0, sink.count(), "wake-ups are not completions");
            e.cancelAll();
            sink.pump(e, 8);
            for (Op op : ops) {
                assertEquals(-Errno.ECANCELED, op.result);
            }
        } finally {
            e.close();
            rd.close();
            LibC.close(fds[1]);
        }
    }

    @Test
    void transfersInsideRegisteredBuffersUseTheFixedPath() throws IOException {
        CollectingSink sink = new CollectingSink();
        List<MemorySegment> bufs = List.of(jaio.IoBuffers.allocate(4 * BLOCK), jaio.IoBuffers.allocate(2 * BLOCK));
        EngineContext c = new EngineContext("fixed", 16, 4, sink, new Counters(), new EngineOptions(true, bufs, false, -1));
        IoUringEngine e = new IoUringEngine(c, probe);
        Path p = blocks(16);
        FileHandle f = openFile(p, false);
        try {
            assertTrue(e.capabilities().features().stream().anyMatch(x -> x.startsWith("registered buffers: 2 (")),
                    () -> "features: " + e.capabilities().features());
            // A whole registered buffer, a slice in the middle of one, and plain memory.
            MemorySegment plain = Arena.ofAuto().allocate(BLOCK, BLOCK);
            Op[] ops = {
                read(f, bufs.get(0), 3L * BLOCK, 1),
                read(f, bufs.get(1).asSlice(BLOCK, BLOCK), 9L * BLOCK, 2),
                read(f, plain, 5L * BLOCK, 3),
            };
            e.submit(ops, 0, ops.length);
            sink.pump(e, 3);
            assertEquals(4 * BLOCK, ops[0].result);
            for (int b = 0; b < 4; b++) {
                assertEquals(3 + b, bufs.get(0).get(ValueLayout.JAVA_LONG, (long) b * BLOCK));
            }
            assertEquals(BLOCK, ops[1].result);
            assertEquals(9, bufs.get(1).get(ValueLayout.JAVA_LONG, BLOCK));
            assertEquals(BLOCK, ops[2].result);
            assertEquals(5, plain.get(ValueLayout.JAVA_LONG, 0));
            assertEquals(2, e.fixedTransfers(), "the two requests inside registered buffers took READ_FIXED");
            assertEquals(1, e.registeredFiles(), "the file took a registered slot on first use");
        } finally {
            e.close();
            f.close();
        }
    }

    @Test
    void aClosedFilesSlotGoesToTheNextFile() throws IOException {
        Arena a = Arena.ofShared();
        UringInstance ring = UringInstance.open(4, 8, new int[] {probe.flagSet()}, a);
        try {
            UringFiles files = UringFiles.open(ring.fd, 2, a);
            FileHandle x = openFile(blocks(1), false);
            FileHandle y = openFile(dir.resolve("blocks.dat"), false);
            FileHandle z = openFile(dir.resolve("blocks.dat"), false);
            assertEquals(0, files.slot(x));
            assertEquals(0, files.slot(x), "once per file");
            assertEquals(1, files.slot(y));
            assertEquals(-1, files.slot(z), "full of open files: z uses its descriptor");
            x.close();
            assertEquals(0, files.slot(z), "x closed: its slot went to z");
            assertEquals(2, files.registered());
            y.close();
            z.close();
        } finally {
            a.close();
            ring.close();
        }
    }

    @Test
    void probeFindsWhatTheEngineNeeds() {
        assertTrue(probe.op(jaio.linux.IoUring.IORING_OP_NOP));
        assertTrue(probe.op(jaio.linux.IoUring.IORING_OP_READ));
        assertTrue((probe.features() & jaio.linux.IoUring.IORING_FEAT_EXT_ARG) != 0);
    }

    @Test
    void probeReasonsNameTheUsualCauses() {
        assertTrue(UringProbe.hint(-Errno.ENOSYS).contains("CONFIG_IO_URING"));
        assertTrue(UringProbe.hint(-Errno.ENOMEM).contains("locked-memory"));
        assertTrue(UringProbe.permHint(2).contains("io_uring_disabled=2"));
        assertTrue(UringProbe.permHint(1).contains("io_uring_group"));
        assertTrue(UringProbe.permHint(0).contains("seccomp"));
        assertTrue(UringProbe.permHint(-1).contains("seccomp"));
    }
}
