package jaio.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * What a test can see of its own process: descriptors, kernel AIO rings, threads, and a
 * thread's CPU time and allocation. Counts come from /proc/self, never from system-wide files,
 * since other programs share the machine. The JVM's management beans are reached by
 * reflection: the tests compile inside module jaio, which does not read java.management.
 */
public final class TestProcess {
    private TestProcess() {}

    /** Open file descriptors of this process (Linux only). */
    public static long openFds() throws IOException {
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            return s.count();
        }
    }

    /** Kernel AIO contexts of this process: each maps its ring as "[aio]" (Linux only). */
    public static long aioRings() throws IOException {
        return Files.readAllLines(Path.of("/proc/self/maps")).stream().filter(l -> l.contains("[aio]")).count();
    }

    /** io_uring instances of this process: descriptors that link to anon_inode:[io_uring] (Linux only). */
    public static long uringInstances() throws IOException {
        long n = 0;
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : s.toList()) {
                try {
                    if (Files.readSymbolicLink(fd).toString().contains("io_uring")) {
                        n++;
                    }
                } catch (IOException gone) {
                    // Closed while listed.
                }
            }
        }
        return n;
    }

    /** Live threads of this JVM, of every thread group. */
    public static int liveThreads() {
        return Thread.getAllStackTraces().size();
    }

    /** The names of this JVM's live threads. */
    public static Set<String> threadNames() {
        Set<String> s = new HashSet<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.isAlive()) {
                s.add(t.getName());
            }
        }
        return s;
    }

    /** CPU time a thread has used, in nanoseconds, or -1 where the JVM cannot tell. */
    public static long cpuNanos(Thread t) {
        try {
            Object mx = Class.forName("java.lang.management.ManagementFactory").getMethod("getThreadMXBean").invoke(null);
            return (long) Class.forName("java.lang.management.ThreadMXBean").getMethod("getThreadCpuTime", long.class)
                    .invoke(mx, t.threadId());
        } catch (ReflectiveOperationException x) {
            return -1;
        }
    }

    /**
     * Bytes the calling thread has allocated so far, or -1 where the JVM does not count them
     * (com.sun.management.ThreadMXBean).
     */
    public static long allocatedBytes() {
        try {
            Object mx = Class.forName("java.lang.management.ManagementFactory").getMethod("getThreadMXBean").invoke(null);
            Class<?> ext = Class.forName("com.sun.management.ThreadMXBean");
            if (!ext.isInstance(mx)) {
                return -1;
            }
            return (long) ext.getMethod("getCurrentThreadAllocatedBytes").invoke(mx);
        } catch (ReflectiveOperationException e) {
            return -1;
        }
    }

    /**
     * Polls every millisecond until {@code done} holds or {@code limit} has passed, for a state
     * another thread brings about. It does not fail by itself: the caller asserts what it needs.
     */
    public static void waitUntil(BooleanSupplier done, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!done.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
    }
}
