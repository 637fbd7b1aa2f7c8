package jaio.bench.run;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import jaio.bench.cli.JobSpec;

/**
 * The synchronous baseline: one thread per job doing FileChannel positional reads and writes,
 * one call at a time (fio's psync). iodepth and the batch options do not apply. Latency is
 * the duration of the call (there is no separate submission, so no slat).
 */
final class FcJob extends Job {
    private FileChannel ch;
    private ByteBuffer buf;
    private final BlockStamp stamp = new BlockStamp();

    FcJob(JobSpec spec, int index) {
        super(spec, index);
    }

    @Override
    public void open() throws IOException {
        ch = FileChannel.open(spec.file(), JdkFiles.options(spec));
        buf = JdkFiles.buffer(spec);
        JdkFiles.fill(buf, workload);
    }

    @Override
    public String engineName() {
        return "jdk-fc";
    }

    @Override
    public void run(Schedule schedule) throws IOException {
        beginMeasuring(schedule.start());
        long now = schedule.start();
        while (stats.errors() == 0 && !schedule.over(now)) {
            if (!stats.measuring && schedule.rampOver(now)) {
                stats.startMeasuring();
                beginMeasuring(now);
            }
            if (workload.syncDue()) {
                workload.syncIssued();
                long t0 = System.nanoTime();
                ch.force(true);
                now = System.nanoTime();
                stats.sync.record(0, -1, now - t0);
                continue;
            }
            if (!workload.more()) {
                break;
            }
            boolean write = workload.nextIsWrite();
            long off = workload.nextOffset(write);
            buf.clear();
            if (write && written != null) {
                stamp.stamp(buf, off, schedule.generation());
            }
            long t0 = System.nanoTime();
            int n = transfer(write, off);
            now = System.nanoTime();
            if (n != spec.bs()) {
                stats.error((write ? "write" : "read") + " at offset " + off + ": " + n + " of " + spec.bs() + " bytes");
                break;
            }
            (write ? stats.write : stats.read).record(n, -1, now - t0);
            if (write && written != null) {
                written.set((int) (off / spec.bs()));
            }
            if (!write && spec.verify()) {
                buf.clear();
                String bad = stamp.check(buf, off, -1);
                if (bad == null) {
                    stats.verifiedOk();
                } else {
                    stats.mismatch(off, bad);
                }
            }
            stats.lastCompletion = now;
            progressIos.increment();
            progressBytes.add(n);
        }
        endMeasuring();
    }

    /** Moves one whole block, continuing after a short transfer (rare for regular files). */
    private int transfer(boolean write, long off) throws IOException {
        int done = 0;
        while (buf.hasRemaining()) {
            int n = write ? ch.write(buf, off + done) : ch.read(buf, off + done);
            if (n <= 0) {
                break;
            }
            done += n;
        }
        return done;
    }

    @Override
    public void close() {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException e) {
                // closing a file we only read and wrote: nothing to report
            }
        }
    }
}
