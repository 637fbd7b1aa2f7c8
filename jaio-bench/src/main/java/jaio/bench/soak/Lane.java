package jaio.bench.soak;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;
import jaio.IoFile;

/**
 * The submitting thread steps a lane; reaping threads report its requests' ends. One pipe
 * and its cycle: a POLL for input (where the engine has POLL), a one-byte write, and once
 * both ended, a one-byte read that empties the pipe again.
 */
final class Lane implements AutoCloseable {
    enum Stage { IDLE, POLLED, WRITTEN, DRAINING }

    final IoFile rd;
    final IoFile wr;
    Stage stage = Stage.IDLE;
    /** Poll and write not ended yet. */
    final AtomicInteger pending = new AtomicInteger();
    volatile boolean drainedFlag;

    Lane() throws IOException {
        IoFile[] p = IoFile.pipe();
        this.rd = p[0];
        this.wr = p[1];
    }

    void partDone() {
        pending.decrementAndGet();
    }

    void drained() {
        drainedFlag = true;
    }

    @Override
    public void close() {
        rd.close();
        wr.close();
    }
}
