package jaio.engine.threads;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import jaio.CancelResult;
import jaio.Opcode;
import jaio.engine.IoErrors;
import jaio.engine.IterationLength;
import jaio.engine.PoolOwner;
import jaio.engine.WorkerPool;
import jaio.spi.Capabilities;
import jaio.spi.CompletionSink;
import jaio.spi.EngineContext;
import jaio.spi.IoEngine;
import jaio.spi.Op;
import jaio.spi.Retry;

/**
 * Any thread may submit, cancel and (while it waits for events) run queued requests,
 * concurrently, as {@link IoEngine} allows: the {@link WorkerPool}'s lock orders them, and
 * the threads that run requests post completions with no lock held and never run user code.
 * The portable engine (E3): system calls on the request's descriptor (positional FileChannel
 * I/O without one) on a bounded pool of worker threads, each request driven as a state
 * machine of iterations (seed approach 2).
 *
 * <p>What one iteration of an opcode does, and whether it runs inline on the submitting thread
 * or on a worker, is its driver's ({@link Drivers}); the queue, the workers, the retry between
 * iterations and the cancel of a queued op are the pool's. What waits (POLL, TIMEOUT, sockets,
 * pipes and eventfds that are not ready) waits on the engine's one {@link Poller} thread.
 *
 * <p>Caller-runs ({@link #runQueued}): a platform thread about to park in getEvents or await
 * runs the oldest queued request's iteration itself, when its driver allows it on such a
 * thread ({@link OpDriver#runsOnWaiter}: through the descriptor into native memory, or a
 * stream's non-blocking call; never what could hand a waiting thread's interrupt to a
 * FileChannel, or a worker's scratch buffer), so that at depth 1 a request costs its system
 * call and no hand-off: the request its submitter queues wakes nobody, and that thread runs it
 * when it waits. The pool's class comment gives the rules and what bounds the waits they
 * allow (a request whose submitter never waits still starts within about 2 ms); each such
 * iteration is counted in {@code ContextStats.callerRuns}.
 */
public final class ThreadPoolEngine implements IoEngine {
    /** The submitting thread's arrays for splitting a batch (reused: nothing allocated per batch). */
    private static final ThreadLocal<Split> SPLIT = ThreadLocal.withInitial(Split::new);

    private final CompletionSink sink;
    private final EngineContext ctx;
    private final WorkerPool pool;
    private final Poller poller;
    private final Drivers drivers;

    ThreadPoolEngine(EngineContext ctx) {
        this.ctx = ctx;
        this.sink = ctx.sink();
        this.poller = new Poller(ctx.name(), this::ready, this::post);
        this.drivers = new Drivers(poller);
        // SHORT: most iterations are page-cache hits; the bench's figures were measured so.
        this.pool = new WorkerPool(ctx.name() + "-worker-", ctx.workerThreads(), IterationLength.SHORT,
                () -> drivers.worker, new PoolOwner() {
                    @Override
                    public void retried() {
                        ctx.counters().retries.increment();
                    }

                    @Override
                    public void finished(Op op) {
                        post(op);
                    }

                    @Override
                    public void finishedBatch(Op[] ops, int count) {
                        sink.completeBatch(ops, count);
                        poller.completed(count);
                    }

                    @Override
                    public boolean mayRunOnWaiter(Op op) {
                        return drivers.runsOnWaiter(op);
                    }

                    @Override
                    public void ranOnWaiter() {
                        ctx.counters().callerRuns.increment();
                    }

                    @Override
                    public boolean onePerFile(Op op) {
                        return PoolOwner.takesTurns(op);
                    }
                });
    }

    /** Posts a finished op and counts it for the TIMEOUTs waiting for a number of completions. */
    private void post(Op op) {
        sink.complete(op);
        poller.completed(1);
    }

    /** On the poller thread: {@code op}'s descriptor is ready ({@code revents}), or hung up or in error. */
    private void ready(Op op, int revents) {
        try {
            if (op.opcode == Opcode.POLL) {
                Retry.afterIteration(op, revents);
                op.engineState = 0;
                post(op);
            } else {
                drivers.streams().resume(op, this::post);
            }
        } catch (Throwable t) {
            // Never let the poller thread die with an op nobody would finish.
            Retry.finish(op, IoErrors.negErrno(t));
            op.engineState = 0;
            post(op);
        }
    }

    static Capabilities capabilities(int workers) {
        return Drivers.capabilities(workers);
    }

    @Override
    public Capabilities capabilities() {
        return capabilities(pool.maxWorkers());
    }

    @Override
    public boolean needsPumping() {
        return false;
    }

    /** Caller-runs: the waiting thread runs the oldest queued request's next iteration (see {@link WorkerPool}). */
    @Override
    public boolean runQueued() {
        return pool.runQueued(drivers.worker);
    }

    @Override
    public void submit(Op[] ops, int from, int count) {
        int end = from + count;
        int i = from;
        while (i < end && !drivers.inline(ops[i].opcode)) {
            i++;
        }
        if (i == end) {
            pool.enqueue(ops, from, count);
        } else {
            submitSplit(ops, from, end);
        }
    }

    /**
     * A batch with ops that start inline: the others are queued first, under one lock, so the
     * workers start on them while the inline ones run here; what finished inline is posted in
     * one batch.
     */
    private void submitSplit(Op[] ops, int from, int end) {
        Split s = SPLIT.get().fit(end - from);
        int queued = 0;
        int inline = 0;
        for (int i = from; i < end; i++) {
            Op op = ops[i];
            if (drivers.inline(op.opcode)) {
                s.inline[inline++] = op;
            } else {
                s.queued[queued++] = op;
            }
        }
        int finished = 0;
        try {
            if (queued > 0) {
                pool.enqueue(s.queued, 0, queued);
            }
            for (int k = 0; k < inline; k++) {
                Op op = s.inline[k];
                if (pool.runInline(drivers.worker, op)) {
                    s.inline[finished++] = op;
                }
            }
            if (finished > 0) {
                sink.completeBatch(s.inline, finished);
                poller.completed(finished);
            }
        } finally {
            Arrays.fill(s.queued, 0, queued, null);
            Arrays.fill(s.inline, 0, inline, null);
        }
    }

    @Override
    public CancelResult cancel(Op op) {
        CancelResult r = poller.cancel(op);
        if (r == null) {
            r = pool.cancel(op);
        }
        if (r == CancelResult.CANCELED) {
            op.engineState = 0;
            post(op);
        }
        return r;
    }

    @Override
    public void cancelAll() {
        // Posted once the pool's lock is released: the sink takes the context's locks.
        List<Op> dropped = new ArrayList<>();
        pool.cancelQueued(dropped::add, Integer.MAX_VALUE);
        for (Op op : dropped) {
            post(op);
        }
        poller.cancelAll();
    }

    @Override
    public void close() {
        pool.close();
        poller.close();
    }

    @Override
    public String toString() {
        return "ThreadPoolEngine(" + ctx.name() + ")";
    }

    /** One thread's scratch for {@link #submitSplit}; confined to it by the ThreadLocal. */
    private static final class Split {
        Op[] queued = new Op[16];
        Op[] inline = new Op[16];

        Split fit(int n) {
            if (queued.length < n) {
                queued = new Op[Math.max(n, 2 * queued.length)];
                inline = new Op[queued.length];
            }
            return this;
        }
    }
}
