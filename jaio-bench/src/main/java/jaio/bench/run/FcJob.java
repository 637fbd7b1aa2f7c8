package jaio.bench.run;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.concurrent.locks.LockSupport;
import jaio.bench.plan.IoSequence;
import jaio.nio.JaioFileChannel;

/**
 * jdk-fc and jaio-fc: the synchronous baseline, or jaio's FileChannel driven the same way: one thread per clone doing FileChannel positional reads and
 * writes, one call at a time (fio's psync). iodepth, iodepth_low and the batch options do not
 * apply. Latency is the duration of the call (there is no separate submission, so no slat).
 */
final class FcJob extends Job {
    private FileChannel[] ch;
    private ByteBuffer buf;
    private final BlockStamp stamp = newStamp();
    private final IoSequence.Unit u = new IoSequence.Unit();

    /** Whether the channels are jaio's (jaio-fc) rather than the JDK's (jdk-fc). */
    private final boolean jaio;

    FcJob(Clone clone, boolean jaio) {
        super(clone);
        this.jaio = jaio;
    }

    @Override
    public void open() throws IOException {
        int n = clone.layout().files().size();
        ch = new FileChannel[n];
        for (int i = 0; i < n; i++) {
            ch[i] = jaio ? JaioFileChannel.open(path(i), JdkFiles.options(spec)) : FileChannel.open(path(i), JdkFiles.options(spec));
        }
        buf = JdkFiles.buffer(spec, path(0));
        JdkFiles.fill(buf, clone.thread());
    }

    @Override
    public String engineName() {
        return jaio ? "jaio-fc" : "jdk-fc";
    }

    @Override
    protected void mainLoop() throws IOException {
        boolean timeBased = spec.timing().timeBased();
        long sinceThink = 0;
        long now = schedule.start();
        while (stats.errors() == 0 && !schedule.over(now)) {
            checkRamp(now);
            if (!seq.next(u, timeBased)) {
                break;
            }
            long wait = pacer.wait(u.dir, now);
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            pacer.issued(u.dir, u.length);
            issued(System.nanoTime(), u);
            now = one(u, -1, false);
            if (spec.pace().thinktime() > 0 && ++sinceThink >= spec.pace().thinktimeBlocks()) {
                sinceThink = 0;
                LockSupport.parkNanos(spec.pace().thinktime());
                now = System.nanoTime();
            }
        }
    }

    /** One I/O, synchronously; returns the time it ended. */
    private long one(IoSequence.Unit x, long expectGen, boolean readBack) throws IOException {
        if (x.dir == IoSequence.SYNC || x.dir == IoSequence.DATASYNC) {
            long t0 = System.nanoTime();
            ch[x.file].force(x.dir == IoSequence.SYNC);
            long now = System.nanoTime();
            stats.sync.record(0, -1, now - t0);
            return now;
        }
        boolean write = x.dir == IoSequence.WRITE;
        buf.clear().limit((int) x.length);
        if (write && spec.verify().on()) {
            stamp.stamp(buf, x.offset, generation());
        }
        long t0 = System.nanoTime();
        int n = transfer(ch[x.file], write, x.offset);
        long now = System.nanoTime();
        if (n != x.length) {
            stats.error((write ? "write" : "read") + " at offset " + x.offset + ": " + n + " of " + x.length + " bytes");
            return now;
        }
        if (write) {
            writeDone(stats, x.file, x.offset, n, -1, now - t0, now);
        } else {
            buf.clear().limit((int) x.length);
            readDone(stats, stamp, x.file, x.offset, n, spec.verify().on() ? buf : null, -1, now - t0, now, expectGen,
                    readBack);
        }
        return now;
    }

    @Override
    protected void syncFiles() throws IOException {
        for (int i = 0; i < ch.length; i++) {
            long t0 = System.nanoTime();
            ch[i].force(true);
            stats.sync.record(0, -1, System.nanoTime() - t0);
        }
    }

    @Override
    protected void readBack(WrittenBlocks blocks) throws IOException {
        Source s = Source.readBack(blocks);
        while (stats.errors() == 0 && s.next(u, 0)) {
            one(u, generation(), true);
        }
    }

    /** Moves one whole block, continuing after a short transfer (rare for regular files). */
    private int transfer(FileChannel c, boolean write, long off) throws IOException {
        int done = 0;
        while (buf.hasRemaining()) {
            int n = write ? c.write(buf, off + done) : c.read(buf, off + done);
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
            for (FileChannel c : ch) {
                if (c != null) {
                    try {
                        c.close();
                    } catch (IOException e) {
                        // closing a file we only read and wrote: nothing to report
                    }
                }
            }
        }
    }
}
