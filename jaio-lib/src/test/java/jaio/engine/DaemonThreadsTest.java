package jaio.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import jaio.Engine;
import jaio.IoBuffers;
import jaio.IoContext;
import jaio.IoFile;
import jaio.Poll;
import jaio.Request;
import jaio.testkit.TestFiles;
import jaio.testkit.TestProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The cache of idle daemon threads that runs the engines' loops ({@link DaemonThreads}). */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DaemonThreadsTest {
    @TempDir
    Path dir;

    @Test
    void aTaskRunsUnderItsNameAndItsThreadServesTheNextTask() throws Exception {
        AtomicReference<Thread> first = new AtomicReference<>();
        AtomicReference<String> name = new AtomicReference<>();
        CountDownLatch release = new CountDownLatch(1);
        DaemonThreads.Task t = DaemonThreads.start("dt-test-a", () -> {
            first.set(Thread.currentThread());
            name.set(Thread.currentThread().getName());
            assertTrue(Thread.currentThread().isDaemon());
            try {
                release.await();
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        });
        assertFalse(t.isCurrent(), "the starter is not the task's thread");
        assertFalse(t.isDone());
        release.countDown();
        t.join();
        assertTrue(t.isDone());
        assertEquals("dt-test-a", name.get());
        assertSame(first.get(), t.thread());
        TestProcess.waitUntil(() -> first.get().getName().startsWith("jaio-idle-"), Duration.ofSeconds(10));
        assertTrue(first.get().getName().startsWith("jaio-idle-"), "an idle thread takes back its own name: " + first.get().getName());

        AtomicReference<Thread> second = new AtomicReference<>();
        AtomicReference<Boolean> current = new AtomicReference<>();
        DaemonThreads.Task[] self = new DaemonThreads.Task[1];
        CountDownLatch started = new CountDownLatch(1);
        self[0] = DaemonThreads.start("dt-test-b", () -> {
            second.set(Thread.currentThread());
            try {
                started.await();
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
            current.set(self[0].isCurrent());
        });
        started.countDown();
        self[0].join();
        assertSame(first.get(), second.get(), "the idle thread took the next task instead of a new one");
        assertTrue(current.get(), "isCurrent on the task's own thread");
    }

    @Test
    void aTaskLeavesNoInterruptForTheNext() throws Exception {
        DaemonThreads.Task t = DaemonThreads.start("dt-test-c", () -> Thread.currentThread().interrupt());
        t.join();
        Thread carrier = t.thread();
        TestProcess.waitUntil(() -> carrier.getName().startsWith("jaio-idle-"), Duration.ofSeconds(10));
        AtomicReference<Boolean> interrupted = new AtomicReference<>();
        AtomicReference<Thread> on = new AtomicReference<>();
        DaemonThreads.start("dt-test-d", () -> {
            on.set(Thread.currentThread());
            interrupted.set(Thread.currentThread().isInterrupted());
        }).join();
        assertFalse(interrupted.get(), "ran on " + on.get() + " after " + carrier);
    }

    @Test
    void aTaskThatThrowsIsJoinedAndEndsItsThread() throws Exception {
        DaemonThreads.Task t = DaemonThreads.start("dt-test-e", () -> {
            Thread.currentThread().setUncaughtExceptionHandler((th, e) -> { });
            throw new IllegalStateException("on purpose");
        });
        t.join();
        assertTrue(t.isDone());
        t.thread().join(10_000);
        assertFalse(t.thread().isAlive(), "a thread whose task threw is not reused");
    }

    @Test
    void idleThreadsAreBounded() throws Exception {
        int n = DaemonThreads.MAX_IDLE + 8;
        CountDownLatch go = new CountDownLatch(1);
        DaemonThreads.Task[] ts = new DaemonThreads.Task[n];
        for (int i = 0; i < n; i++) {
            ts[i] = DaemonThreads.start("dt-test-f" + i, () -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            });
        }
        go.countDown();
        for (DaemonThreads.Task t : ts) {
            t.join();
        }
        TestProcess.waitUntil(() -> DaemonThreads.idle() == DaemonThreads.MAX_IDLE, Duration.ofSeconds(10));
        assertTrue(DaemonThreads.idle() <= DaemonThreads.MAX_IDLE, "idle: " + DaemonThreads.idle());
    }

    /**
     * The thread-pool engine's threads carry the context's name while they serve it, and none
     * of them is left with it once the context closed; over many contexts the threads are
     * the same few.
     */
    @Test
    void threadPoolContextsBorrowNamedThreadsAndGiveThemBack() throws Exception {
        IoFile[] pipe = IoFile.pipe();
        Path p = TestFiles.patterned(dir, "t.dat", 4096);
        try (IoFile rd = pipe[0]; IoFile wr = pipe[1]; IoFile f = IoFile.open(p)) {
            for (int i = 0; i < 200; i++) {
                cycle(rd, f, i);
            }
            int threads0 = TestProcess.liveThreads();
            for (int i = 0; i < 500; i++) {
                cycle(rd, f, i);
            }
            assertTrue(TestProcess.liveThreads() <= threads0 + 2,
                    "threads grew from " + threads0 + " to " + TestProcess.liveThreads());
            assertTrue(wr.isOpen());
        }
    }

    private static void cycle(IoFile rd, IoFile f, int i) throws Exception {
        String name = "churn" + i;
        IoContext ctx = IoContext.builder().engine(Engine.THREADS).capacity(8).name(name).open();
        try {
            // Nobody writes: the POLL waits on the poller thread until the close cancels it.
            ctx.submit(Request.poll(rd, Poll.IN));
            // A read runs on a worker.
            ctx.submit(Request.pread(f, IoBuffers.allocate(512), 0));
            TestFiles.reap(ctx, 1);
            if (i % 50 == 0) {
                assertTrue(TestProcess.threadNames().contains(name + "-poller"), TestProcess.threadNames().toString());
            }
        } finally {
            ctx.close();
        }
        if (i % 50 == 0) {
            for (String n : TestProcess.threadNames()) {
                assertFalse(n.startsWith(name + "-"), "a thread kept the closed context's name: " + n);
            }
        }
    }
}
