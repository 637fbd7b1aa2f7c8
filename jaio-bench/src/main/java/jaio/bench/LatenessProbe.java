package jaio.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import jaio.nio.JaioFileChannel;

/**
 * The scheduling-latency figure of docs/PERFORMANCE.md (J3): one virtual thread sleeps 1 ms in
 * a loop while N virtual threads do 4 KiB random reads of a file through the JDK's FileChannel
 * or jaio's; prints the sleeper's lateness percentiles and the readers' IOPS. A benchmark, run
 * by bench/compare-faces.sh: {@code LatenessProbe jdk-fc|jaio-fc FILE [THREADS] [SECONDS]}.
 */
public final class LatenessProbe {
    private LatenessProbe() {}

    public static void main(String[] args) throws Exception {
        boolean jaio = args[0].equals("jaio-fc");
        Path file = Path.of(args[1]);
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : 64;
        long seconds = args.length > 3 ? Long.parseLong(args[3]) : 10;
        try (FileChannel ch = jaio ? JaioFileChannel.open(file, StandardOpenOption.READ) : FileChannel.open(file, StandardOpenOption.READ)) {
            long blocks = ch.size() / 4096;
            long end = System.nanoTime() + seconds * 1_000_000_000L;
            long[] reads = new long[threads];
            List<Thread> ts = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                int me = i;
                ts.add(Thread.ofVirtual().start(() -> {
                    SplittableRandom r = new SplittableRandom(me);
                    ByteBuffer b = ByteBuffer.allocateDirect(4096);
                    try {
                        while (System.nanoTime() < end) {
                            b.clear();
                            ch.read(b, r.nextLong(blocks) * 4096);
                            reads[me]++;
                        }
                    } catch (IOException e) {
                        throw new RuntimeException(e);
                    }
                }));
            }
            long[] late = new long[(int) (seconds * 1000)];
            int[] n = {0};
            Thread sleeper = Thread.ofVirtual().start(() -> {
                while (System.nanoTime() < end && n[0] < late.length) {
                    long t0 = System.nanoTime();
                    try {
                        Thread.sleep(1);
                    } catch (InterruptedException e) {
                        return;
                    }
                    late[n[0]++] = System.nanoTime() - t0 - 1_000_000;
                }
            });
            sleeper.join();
            for (Thread t : ts) {
                t.join();
            }
            long[] l = Arrays.copyOf(late, n[0]);
            Arrays.sort(l);
            long total = Arrays.stream(reads).sum();
            System.out.printf("%s threads=%d iops=%.0f sleeps=%d late_p50_us=%d late_p99_us=%d late_max_us=%d%n", args[0], threads,
                    total / (double) seconds, l.length, pct(l, 0.50) / 1000, pct(l, 0.99) / 1000, l.length == 0 ? 0 : l[l.length - 1] / 1000);
        }
    }

    private static long pct(long[] sorted, double p) {
        return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) (p * sorted.length))];
    }
}
