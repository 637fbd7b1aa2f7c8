package jaio.engine.threads;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import jaio.Errno;
import jaio.Opcode;
import jaio.RequestFlag;
import jaio.spi.Capabilities;
import jaio.spi.CompletionSink;
import jaio.spi.Execution;
import jaio.spi.FileHandle;
import jaio.spi.IoEngine;
import jaio.spi.Op;
import jaio.testkit.TestOps;
import jaio.testkit.TestProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The thread-pool engine below the context. A FileChannel call can fail with an Error, not
 * only an IOException: reading into a large heap buffer makes the JDK allocate a temporary
 * direct buffer, which throws OutOfMemoryError when direct memory runs out. The request must
 * still complete (with ENOMEM), or it would never have its event and close would wait for it
 * for ever; and the engine must go on serving.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ThreadPoolEngineTest {
    @TempDir
    Path dir;

    static final class Sink implements CompletionSink {
        final List<Op> done = new ArrayList<>();

        @Override
        public synchronized void complete(Op op) {
            done.add(op);
            notifyAll();
        }

        @Override
        public synchronized void completeBatch(Op[] ops, int count) {
            for (int i = 0; i < count; i++) {
                done.add(ops[i]);
            }
            notifyAll();
        }

        synchronized void await(int n) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (done.size() < n) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("only " + done.size() + " of " + n + " ops completed");
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
        }
    }

    /** A channel whose positional reads fail as the JDK's do when direct memory is exhausted. */
    static final class OutOfDirectMemory extends FileChannel {
        volatile int failures = 1;

        @Override
        public int read(ByteBuffer dst, long position) {
            if (failures > 0) {
                failures--;
                throw new OutOfMemoryError("Cannot reserve 1073741824 bytes of direct buffer memory");
            }
            int n = dst.remaining();
            dst.position(dst.limit());
            return n;
        }

        @Override
        public int read(ByteBuffer dst) {
            throw new UnsupportedOperationException();
        }

        @Override
        public long read(ByteBuffer[] dsts, int offset, int length) {
            throw new UnsupportedOperationException();
        }

        @Override
        public int write(ByteBuffer src) {
            throw new UnsupportedOperationException();
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) {
            throw new UnsupportedOperationException();
        }

        @Override
        public int write(ByteBuffer src, long position) {
            throw new UnsupportedOperationException();
        }

        @Override
        public long position() {
            return 0;
        }

        @Override
        public FileChannel position(long newPosition) {
            return this;
        }

        @Override
        public long size() {
            return Long.MAX_VALUE;
        }

        @Override
        public FileChannel truncate(long size) {
            return this;
        }

        @Override
        public void force(boolean metaData) {
        }

        @Override
        public long transferTo(long position, long count, WritableByteChannel target) {
            throw new UnsupportedOperationException();
        }

        @Override
        public long transferFrom(ReadableByteChannel src, long position, long count) {
            throw new UnsupportedOperationException();
        }

        @Override
        public MappedByteBuffer map(MapMode mode, long position, long size) {
            throw new UnsupportedOperationException();
        }

        @Override
        public FileLock lock(long position, long size, boolean shared) {
            throw new UnsupportedOperationException();
        }

        @Override
        public FileLock tryLock(long position, long size, boolean shared) {
            throw new UnsupportedOperationException();
        }

        @Override
        protected void implCloseChannel() {
        }
    }

    private static Op read(FileHandle f, long userData) {
        return TestOps.read(f, Arena.ofAuto().allocate(4096), 0, userData);
    }

    @Test
    void anErrorThrownByTheChannelCompletesTheRequestAndTheEngineGoesOn() throws Exception {
        Sink sink = new Sink();
        IoEngine e = ThreadPoolProvider.INSTANCE.open(TestOps.context("oom", 8, 1, sink));
        OutOfDirectMemory ch = new OutOfDirectMemory();
        FileHandle f = new FileHandle("oom", FileHandle.Kind.FILE, true, false, false, false, false, -1, 1, 1, 1,
                null, ch, (fd, c) -> { });
        Thread.UncaughtExceptionHandler old = Thread.getDefaultUncaughtExceptionHandler();
        List<Throwable> uncaught = new ArrayList<>();
        Thread.setDefaultUncaughtExceptionHandler((t, x) -> {
            synchronized (uncaught) {
                uncaught.add(x);
            }
        });
        try {
            Op failing = read(f, 1);
            e.submit(new Op[] {failing}, 0, 1);
            sink.await(1);
            assertEquals(-Errno.ENOMEM, failing.result, "the Error became the request's result");
            // The only worker is still there (or was replaced): the next request completes.
            Op next = read(f, 2);
            e.submit(new Op[] {next}, 0, 1);
            sink.await(2);
            assertEquals(4096, next.result);
            synchronized (uncaught) {
                assertTrue(uncaught.isEmpty(), "no worker died: " + uncaught);
            }
        } finally {
            Thread.setDefaultUncaughtExceptionHandler(old);
            e.close();
        }
    }
    @Test
    void theCapabilityReportIsTheDriverTables() {
        Capabilities c = ThreadPoolProvider.INSTANCE.describe();
        for (Opcode o : EnumSet.of(Opcode.PREAD, Opcode.PWRITE, Opcode.PREADV, Opcode.PWRITEV, Opcode.FSYNC,
                Opcode.FDSYNC)) {
            assertEquals(Execution.WORKER, c.opcodes().get(o), o.toString());
        }
        assertEquals(Execution.INLINE, c.opcodes().get(Opcode.NOOP));
        // What waits (POLL, TIMEOUT, the socket requests) is carried by the one poller thread.
        for (Opcode o : EnumSet.of(Opcode.POLL, Opcode.TIMEOUT, Opcode.ACCEPT, Opcode.CONNECT, Opcode.RECV,
                Opcode.SEND, Opcode.RECVMSG, Opcode.SENDMSG, Opcode.SENDFILE)) {
            assertEquals(Execution.POLLER, c.opcodes().get(o), o.toString());
        }
        assertEquals(Execution.INLINE, c.opcodes().get(Opcode.SHUTDOWN), "never waits");
        assertEquals(Execution.INLINE, c.opcodes().get(Opcode.CLOSE), "never waits");
        // LINK_TIMEOUT never reaches an engine: the context's chain runner times it.
        assertEquals(Opcode.values().length - 1, c.opcodes().size(), "every opcode has a driver: " + c.opcodes());
        assertFalse(c.opcodes().containsKey(Opcode.LINK_TIMEOUT));
        assertEquals(Set.of(RequestFlag.DSYNC, RequestFlag.SYNC, RequestFlag.PARTIAL, RequestFlag.MORE), c.flags());
        assertEquals("system calls on the descriptor (FileChannel positional I/O without one)", c.features().get(0));
        assertTrue(c.features().contains("DSYNC/SYNC writes are followed by fdatasync/fsync"));
        assertTrue(c.features().contains("O_DIRECT aligned to the file store's block size (FileChannel's rule)"));
        assertTrue(c.directAtStoreBlock());
    }

    @Test
    void inlineOpsOfAMixedBatchAreDoneWhenSubmitReturns() throws Exception {
        Sink sink = new Sink();
        IoEngine e = ThreadPoolProvider.INSTANCE.open(TestOps.context("mixed", 8, 2, sink));
        FileHandle f = file(4096);
        try {
            Op[] batch = {read(f, 1), TestOps.noop(2), read(f, 3), TestOps.noop(4)};
            e.submit(batch, 0, batch.length);
            synchronized (sink) {
                assertTrue(sink.done.contains(batch[1]) && sink.done.contains(batch[3]), "NOOPs ran inline");
            }
            sink.await(4);
            assertEquals(4096, batch[0].result);
            assertEquals(4096, batch[2].result);
            assertEquals(0, batch[1].result);
        } finally {
            e.close();
            f.close();
        }
    }

    /** Code that enumerates threads may interrupt a worker: the file it reads next must not break. */
    @Test
    void anInterruptedIdleWorkerLeavesTheFileChannelOpen() throws Exception {
        Sink sink = new Sink();
        IoEngine e = ThreadPoolProvider.INSTANCE.open(TestOps.context("irq", 8, 1, sink));
        FileHandle f = file(4096);
        try {
            e.submit(new Op[] {read(f, 1)}, 0, 1);
            sink.await(1);
            Thread worker = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.getName().startsWith("irq-worker-")).findFirst().orElseThrow();
            TestProcess.waitUntil(() -> worker.getState() == Thread.State.WAITING, Duration.ofSeconds(10));
            worker.interrupt();
            Op next = read(f, 2);
            e.submit(new Op[] {next}, 0, 1);
            sink.await(2);
            assertEquals(4096, next.result, "the interrupt did not close the channel");
            assertTrue(f.channel().isOpen());
        } finally {
            e.close();
            f.close();
        }
    }

    private FileHandle file(int size) throws IOException {
        Path p = dir.resolve("f.dat");
        Files.write(p, new byte[size]);
        FileChannel ch = FileChannel.open(p, StandardOpenOption.READ);
        return new FileHandle("f.dat", FileHandle.Kind.FILE, true, false, false, false, false, -1, 1, 1, 1, null, ch,
                (fd, c) -> c.close());
    }
}
