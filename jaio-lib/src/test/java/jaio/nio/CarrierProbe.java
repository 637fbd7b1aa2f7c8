package jaio.nio;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import jaio.Engine;
import jaio.IoContext;
import jaio.IoFile;
import jaio.Poll;
import jaio.Request;

/**
 * Run by {@link VirtualThreadCarrierTest} in a JVM whose virtual-thread scheduler has one
 * carrier: 64 virtual threads wait on jaio requests that cannot complete yet (half read
 * FIFOs through the blocking FileChannel, half join futures of POLLs on empty pipes), and one
 * more virtual thread must still tick. Prints what happened; the test judges it.
 */
public final class CarrierProbe {
    private CarrierProbe() {}

    public static void main(String[] args) throws Exception {
        Engine engine = Engine.parse(args[0]);
        if (args.length > 1 && args[1].equals("core")) {
            core(engine);
            return;
        }
        Path dir = Files.createTempDirectory("carrier");
        int waiters = 64;
        AtomicInteger finished = new AtomicInteger();
        CountDownLatch started = new CountDownLatch(waiters);
        List<FileChannel> writers = new ArrayList<>();
        List<IoFile> pipeWrites = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        try (IoContext ctx = IoContext.builder().capacity(128).engine(engine).selfReaping().open()) {
            for (int i = 0; i < waiters; i++) {
                if (i % 2 == 0) {
                    Path fifo = dir.resolve("fifo" + i);
                    if (new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor() != 0) {
                        throw new IllegalStateException("mkfifo failed");
                    }
                    writers.add(FileChannel.open(fifo, StandardOpenOption.READ, StandardOpenOption.WRITE));
                    FileChannel ch = JaioFileChannel.open(ctx, fifo, Set.of(StandardOpenOption.READ, StandardOpenOption.WRITE));
                    threads.add(Thread.ofVirtual().start(() -> {
                        try {
                            started.countDown();
                            ch.read(ByteBuffer.allocate(1), 0);
                            finished.incrementAndGet();
                        } catch (Exception e) {
                            e.printStackTrace();
                        }
                    }));
                } else {
                    IoFile[] pipe = IoFile.pipe();
                    pipeWrites.add(pipe[1]);
                    CompletableFuture<Long> ready = new CompletableFuture<>();
                    ctx.submit(Request.poll(pipe[0], Poll.IN).callback(e -> ready.complete(e.result())));
                    threads.add(Thread.ofVirtual().start(() -> {
                        started.countDown();
                        ready.join();
                        finished.incrementAndGet();
                    }));
                }
            }
            if (!started.await(30, TimeUnit.SECONDS)) {
                System.out.println("waiters did not start");
                return;
            }
            Thread.sleep(200); // let them all reach their wait
            long[] maxLate = {0};
            int[] ticks = {0};
            Thread ticker = Thread.ofVirtual().start(() -> {
                for (int i = 0; i < 50; i++) {
                    long t0 = System.nanoTime();
                    try {
                        Thread.sleep(5);
                    } catch (InterruptedException e) {
                        return;
                    }
                    maxLate[0] = Math.max(maxLate[0], System.nanoTime() - t0 - 5_000_000);
                    ticks[0]++;
                }
            });
            boolean tickedInTime = ticker.join(java.time.Duration.ofSeconds(30));
            System.out.println("ticks=" + ticks[0] + " tickerDone=" + tickedInTime + " maxLateMs=" + maxLate[0] / 1_000_000
                    + " finishedWhileTicking=" + finished.get());
            for (FileChannel w : writers) {
                w.write(ByteBuffer.wrap(new byte[] {1}));
            }
            for (IoFile w : pipeWrites) {
                AsyncFile.of(ctx, w).write(ByteBuffer.wrap(new byte[] {1}), 0).get(10, TimeUnit.SECONDS);
            }
            for (Thread t : threads) {
                t.join(java.time.Duration.ofSeconds(30));
            }
            System.out.println("finished=" + finished.get());
        } finally {
            for (FileChannel w : writers) {
                w.close();
            }
        }
        System.exit(0);
    }

    /**
     * The same on the context API itself, a context whose caller reaps: 32 virtual threads
     * await their own POLL of an empty pipe, 32 wait in getEvents for the other 32 POLLs.
     */
    private static void core(Engine engine) throws Exception {
        int waiters = 64;
        AtomicInteger finished = new AtomicInteger();
        CountDownLatch started = new CountDownLatch(waiters);
        List<IoFile> pipeWrites = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        try (IoContext ctx = IoContext.builder().capacity(128).engine(engine).name("core-vt").open()) {
            Request[] polls = new Request[waiters];
            for (int i = 0; i < waiters; i++) {
                IoFile[] pipe = IoFile.pipe();
                pipeWrites.add(pipe[1]);
                polls[i] = Request.poll(pipe[0], Poll.IN).userData(i);
            }
            if (ctx.submit(polls) != waiters) {
                throw new IllegalStateException("not all POLLs accepted");
            }
            for (int i = 0; i < waiters; i++) {
                Request mine = polls[i];
                boolean awaits = i % 2 == 0;
                threads.add(Thread.ofVirtual().start(() -> {
                    started.countDown();
                    if (awaits) {
                        ctx.await(mine, java.time.Duration.ofSeconds(60));
                    } else {
                        ctx.getEvents(1, 1, new jaio.Event[] {new jaio.Event()}, 60, TimeUnit.SECONDS);
                    }
                    finished.incrementAndGet();
                }));
            }
            started.await(30, TimeUnit.SECONDS);
            Thread.sleep(200);
            int[] ticks = {0};
            Thread ticker = Thread.ofVirtual().start(() -> {
                for (int i = 0; i < 50; i++) {
                    try {
                        Thread.sleep(5);
                    } catch (InterruptedException e) {
                        return;
                    }
                    ticks[0]++;
                }
            });
            boolean tickedInTime = ticker.join(java.time.Duration.ofSeconds(30));
            System.out.println("ticks=" + ticks[0] + " tickerDone=" + tickedInTime + " finishedWhileTicking=" + finished.get());
            jaio.Event[] ev = {new jaio.Event()};
            for (IoFile w : pipeWrites) {
                // Written with a request too; its event goes to a getEvents waiter or is left unreaped.
                try (IoContext wctx = IoContext.open(4, engine)) {
                    wctx.submit(Request.pwrite(w, ByteBuffer.allocateDirect(1), 0));
                    wctx.getEvents(1, ev, java.time.Duration.ofSeconds(10));
                }
            }
            for (Thread t : threads) {
                t.join(java.time.Duration.ofSeconds(30));
            }
            System.out.println("finished=" + finished.get());
        }
        System.exit(0);
    }
}
