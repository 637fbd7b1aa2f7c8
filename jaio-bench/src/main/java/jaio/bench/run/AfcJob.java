package jaio.bench.run;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.channels.CompletionHandler;
import java.nio.channels.FileChannel;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import jaio.bench.plan.IoSequence;
import jaio.nio.JaioAsynchronousFileChannel;

/**
 * jdk-afc and jaio-afc: the JDK's asynchronous baseline, or jaio's AsynchronousFileChannel driven the same way: an AsynchronousFileChannel per file on a fixed pool of
 * min(iodepth, 64) threads (the same bound jaio's thread engine uses), iodepth requests kept
 * outstanding, each completion handler issuing the next request of its slot, the way the
 * channel is meant to be used. Completions run on the pool's threads, so each of them records
 * into its own {@link JobStats}, merged at the end. A rate limit makes the handler wait for its
 * slot's time; iodepth_low, thinktime and verify_backlog do not apply. end_fsync and the
 * verify read-back run on the job thread with a FileChannel once the outstanding requests ended.
 *
 * <p>Latency is measured from just before {@code read}/{@code write} to the handler; there is
 * no separate submission latency (the call returns after queueing a task).
 */
final class AfcJob extends Job {
    private final int depth;
    private ExecutorService pool;
    private AsynchronousFileChannel[] ch;
    private Slot[] slots;
    private final List<Worker> workers = new CopyOnWriteArrayList<>();
    private final ThreadLocal<Worker> worker = ThreadLocal.withInitial(this::newWorker);
    private final AtomicInteger outstanding = new AtomicInteger();
    private final CountDownLatch done = new CountDownLatch(1);
    private final Object lock = new Object();
    private volatile boolean stopping;

    /** What one completion thread owns. */
    private static final class Worker {
        final JobStats stats = new JobStats();
        final BlockStamp stamp;

        Worker(BlockStamp stamp) {
            this.stamp = stamp;
        }
    }

    /** Whether the channels are jaio's (jaio-afc) rather than the JDK's (jdk-afc). */
    private final boolean jaio;

    AfcJob(Clone clone, boolean jaio) {
        super(clone);
        this.jaio = jaio;
        this.depth = spec.depth().iodepth();
    }

    private Worker newWorker() {
        Worker w = new Worker(newStamp());
        workers.add(w);
        return w;
    }

    @Override
    public void open() throws IOException {
        int threads = Math.min(depth, 64);
        AtomicInteger n = new AtomicInteger();
        pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, clone.label() + "-afc-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        int files = clone.layout().files().size();
        ch = new AsynchronousFileChannel[files];
        for (int i = 0; i < files; i++) {
            ch[i] = jaio ? JaioAsynchronousFileChannel.open(path(i), JdkFiles.options(spec), pool)
                    : AsynchronousFileChannel.open(path(i), JdkFiles.options(spec), pool);
        }
        slots = new Slot[depth];
        for (int i = 0; i < depth; i++) {
            slots[i] = new Slot(JdkFiles.buffer(spec, path(0)));
            JdkFiles.fill(slots[i].buf, clone.thread() * 64 + i);
        }
    }

    @Override
    public String engineName() {
        return jaio ? "jaio-afc" : "jdk-afc";
    }

    @Override
    protected boolean jobThreadDoesIo() {
        return false;
    }

