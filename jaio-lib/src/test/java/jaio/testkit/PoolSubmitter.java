package jaio.testkit;

import java.util.SplittableRandom;
import jaio.IoContext;
import jaio.Opcode;
import jaio.Request;

/**
 * One submitting thread of a stress test, reusing a pool of requests. Until the ledger's ids
 * run out or some thread failed, it takes a batch of pool requests that are not in flight,
 * gives each the next id as its user data (and each PREAD a random 4 KiB block of the file's
 * first MiB as its offset), and submits the batch until the context has accepted all of it,
 * counting what was accepted in the ledger. A full context is back-pressure: it spins and
 * tries again.
 *
 * <p>By default a batch holds a random number of requests, from 1 to the batch size, taken
 * in turn around the pool. The options change that, and {@link #afterEachBatch} lets a test
 * act on each accepted batch (cancel one of it, say).
 */
public final class PoolSubmitter {
    /** Makes the pool's request number {@code index}; may draw on the submitter's random numbers. */
    @FunctionalInterface
    public interface RequestMaker {
        Request make(int index, SplittableRandom rnd);
    }

    /** Called with each batch once the context accepted all of it: the first {@code n} slots. */
    @FunctionalInterface
    public interface BatchAction {
        void accepted(Request[] batch, int n, SplittableRandom rnd);
    }

    private final IoContext ctx;
    private final StressLedger ledger;
    private final SplittableRandom rnd;
    private final Request[] pool;
    private Request[] batch = new Request[16];
    private boolean fullBatches;
    private boolean randomPicks;
    private BatchAction afterEachBatch = (b, n, r) -> { };
    private int cursor;

    /**
     * A submitter with its own random numbers from {@code seed} and a pool of
     * {@code poolSize} requests from {@code make}, made in index order before it runs.
     */
    public PoolSubmitter(IoContext ctx, StressLedger ledger, long seed, int poolSize, RequestMaker make) {
        this.ctx = ctx;
        this.ledger = ledger;
        this.rnd = new SplittableRandom(seed);
        this.pool = new Request[poolSize];
        for (int i = 0; i < poolSize; i++) {
            pool[i] = make.make(i, rnd);
        }
    }

    /** The most requests a batch holds (16 unless set). */
    public PoolSubmitter batchSize(int max) {
        batch = new Request[max];
        return this;
    }

    /** Every batch tries for the full batch size instead of a random number. */
    public PoolSubmitter fullBatches() {
        fullBatches = true;
        return this;
    }

    /** Each request of a batch is drawn at random from the pool instead of in turn. */
    public PoolSubmitter randomPicks() {
        randomPicks = true;
        return this;
    }

    public PoolSubmitter afterEachBatch(BatchAction action) {
        afterEachBatch = action;
        return this;
    }

    /** Submits until the ledger has no ids left or a thread failed. */
    public void run() {
        while (!ledger.failed()) {
            int n = pick(fullBatches ? batch.length : 1 + rnd.nextInt(batch.length));
            if (n == 0) {
                Thread.onSpinWait();
                continue;
            }
            long first = ledger.nextId.getAndAdd(n);
            if (first >= ledger.total) {
                return;
            }
            n = (int) Math.min(n, ledger.total - first);
            for (int i = 0; i < n; i++) {
                if (batch[i].opcode() == Opcode.PREAD) {
                    batch[i].offset(rnd.nextInt(256) * 4096L);
                }
                batch[i].userData(first + i);
            }
            int off = 0;
            while (off < n && !ledger.failed()) {
                int k = ctx.submit(batch, off, n - off);
                ledger.accepted.addAndGet(k);
                off += k;
                if (k == 0) {
                    Thread.onSpinWait();
                }
            }
            afterEachBatch.accepted(batch, n, rnd);
        }
    }

    /** Fills the batch with up to {@code want} distinct pool requests not in flight; returns how many. */
    private int pick(int want) {
        int n = 0;
        for (int scanned = 0; scanned < pool.length && n < want; scanned++) {
            Request r;
            if (randomPicks) {
                r = pool[(scanned + rnd.nextInt(pool.length)) % pool.length];
                if (contains(n, r)) {
                    continue;
                }
            } else {
                r = pool[cursor];
                cursor = (cursor + 1) % pool.length;
            }
            if (!r.isInFlight()) {
                batch[n++] = r;
            }
        }
        return n;
    }

    private boolean contains(int n, Request r) {
        for (int i = 0; i < n; i++) {
            if (batch[i] == r) {
                return true;
            }
        }
        return false;
    }
}
