package jaio.bench.run;

import jaio.bench.cli.JobSpec;

/**
 * Decides, request by request, what a job does next: read or write, at which offset, and when
 * an fsync is due. Random offsets come from an xorshift generator held here (no allocation,
 * a few nanoseconds); sequential ones advance by bs and wrap at the end of the region. Not
 * thread safe: one job thread, or a lock held by the caller.
 */
public final class Workload {
    private final int bs;
    private final long blocks;
    private final boolean random;
    private final boolean reads;
    private final boolean writes;
    private final int readPercent;
    private final int fsyncEvery;
    /** Bytes the job may issue in all; Long.MAX_VALUE when it is time based. */
    private final long budget;
    private long state;
    private long nextBlock;
    private long issued;
    private long writesSinceSync;
    private boolean syncDue;

    /** Job {@code index} of a spec; each job draws its own sequence, the same on every run (fio's randrepeat). */
    public Workload(JobSpec spec, int index) {
        this.bs = spec.bs();
        this.blocks = spec.blocks();
        this.random = spec.rw().random();
        this.reads = spec.rw().reads();
        this.writes = spec.rw().writes();
        this.readPercent = reads && writes ? spec.rwmixread() : reads ? 100 : 0;
        this.fsyncEvery = writes ? spec.fsync() : 0;
        this.budget = spec.timeBased() ? Long.MAX_VALUE : spec.blocks() * spec.bs();
        this.state = 0x9E3779B97F4A7C15L * (index + 1) ^ 0x2545F4914F6CDD1DL;
    }

    private long nextRandom() {
        // xorshift64*: period 2^64 - 1, good enough to spread offsets, never zero.
        long x = state;
        x ^= x >>> 12;
        x ^= x << 25;
        x ^= x >>> 27;
        state = x;
        return x * 0x2545F4914F6CDD1DL;
    }

    /** Whether the byte budget (size-bound jobs) allows another request. */
    public boolean more() {
        return issued < budget;
    }

    /** Whether the next request must be an fsync (fio's --fsync=N after N writes). */
    public boolean syncDue() {
        return syncDue;
    }

    /** The fsync was issued. */
    public void syncIssued() {
        syncDue = false;
        writesSinceSync = 0;
    }

    /** Whether the next transfer is a write (for randrw, drawn with --rwmixread). */
    public boolean nextIsWrite() {
        if (readPercent == 100) {
            return false;
        }
        if (readPercent == 0) {
            return true;
        }
        return Long.remainderUnsigned(nextRandom() >>> 1, 100) >= readPercent;
    }

    /** The offset of the next transfer; counts it against the budget and the fsync interval. */
    public long nextOffset(boolean write) {
        long block;
        if (random) {
            block = Long.remainderUnsigned(nextRandom(), blocks);
        } else {
            block = nextBlock;
            nextBlock = nextBlock + 1 == blocks ? 0 : nextBlock + 1;
        }
        issued += bs;
        if (write && fsyncEvery > 0 && ++writesSinceSync >= fsyncEvery) {
            syncDue = true;
        }
        return block * bs;
    }

    /** A fresh pseudo-random word (for filling write buffers). */
    public long nextLong() {
        return nextRandom();
    }
}