    @Override
    protected void mainLoop() {
        outstanding.set(depth);
        for (Slot slot : slots) {
            slot.issue(worker.get());
        }
        try {
            while (!done.await(100, TimeUnit.MILLISECONDS)) {
                long now = System.nanoTime();
                if (!stats.measuring && schedule.rampOver(now)) {
                    synchronized (lock) {
                        measuringStarts(now);
                    }
                }
                if (schedule.over(now) && now - schedule.end() > TimeUnit.SECONDS.toNanos(60)) {
                    worker.get().stats.error("no completion for 60 s with " + outstanding.get() + " requests outstanding");
                    break;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        stopping = true;
        for (Worker w : workers) {
            stats.add(w.stats);
        }
    }

    /** One outstanding request: its buffer, and the handler that records it and issues the next. */
    private final class Slot implements CompletionHandler<Integer, Void> {
        final ByteBuffer buf;
        final IoSequence.Unit u = new IoSequence.Unit();
        long t0;

        Slot(ByteBuffer buf) {
            this.buf = buf;
        }

        void issue(Worker w) {
            while (true) {
                long wait;
                synchronized (lock) {
                    long now = System.nanoTime();
                    if (stopping || schedule.over(now) || !seq.next(u, spec.timing().timeBased())) {
                        finish();
                        return;
                    }
                    wait = pacer.wait(u.dir, now);
                    pacer.issued(u.dir, u.length);
                    issued(now, u);
                }
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                if (u.dir != IoSequence.SYNC && u.dir != IoSequence.DATASYNC) {
                    break;
                }
                long s0 = System.nanoTime();
                try {
                    ch[u.file].force(u.dir == IoSequence.SYNC);
                    w.stats.sync.record(0, -1, System.nanoTime() - s0);
                } catch (IOException e) {
                    fail(w, "fsync: " + e);
                    return;
                }
            }
            buf.clear().limit((int) u.length);
            if (u.dir == IoSequence.WRITE && spec.verify().on()) {
                w.stamp.stamp(buf, u.offset, generation());
            }
            t0 = System.nanoTime();
            if (u.dir == IoSequence.WRITE) {
                ch[u.file].write(buf, u.offset, null, this);
            } else {
                ch[u.file].read(buf, u.offset, null, this);
            }
        }

        @Override
        public void completed(Integer n, Void unused) {
            long now = System.nanoTime();
            Worker w = worker.get();
            JobStats st = w.stats;
            if (!st.measuring && schedule.rampOver(now)) {
                st.startMeasuring();
                st.samples.start(now);
            }
            boolean write = u.dir == IoSequence.WRITE;
            if (n != u.length) {
                fail(w, (write ? "write" : "read") + " at offset " + u.offset + ": " + n + " of " + u.length + " bytes");
                return;
            }
            if (write) {
                synchronized (lock) {
                    writeDone(st, u.file, u.offset, n, -1, now - t0, now);
                }
            } else {
                buf.clear().limit((int) u.length);
                readDone(st, w.stamp, u.file, u.offset, n, spec.verify().on() ? buf : null, -1, now - t0, now, -1, false);
            }
            if (schedule.over(now)) {
                finish();
            } else {
                issue(w);
            }
        }

        @Override
        public void failed(Throwable t, Void unused) {
            fail(worker.get(), (u.dir == IoSequence.WRITE ? "write" : "read") + " at offset " + u.offset + ": " + t);
        }

        private void fail(Worker w, String what) {
            w.stats.error(what);
            stopping = true;
            finish();
        }

        private void finish() {
            if (outstanding.decrementAndGet() == 0) {
                done.countDown();
            }
        }
    }

    @Override
    protected void syncFiles() throws IOException {
        for (AsynchronousFileChannel c : ch) {
            long t0 = System.nanoTime();
            c.force(true);
            stats.sync.record(0, -1, System.nanoTime() - t0);
        }
    }

    @Override
    protected void readBack(WrittenBlocks blocks) throws IOException {
        ByteBuffer b = JdkFiles.buffer(spec, path(0));
        BlockStamp stamp = newStamp();
        IoSequence.Unit u = new IoSequence.Unit();
        Source s = Source.readBack(blocks);
        FileChannel[] fc = new FileChannel[ch.length];
        try {
            for (int i = 0; i < fc.length; i++) {
                fc[i] = FileChannel.open(path(i), JdkFiles.options(spec));
            }
            while (stats.errors() == 0 && s.next(u, 0)) {
                b.clear().limit((int) u.length);
                long t0 = System.nanoTime();
                int n = 0;
                while (b.hasRemaining()) {
                    int k = fc[u.file].read(b, u.offset + n);
                    if (k <= 0) {
                        break;
                    }
                    n += k;
                }
                long now = System.nanoTime();
                if (n != u.length) {
                    stats.error("read back at offset " + u.offset + ": " + n + " of " + u.length + " bytes");
                    break;
                }
                b.clear().limit((int) u.length);
                readDone(stats, stamp, u.file, u.offset, n, b, -1, now - t0, now, generation(), true);
            }
        } finally {
            for (FileChannel c : fc) {
                if (c != null) {
                    c.close();
                }
            }
        }
    }

    @Override
    public void close() {
        if (ch != null) {
            for (AsynchronousFileChannel c : ch) {
                try {
                    if (c != null) {
                        c.close();
                    }
                } catch (IOException e) {
                    // nothing was left to flush that a report could use
                }
            }
        }
        if (pool != null) {
            pool.shutdownNow();
            try {
                pool.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
