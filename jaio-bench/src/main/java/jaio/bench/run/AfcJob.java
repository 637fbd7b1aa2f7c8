package jaio.bench.run;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.channels.CompletionHandler;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import jaio.bench.cli.JobSpec;

/**
 * The JDK's asynchronous baseline: an AsynchronousFileChannel on a fixed pool of
 * min(iodepth, 64) threads (the same bound jaio's thread engine uses), iodepth requests kept
 * outstanding, each completion handler issuing the next request of its slot, the way the
 * channel is meant to be used. Completions run on the pool's threads, so each of them records
 * into its own {@link JobStats}, merged at the end.
 *
 * <p>Latency is measured from just before {@code read}/{@code write} to the handler; there is
 * no separate submission latency (the call returns after queueing a task). The batch options
 * do not apply.
 */
final class AfcJob extends Job {
    private final int depth;
    private ExecutorService pool;
    private AsynchronousFileChannel ch;
    private Slot[] slots;
    private final List<Worker> workers = new CopyOnWriteArrayList<>();
    private final ThreadLocal<Worker> worker = ThreadLocal.withInitial(this::newWorker);
    private final AtomicInteger outstanding = new AtomicInteger();
    private final CountDownLatch done = new CountDownLatch(1);
    private volatile boolean stopping;
    private Schedule schedule;

    /** What one completion thread owns. */
    private static final class Worker {
        final JobStats stats = new JobStats();
        final BlockStamp stamp = new BlockStamp();
    }

    AfcJob(JobSpec spec, int index) {
        super(spec, index);
        this.depth = spec.iodepth();
    }

    private Worker newWorker() {
        Worker w = new Worker();
        workers.add(w);
        return w;
    }

    @Override
    public void open() throws IOException {
        int threads = Math.min(depth, 64);
        AtomicInteger n = new AtomicInteger();
        pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, spec.name() + "." + index + "-afc-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        ch = AsynchronousFileChannel.open(spec.file(), JdkFiles.options(spec), pool);
        slots = new Slot[depth];
        for (int i = 0; i < depth; i++) {
            slots[i] = new Slot(JdkFiles.buffer(spec));
            JdkFiles.fill(slots[i].buf, workload);
        }
    }

    @Override
    public String engineName() {
        return "jdk-afc";
    }

    @Override
    protected boolean jobThreadDoesIo() {
        return false;
    }

    @Override
    public void run(Schedule s) throws IOException {
        this.schedule = s;
        beginMeasuring(s.start());
        outstanding.set(depth);
        for (Slot slot : slots) {
            slot.issue(worker.get());
        }
        try {
            while (!done.await(100, TimeUnit.MILLISECONDS)) {
                long now = System.nanoTime();
                if (s.over(now) && now - s.end() > TimeUnit.SECONDS.toNanos(60)) {
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
            stats.measuring |= w.stats.measuring;
        }
        if (stats.measuring) {
            beginMeasuring(s.rampEnd());
        }
        endMeasuring();
    }

    /** One outstanding request: its buffer, and the handler that records it and issues the next. */
    private final class Slot implements CompletionHandler<Integer, Void> {
        final ByteBuffer buf;
        long offset;
        boolean write;
        long t0;

        Slot(ByteBuffer buf) {
            this.buf = buf;
        }

        void issue(Worker w) {
            while (true) {
                boolean sync = false;
                synchronized (workload) {
                    if (stopping || (!workload.syncDue() && !workload.more())) {
                        finish();
                        return;
                    }
                    if (workload.syncDue()) {
                        workload.syncIssued();
                        sync = true;
                    } else {
                        write = workload.nextIsWrite();
                        offset = workload.nextOffset(write);
                    }
                }
                if (!sync) {
                    break;
                }
                long s0 = System.nanoTime();
                try {
                    ch.force(true);
                    w.stats.sync.record(0, -1, System.nanoTime() - s0);
                } catch (IOException e) {
                    fail(w, "fsync: " + e);
                    return;
                }
            }
            buf.clear();
            if (write && written != null) {
                w.stamp.stamp(buf, offset, schedule.generation());
            }
            t0 = System.nanoTime();
            if (write) {
                ch.write(buf, offset, null, this);
            } else {
                ch.read(buf, offset, null, this);
            }
        }

        @Override
        public void completed(Integer n, Void unused) {
            long now = System.nanoTime();
            Worker w = worker.get();
            JobStats st = w.stats;
            if (!st.measuring && schedule.rampOver(now)) {
                st.startMeasuring();
            }
            if (n != spec.bs()) {
                fail(w, (write ? "write" : "read") + " at offset " + offset + ": " + n + " of " + spec.bs() + " bytes");
                return;
            }
            (write ? st.write : st.read).record(n, -1, now - t0);
            if (write && written != null) {
                synchronized (written) {
                    written.set((int) (offset / spec.bs()));
                }
            }
            if (!write && spec.verify()) {
                buf.clear();
                String bad = w.stamp.check(buf, offset, -1);
                if (bad == null) {
                    st.verifiedOk();
                } else {
                    st.mismatch(offset, bad);
                }
            }
            st.lastCompletion = now;
            progressIos.increment();
            progressBytes.add(n);
            if (schedule.over(now)) {
                finish();
            } else {
                issue(w);
            }
        }

        @Override
        public void failed(Throwable t, Void unused) {
            fail(worker.get(), (write ? "write" : "read") + " at offset " + offset + ": " + t);
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
    public void close() {
        try {
            if (ch != null) {
                ch.close();
            }
        } catch (IOException e) {
            // nothing was left to flush that a report could use
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
